/**
 * Installs `tool: <name>@<version>` for `backend: command`. Nothing runs without proof: the release
 * file's SHA-256 must equal the pinned `tool-checksum`, or the checksum the release publishes, fetched
 * over https. That holds for every source of the file: a download from `tool-base-url` (default: the
 * tool's own release site; https only, plain http for a loopback test mirror), the runner's tool
 * cache and the Actions cache alike — a cache is only a place someone else may have written to (a
 * self-hosted runner's earlier job, a poisoned cache entry). So the caches keep the release file
 * itself next to what was extracted from it; a cached copy is used only when that file has the
 * expected hash, and the executable that runs is extracted from those verified bytes into a fresh
 * folder of this run, never the cached executable.
 *
 * Every request is bounded (no answer, or no progress, within 30 s; the whole download within 10 min)
 * and ends at the step's deadline (`signal`). The tool cache (toolcache.ts) and the Actions cache
 * service (cache-service.ts) are small hand-written stand-ins for @actions/tool-cache and @actions/cache;
 * their headers give the measured reason.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError, errorMessage, runner as core, safeUrl } from '@deploy-kit/core';
import { CacheServiceError, cacheServiceFromEnv, type CacheService } from './cache-service.js';
import { NetworkError, boundedFetch, readBody } from './network.js';
import { extractArchive, findInToolCache, keepInToolCache } from './toolcache.js';
import { checksumFor, downloadPlan, releasePlatform, sha256Hex, type DownloadPlan, type ToolSpec } from './tool.js';

export interface InstalledTool {
  /** Folder holding the executable (prepended to PATH): a fresh folder of this run. */
  dir: string;
  executable: string;
  source: 'tool-cache' | 'actions-cache' | 'download';
  sha256: string;
}

export interface InstallOptions {
  baseUrl?: string;
  /** Pinned hash (`tool-checksum`); otherwise the release's published checksum is used. */
  checksum?: string;
  log: (line: string) => void;
  /** The step's deadline and cancellation: no request or cache transfer outlives it. */
  signal?: AbortSignal;
  /** Per request: the longest wait for an answer, or for the next chunk (default 30 s). */
  answerMs?: number;
  fetch?: typeof fetch;
}

/** The folder inside a cached tool that holds the release file it was extracted from. */
export const RELEASE_DIR = '.deploy-kit-release';
/** The longest a download may take in all (a slow but moving transfer; a stalled one ends after `answerMs`). */
const DOWNLOAD_TOTAL_MS = 10 * 60_000;
/** The longest one exchange with the Actions cache (a restore's or a save's transfer) may take before it is skipped. */
const CACHE_TRANSFER_MS = 2 * 60_000;
const MAX_CHECKSUM_FILE = 1024 * 1024;

/** Keyed by the content (`-release`: entries hold the release file; the entry's version says it is the file itself, cache-service.ts). */
export function cacheKey(tool: ToolSpec, platform: { platform: string; arch: string }, checksum?: string): string {
  return `deploy-kit-migrate-${tool.name}-${tool.version}-${platform.platform}-${platform.arch}-release${checksum ? `-${checksum.slice(0, 16)}` : ''}`;
}

function downloadError(tool: ToolSpec, what: string, url: string, why: string, extra: string[] = [], cause?: unknown): ActionError {
  return new ActionError(`Could not download ${what} of ${tool.name} ${tool.version} from ${safeUrl(url)}`, {
    why,
    check: [
      'the version exists for this platform',
      "`tool-base-url` (if set) serves the release files in the tool's release layout, over https",
      'the runner can reach that host',
      ...extra,
    ],
    cause,
  });
}

/** GETs `url` within the request limits; an HTTP error or a network failure is a clear ActionError. */
async function download(
  tool: ToolSpec,
  what: string,
  url: string,
  options: InstallOptions,
  limits: { totalMs: number; maxBytes?: number },
  extra: string[] = [],
): Promise<Buffer> {
  try {
    const answer = await boundedFetch(url, {
      outer: options.signal,
      answerMs: options.answerMs,
      totalMs: limits.totalMs,
      fetch: options.fetch,
      headers: { 'user-agent': 'deploy-kit-migrate-job' },
    });
    if (!answer.response.ok) {
      answer.done();
      await answer.response.body?.cancel().catch(() => undefined);
      throw downloadError(tool, what, url, `the server answered ${answer.response.status} ${answer.response.statusText}`.trim(), extra);
    }
    return await readBody(answer, { maxBytes: limits.maxBytes });
  } catch (error) {
    if (error instanceof ActionError) throw error;
    throw downloadError(tool, what, url, error instanceof NetworkError ? error.reason : errorMessage(error), extra, error);
  }
}

/** The hash the release file must have: the pinned one, or the one the release publishes (fetched over https). */
async function expectedChecksum(tool: ToolSpec, plan: DownloadPlan, options: InstallOptions): Promise<{ sha256: string; source: string }> {
  if (options.checksum) return { sha256: options.checksum, source: 'tool-checksum' };
  // A mirror (or a release) without the checksum file can still be verified: by a pinned hash.
  const text = (
    await download(
      tool,
      'the checksum file',
      plan.checksumUrl,
      options,
      { totalMs: options.answerMs ?? 30_000, maxBytes: MAX_CHECKSUM_FILE },
      ["or pin the release file's SHA-256 with `tool-checksum` (then no checksum file is fetched)"],
    )
  ).toString('utf8');
  const sha256 = checksumFor(text, plan.asset, tool.definition.checksum.kind);
  if (!sha256) {
    throw new ActionError(`The checksum file ${safeUrl(plan.checksumUrl)} lists no SHA-256 for ${plan.asset}`, {
      check: ['the release publishes checksums for this platform', 'or pin the hash yourself with `tool-checksum`'],
    });
  }
  return { sha256, source: 'published checksum' };
}

/** The release file kept in a cached tool folder, if there is one (not yet verified). */
function cachedRelease(dir: string, asset: string, where: string, log: (line: string) => void): Buffer | undefined {
  const file = join(dir, RELEASE_DIR, asset);
  if (existsSync(file)) return readFileSync(file);
  log(`${where} (${dir}) holds no release file to verify it by: not used`);
  return undefined;
}

/** Whether a cached release file has the expected hash; a mismatch is worth a warning (someone changed that cache). */
function verified(bytes: Buffer, expected: string, where: string, dir: string): boolean {
  const actual = sha256Hex(bytes);
  if (actual === expected) return true;
  core.warning(
    `${where} (${dir}) does not match the expected SHA-256 (${expected}; it has ${actual}): not used, the release is downloaded instead. Something changed that cache: check what else writes to it.`,
  );
  return false;
}

export async function installTool(tool: ToolSpec, options: InstallOptions): Promise<InstalledTool> {
  const platform = releasePlatform();
  const executableName = `${tool.definition.binary}${platform.platform === 'windows' ? '.exe' : ''}`;
  const plan = downloadPlan(tool, options.baseUrl, platform);
  const label = `${tool.name} ${tool.version}`;
  let expected: { sha256: string; source: string } | undefined;
  const proof = async () => {
    expected ??= await expectedChecksum(tool, plan, options);
    return expected;
  };

  // A cached copy (this machine's tool cache, else the Actions cache) is a candidate only: used once its
  // release file has the expected hash.
  let release: Buffer | undefined;
  let source: InstalledTool['source'] = 'download';
  const cached = findInToolCache(tool.name, tool.semver, platform.arch);
  if (cached) {
    const copy = cachedRelease(cached, plan.asset, `${label} in the tool cache`, options.log);
    if (copy && verified(copy, (await proof()).sha256, `${label} in the tool cache`, cached)) {
      release = copy;
      source = 'tool-cache';
      options.log(`${label}: found in the tool cache (${cached}); its release file matches the ${expected!.source}`);
    }
  }

  const key = cacheKey(tool, platform, options.checksum);
  const cacheService = cacheServiceFromEnv();
  if (!cacheService)
    core.debug(
      'The Actions cache service is not available here (ACTIONS_RUNTIME_TOKEN with ACTIONS_CACHE_URL, or ACTIONS_RESULTS_URL for the v2 service, unset); only the tool cache is used',
    );
  const transfer = { signal: options.signal, totalMs: CACHE_TRANSFER_MS, answerMs: options.answerMs, fetch: options.fetch };
  if (!release && cacheService) {
    try {
      const copy = await cacheService.restore(key, transfer);
      if (copy) options.log(`Cache restored successfully (key ${key}, ${copy.length} bytes, ${cacheService.protocol} cache service)`);
      const where = `${label} restored from the Actions cache`;
      if (copy && verified(copy, (await proof()).sha256, where, `key ${key}`)) {
        release = copy;
        source = 'actions-cache';
        options.log(`${label}: restored from the Actions cache (key ${key}); its release file matches the ${expected!.source}`);
      }
    } catch (error) {
      if (error instanceof ActionError) throw error;
      if (options.signal?.aborted) throw error;
      core.warning(`Could not restore ${tool.name} from the Actions cache (${cacheProblem(error)}); downloading it instead`);
    }
  }

  if (!release) {
    options.log(`${label}: downloading ${safeUrl(plan.url)}`);
    const downloaded = await download(tool, 'the release file', plan.url, options, { totalMs: DOWNLOAD_TOTAL_MS });
    const { sha256, source: from } = await proof();
    const actual = sha256Hex(downloaded);
    if (actual !== sha256) {
      throw new ActionError(`Checksum mismatch for ${plan.asset} (${label}): nothing was installed or run`, {
        why: `expected SHA-256 ${sha256} (${from}), the download has ${actual}`,
        check: [
          'the download was altered or truncated, or `tool-checksum` pins another file: do not bypass this check',
          'check `tool-base-url` points at the genuine release files',
        ],
      });
    }
    release = downloaded;
  }
  const proven = await proof();
  options.log(
    `${label}: SHA-256 ${proven.sha256} verified (${proven.source}${proven.source === 'published checksum' ? ` from ${safeUrl(plan.checksumUrl)}` : ''})`,
  );

  // The verified bytes, and only they, become the executable: in a folder of this run.
  let dir: string;
  let executable: string;
  try {
    const work = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), `${tool.name}-`));
    const archive = join(work, plan.asset);
    writeFileSync(archive, release);
    dir = join(work, 'bin');
    mkdirSync(dir);
    if (tool.definition.archive === 'tar.gz' || tool.definition.archive === 'zip')
      await extractArchive(tool.definition.archive, archive, dir);
    else writeFileSync(join(dir, executableName), release);
    executable = join(dir, executableName);
  } catch (error) {
    throw new ActionError(`Could not install ${label} from its verified release file ${plan.asset}`, {
      why: errorMessage(error),
      check: ['RUNNER_TEMP is a folder the runner can write, with space left', 'tar (or unzip) is installed on the runner'],
      cause: error,
    });
  }
  if (!existsSync(executable)) {
    throw new ActionError(`The ${tool.name} release file ${plan.asset} holds no "${executableName}"`, {
      check: ["`tool-base-url` serves the tool's own release files"],
    });
  }
  chmodSync(executable, 0o755);

  if (source === 'download') await keep({ tool, platform, plan, release, dir, key, cacheService, transfer, options });
  return { dir, executable, source, sha256: proven.sha256 };
}

/** Why a cache exchange failed, in the user's words. */
function cacheProblem(error: unknown): string {
  return error instanceof NetworkError ? error.reason : error instanceof CacheServiceError ? error.message : errorMessage(error);
}

/** Puts the verified release (and what it extracts to) in the tool cache, and the release file in the Actions cache. */
async function keep(args: {
  tool: ToolSpec;
  platform: { platform: string; arch: string };
  plan: DownloadPlan;
  release: Buffer;
  dir: string;
  key: string;
  cacheService: CacheService | undefined;
  transfer: { signal?: AbortSignal; totalMs: number; answerMs?: number; fetch?: typeof fetch };
  options: InstallOptions;
}): Promise<void> {
  const { tool, platform, plan, release, dir, key, cacheService, transfer, options } = args;
  if (process.env.RUNNER_TOOL_CACHE) {
    try {
      const staged = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), `${tool.name}-cache-`));
      cpSync(dir, staged, { recursive: true });
      mkdirSync(join(staged, RELEASE_DIR));
      writeFileSync(join(staged, RELEASE_DIR, plan.asset), release);
      keepInToolCache(staged, tool.name, tool.semver, platform.arch);
      rmSync(staged, { recursive: true, force: true });
    } catch (error) {
      core.warning(`Could not keep ${tool.name} in the tool cache (${errorMessage(error)}); the next run downloads it again`);
    }
  }
  if (!cacheService) return;
  try {
    const outcome = await cacheService.save(key, release, transfer);
    if (outcome === 'saved') options.log(`${tool.name} ${tool.version}: saved to the Actions cache (key ${key})`);
    else options.log(`${tool.name} ${tool.version}: the Actions cache already holds key ${key} (another job saved it); not saved again`);
  } catch (error) {
    if (options.signal?.aborted) return;
    core.warning(`Could not save ${tool.name} to the Actions cache (${cacheProblem(error)}); the next run downloads it again`);
  }
}
