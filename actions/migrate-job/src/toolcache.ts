/**
 * The runner's tool cache (`RUNNER_TOOL_CACHE`) in @actions/tool-cache's layout, so that setup-*
 * actions, `actions/cache` over that folder and this action all read the same entries:
 *
 *   <root>/<name>/<version>/<arch>/          the files
 *   <root>/<name>/<version>/<arch>.complete  written last: an entry without it is unfinished
 *
 * Stands in for @actions/tool-cache's `find`, `cacheDir`, `extractTar` and `extractZip` (4.0.0). The
 * library brings @actions/core, @actions/http-client and undici for its download, which migrate-job
 * does itself (network.ts, with the step's deadline and the transport rules): 1.15 MB of the 5.6 MB
 * `dist/migrate-job` (measured, ncc --minify), which every `uses:` of a deploy-kit action downloads;
 * issue 15 asks for that bundle under 3 MB. These four functions are what migrate-job used of it.
 * Nothing here is trusted on its own: install.ts verifies a cached entry's release file by SHA-256.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { childEnvironment } from '@deploy-kit/core';

/** Where an entry lives: `<root>/<name>/<version>/<arch>` (tool-cache's `cacheDir` path). */
export function toolCachePath(root: string, name: string, version: string, arch: string): string {
  return join(root, name, version, arch);
}

/** The folder of a complete entry, or undefined (no root, no entry, or an unfinished one). tool-cache's `find` for an exact version. */
export function findInToolCache(name: string, version: string, arch: string, root = process.env.RUNNER_TOOL_CACHE): string | undefined {
  if (!root) return undefined;
  const path = toolCachePath(root, name, version, arch);
  try {
    return existsSync(`${path}.complete`) && statSync(path).isDirectory() ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Copies the contents of `source` into the entry (replacing an older one) and marks it complete last,
 * as tool-cache's `cacheDir` does. Returns the entry's folder.
 */
export function keepInToolCache(source: string, name: string, version: string, arch: string, root = process.env.RUNNER_TOOL_CACHE): string {
  if (!root) throw new Error('RUNNER_TOOL_CACHE is not set');
  const path = toolCachePath(root, name, version, arch);
  const marker = `${path}.complete`;
  rmSync(marker, { force: true });
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true });
  for (const item of readdirSync(source)) cpSync(join(source, item), join(path, item), { recursive: true });
  mkdirSync(dirname(marker), { recursive: true });
  writeFileSync(marker, '');
  return path;
}

/** The command that unpacks a release archive into `dest` (tar and unzip are on every hosted runner image). */
export function extractCommand(kind: 'tar.gz' | 'zip', archive: string, dest: string): { tool: string; args: string[] } {
  return kind === 'tar.gz'
    ? { tool: 'tar', args: ['-xzf', archive, '-C', dest, '--no-same-owner'] }
    : { tool: 'unzip', args: ['-o', '-q', archive, '-d', dest] };
}

/**
 * Unpacks `archive` into `dest` (which exists) through @actions/exec, silently, with an explicit
 * environment (SECURITY.md rule 9: the basics, never the runner's tokens); a failure names the command
 * and its stderr.
 */
export async function extractArchive(kind: 'tar.gz' | 'zip', archive: string, dest: string): Promise<void> {
  const { getExecOutput } = await import('@actions/exec');
  const { tool, args } = extractCommand(kind, archive, dest);
  const result = await getExecOutput(tool, args, { env: childEnvironment(), silent: true, ignoreReturnCode: true });
  if (result.exitCode !== 0) {
    const detail = result.stderr.trim().split('\n').slice(-3).join(' ');
    throw new Error(`${tool} ${args.join(' ')} exited with code ${result.exitCode}${detail ? `: ${detail}` : ''}`);
  }
}
