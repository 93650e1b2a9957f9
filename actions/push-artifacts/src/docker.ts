/**
 * Docker CLI integration: a private docker config (0600 in a 0700 directory under RUNNER_TEMP)
 * holding the registry login, for later steps (`docker-config: true`, `mode: login`; removed by the
 * post step) or for this step's own `docker push` (`mode: docker`; removed when the step ends).
 * The password goes into that file only: never onto a command line, and never through `docker
 * login`, which would write it to ~/.docker/config.json or, with an empty config, to the OS keyring
 * through a credential helper, where it would outlive the job.
 *
 * Why child_process and not @actions/exec (3.0.0): every docker command has a time limit (a Docker
 * engine that does not answer hangs `docker info` and `docker push`), and exec gives no handle on
 * the child to stop it with (no ChildProcess, pid, AbortSignal or kill option).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ActionError } from '@deploy-kit/core';

export interface Login {
  host: string;
  username: string;
  password: string;
}

/** `{auths: {host: {auth: base64(user:password)}}}` as `docker login` writes it. */
export function dockerConfigJson(logins: readonly Login[]): string {
  const auths: Record<string, { auth: string }> = {};
  for (const login of logins) auths[login.host] = { auth: Buffer.from(`${login.username}:${login.password}`).toString('base64') };
  return `${JSON.stringify({ auths }, null, 2)}\n`;
}

/** Writes `<runnerTemp>/deploy-kit-docker-<random>/config.json` (dir 0700, file 0600); returns the dir. */
export async function writeDockerConfig(runnerTemp: string, logins: readonly Login[]): Promise<string> {
  const dir = join(runnerTemp, `deploy-kit-docker-${randomBytes(6).toString('hex')}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const file = join(dir, 'config.json');
  await writeFile(file, dockerConfigJson(logins), { mode: 0o600 });
  await chmod(file, 0o600);
  return dir;
}

/** Only directories this action made (name check) are removed. */
export async function removeDockerConfig(dir: string): Promise<boolean> {
  if (!/deploy-kit-docker-[0-9a-f]{12}$/.test(dir)) throw new Error(`refusing to remove ${dir}: not a docker config directory deploy-kit wrote`);
  await rm(dir, { recursive: true, force: true });
  return true;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export type Runner = (command: string, args: string[], options: { env: NodeJS.ProcessEnv; stdin?: string; timeoutMs: number }) => Promise<CommandResult>;

export const runCommand: Runner = (command, args, options) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // a program that exits without reading its input
      child.stdin.end(options.stdin);
    }
  });

/** `digest: sha256:... size: N` from `docker push` output. */
export function parsePushDigest(output: string): string | undefined {
  return /digest: (sha256:[a-f0-9]{64})/.exec(output)?.[1];
}

export interface DockerPushRequest {
  /** Local image to tag from (empty: the references exist locally already). */
  source: string;
  references: string[];
}

/**
 * mode: docker — needs an engine; tags and pushes. `env` is the CLI's environment: its DOCKER_CONFIG
 * is the private config holding the login, when there is one (see app.ts).
 */
export async function dockerPush(run: Runner, env: NodeJS.ProcessEnv, requests: DockerPushRequest[], log: (m: string) => void): Promise<Map<string, string>> {
  const tail = (r: CommandResult) => (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ');
  let info: CommandResult;
  try {
    info = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { env, timeoutMs: 30_000 });
  } catch (error) {
    throw new ActionError('mode: docker needs the docker CLI, which is not installed.', { why: (error as Error).message, check: 'use `mode: push` (no engine needed) on this runner' });
  }
  if (info.code !== 0) {
    throw new ActionError('mode: docker needs a running Docker engine, and none answered.', { why: tail(info), check: ['use `mode: push` (no engine needed) on this runner', 'or start the engine (docker info must work)'] });
  }
  const digests = new Map<string, string>();
  for (const request of requests) {
    for (const reference of request.references) {
      if (request.source && request.source !== reference) {
        const tagged = await run('docker', ['tag', request.source, reference], { env, timeoutMs: 60_000 });
        if (tagged.code !== 0) throw new ActionError(`docker tag ${request.source} ${reference} failed.`, { why: tail(tagged), check: 'the build step built the image under that name' });
      }
      const pushed = await run('docker', ['push', reference], { env, timeoutMs: 3_600_000 });
      if (pushed.code !== 0) {
        throw new ActionError(`docker push ${reference} failed.`, {
          why: tail(pushed),
          check: ['Repository not found: the ECR repository exists (or set create-repositories: true)', 'Permission denied: IAM permissions', 'Authentication fails: only the ECR registry the login was issued for (or the loopback `registry`) gets it; other registries are pushed to anonymously'],
        });
      }
      const digest = parsePushDigest(pushed.stdout);
      if (digest) digests.set(reference, digest);
      log(`pushed ${reference}${digest ? ` (${digest})` : ''}`);
    }
  }
  return digests;
}
