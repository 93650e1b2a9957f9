/**
 * `mode: docker`: tags and pushes with the docker CLI (an engine is needed). The CLI gets the
 * registry login through a private docker config (core's docker-config.ts) named by DOCKER_CONFIG in
 * its environment: never on a command line, and never through `docker login`, which would write it to
 * ~/.docker/config.json or, with an empty config, to the OS keyring, where it would outlive the job.
 *
 * `runCommand` uses node:child_process rather than @actions/exec: it must kill the child at its time
 * limit (`docker push` to a registry that stopped answering), which @actions/exec does not offer.
 * node:child_process is loaded on the first command: ~4 ms of every start otherwise (issue 18), and
 * most pushes run none.
 */
import { ActionError } from '@deploy-kit/core';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export type Runner = (
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; stdin?: string; timeoutMs: number },
) => Promise<CommandResult>;

export const runCommand: Runner = async (command, args, options) => {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
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
};

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
 * is the private config holding the login, when there is one (see flow.ts).
 */
export async function dockerPush(
  run: Runner,
  env: NodeJS.ProcessEnv,
  requests: DockerPushRequest[],
  log: (m: string) => void,
): Promise<Map<string, string>> {
  const tail = (r: CommandResult) => (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ');
  let info: CommandResult;
  try {
    info = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { env, timeoutMs: 30_000 });
  } catch (error) {
    throw new ActionError('mode: docker needs the docker CLI, which is not installed.', {
      why: (error as Error).message,
      check: 'use `mode: push` (no engine needed) on this runner',
    });
  }
  if (info.code !== 0) {
    throw new ActionError('mode: docker needs a running Docker engine, and none answered.', {
      why: tail(info),
      check: ['use `mode: push` (no engine needed) on this runner', 'or start the engine (docker info must work)'],
    });
  }
  const digests = new Map<string, string>();
  for (const request of requests) {
    for (const reference of request.references) {
      if (request.source && request.source !== reference) {
        const tagged = await run('docker', ['tag', request.source, reference], { env, timeoutMs: 60_000 });
        if (tagged.code !== 0)
          throw new ActionError(`docker tag ${request.source} ${reference} failed.`, {
            why: tail(tagged),
            check: 'the build step built the image under that name',
          });
      }
      const pushed = await run('docker', ['push', reference], { env, timeoutMs: 3_600_000 });
      if (pushed.code !== 0) {
        throw new ActionError(`docker push ${reference} failed.`, {
          why: tail(pushed),
          check: [
            'Repository not found: the ECR repository exists (or set create-repositories: true)',
            'Permission denied: IAM permissions',
            'Authentication fails: only the ECR registry the login was issued for (or the loopback `registry`) gets it; other registries are pushed to anonymously',
          ],
        });
      }
      const digest = parsePushDigest(pushed.stdout);
      if (digest) digests.set(reference, digest);
      log(`pushed ${reference}${digest ? ` (${digest})` : ''}`);
    }
  }
  return digests;
}
