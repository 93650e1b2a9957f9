/**
 * Docker config files (`config.json`, `{auths: {host: {auth: base64(user:password)}}}`), read and
 * written in one place.
 *
 * Reading: the login `docker login` / amazon-ecr-login / docker/login-action left for a registry in
 * `$DOCKER_CONFIG/config.json` (else `~/.docker/config.json`), masked as soon as it is read.
 * Credential helpers (`credsStore`, `credHelpers`) are not run: a login kept only in a helper is not
 * found, and the caller says how to pass one.
 *
 * Writing: a private config (0600 in a 0700 directory under RUNNER_TEMP) holding logins for later
 * steps or for a docker CLI this step runs. The password goes into that file only: never onto a
 * command line, and never through `docker login`, which would write it to ~/.docker/config.json or,
 * with an empty config, to the OS keyring through a credential helper, where it would outlive the job.
 * Only directories named as written here are ever removed.
 */
import { readFileSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from '../node-crypto.js';
import { registerSecret } from '../secrets.js';

export interface Login {
  host: string;
  username: string;
  password: string;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
}

/** The directory docker reads its config from: `DOCKER_CONFIG`, else `~/.docker`. */
export function dockerConfigDir(env: Record<string, string | undefined> = process.env): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

/** The keys a registry's login may be stored under (docker writes Docker Hub's under its v1 URL). */
function keysFor(registry: string): string[] {
  return registry === 'docker.io'
    ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io']
    : [registry, `https://${registry}`, `http://${registry}`];
}

/**
 * The login stored for `registry` (`host[:port]`, or `docker.io`), or undefined when there is none
 * (or no readable config). The password (and the base64 form) are registered as secrets.
 */
export function readDockerConfigLogin(
  registry: string,
  env: Record<string, string | undefined> = process.env,
): { username: string; password: string } | undefined {
  let config: { auths?: Record<string, AuthEntry | undefined> };
  try {
    config = JSON.parse(readFileSync(join(dockerConfigDir(env), 'config.json'), 'utf8')) as typeof config;
  } catch {
    return undefined;
  }
  for (const key of keysFor(registry)) {
    const entry = config.auths?.[key];
    if (!entry) continue;
    if (entry.auth) {
      registerSecret(entry.auth);
      const decoded = Buffer.from(entry.auth, 'base64').toString();
      const colon = decoded.indexOf(':');
      const password = decoded.slice(colon + 1);
      registerSecret(password);
      return { username: colon < 0 ? decoded : decoded.slice(0, colon), password: colon < 0 ? '' : password };
    }
    if (entry.username !== undefined) {
      const password = entry.password ?? '';
      registerSecret(Buffer.from(`${entry.username}:${password}`).toString('base64'));
      registerSecret(password);
      return { username: entry.username, password };
    }
  }
  return undefined;
}

/** `{auths: {host: {auth: base64(user:password)}}}` as `docker login` writes it. */
export function dockerConfigJson(logins: readonly Login[]): string {
  const auths: Record<string, { auth: string }> = {};
  for (const login of logins) auths[login.host] = { auth: Buffer.from(`${login.username}:${login.password}`).toString('base64') };
  return `${JSON.stringify({ auths }, null, 2)}\n`;
}

/** Writes `<base>/deploy-kit-docker-<random>/config.json` (dir 0700, file 0600); returns the dir. */
export async function writeDockerConfig(base: string, logins: readonly Login[]): Promise<string> {
  const dir = join(base, `deploy-kit-docker-${randomBytes(6).toString('hex')}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const file = join(dir, 'config.json');
  await writeFile(file, dockerConfigJson(logins), { mode: 0o600 });
  await chmod(file, 0o600);
  return dir;
}

/** Removes a config directory {@link writeDockerConfig} made; refuses any other path. */
export async function removeDockerConfig(dir: string): Promise<boolean> {
  if (!/deploy-kit-docker-[0-9a-f]{12}$/.test(dir))
    throw new Error(`refusing to remove ${dir}: not a docker config directory deploy-kit wrote`);
  await rm(dir, { recursive: true, force: true });
  return true;
}
