/**
 * Installs `tool: <name>@<version>` for `backend: command`: from the runner's tool cache when this
 * machine already has it, else from the Actions cache (`@actions/cache`, so hosted runners keep it
 * across runs), else downloaded from `tool-base-url` (default: the tool's own release site), its
 * SHA-256 checked before anything is extracted, then put in the tool cache and saved to the cache.
 * @actions/tool-cache and @actions/cache are loaded only here, so other backends never pay for them.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ActionError, errorMessage, runner as core, safeUrl } from '@deploy-kit/core';
import { checksumFor, downloadPlan, releasePlatform, sha256Hex, type ToolSpec } from './tool.js';

export interface InstalledTool {
  /** Folder holding the executable (prepended to PATH). */
  dir: string;
  executable: string;
  source: 'tool-cache' | 'actions-cache' | 'download';
  sha256?: string;
}

export interface InstallOptions {
  baseUrl?: string;
  /** Pinned hash (`tool-checksum`); otherwise the release's published checksum is used. */
  checksum?: string;
  log: (line: string) => void;
}

function cacheKey(tool: ToolSpec, platform: { platform: string; arch: string }, checksum?: string): string {
  return `deploy-kit-migrate-${tool.name}-${tool.version}-${platform.platform}-${platform.arch}${checksum ? `-${checksum.slice(0, 16)}` : ''}`;
}

export async function installTool(tool: ToolSpec, options: InstallOptions): Promise<InstalledTool> {
  const tc = await import('@actions/tool-cache');
  const platform = releasePlatform();
  const executableName = `${tool.definition.binary}${platform.platform === 'windows' ? '.exe' : ''}`;

  const cached = tc.find(tool.name, tool.semver, platform.arch);
  if (cached && existsSync(join(cached, executableName))) {
    options.log(`${tool.name} ${tool.version}: found in the tool cache (${cached})`);
    return { dir: cached, executable: join(cached, executableName), source: 'tool-cache' };
  }

  const key = cacheKey(tool, platform, options.checksum);
  const toolCacheRoot = process.env.RUNNER_TOOL_CACHE ?? '';
  const cachePath = join(toolCacheRoot, tool.name, tool.semver, platform.arch);
  const actionsCache = await import('@actions/cache');
  if (toolCacheRoot && actionsCache.isFeatureAvailable()) {
    try {
      const hit = await actionsCache.restoreCache([cachePath], key);
      if (hit && existsSync(join(cachePath, executableName))) {
        options.log(`${tool.name} ${tool.version}: restored from the Actions cache (key ${key})`);
        return { dir: cachePath, executable: join(cachePath, executableName), source: 'actions-cache' };
      }
    } catch (error) {
      core.warning(`Could not restore ${tool.name} from the Actions cache (${errorMessage(error)}); downloading it instead`);
    }
  } else {
    core.debug('The Actions cache service is not available here (ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL unset); only the tool cache is used');
  }

  const plan = downloadPlan(tool, options.baseUrl, platform);
  options.log(`${tool.name} ${tool.version}: downloading ${safeUrl(plan.url)}`);
  const downloadError = (what: string, url: string, error: unknown, extra: string[] = []) =>
    new ActionError(`Could not download ${what} of ${tool.name} ${tool.version} from ${safeUrl(url)}`, {
      why: errorMessage(error),
      check: ['the version exists for this platform', '`tool-base-url` (if set) serves the release files in the tool\'s release layout', 'the runner can reach that host', ...extra],
      cause: error,
    });
  let archive: string;
  try {
    archive = await tc.downloadTool(plan.url);
  } catch (error) {
    throw downloadError('the release file', plan.url, error);
  }
  const actual = sha256Hex(readFileSync(archive));
  let expected = options.checksum;
  if (!expected) {
    let sums: string;
    try {
      sums = readFileSync(await tc.downloadTool(plan.checksumUrl), 'utf8');
    } catch (error) {
      // A mirror (or a release) without the checksum file can still be verified: by a pinned hash.
      throw downloadError('the checksum file', plan.checksumUrl, error, ['or pin the release file\'s SHA-256 with `tool-checksum` (then no checksum file is fetched)']);
    }
    expected = checksumFor(sums, plan.asset, tool.definition.checksum.kind);
    if (!expected) {
      throw new ActionError(`The checksum file ${safeUrl(plan.checksumUrl)} lists no SHA-256 for ${plan.asset}`, {
        check: ['the release publishes checksums for this platform', 'or pin the hash yourself with `tool-checksum`'],
      });
    }
  }
  if (actual !== expected) {
    rmSync(archive, { force: true });
    throw new ActionError(`Checksum mismatch for ${plan.asset} (${tool.name} ${tool.version}): nothing was installed or run`, {
      why: `expected SHA-256 ${expected}${options.checksum ? ' (tool-checksum)' : ' (published checksum)'}, the download has ${actual}`,
      check: ['the download was altered or truncated, or `tool-checksum` pins another file: do not bypass this check', 'check `tool-base-url` points at the genuine release files'],
    });
  }
  options.log(`${tool.name} ${tool.version}: SHA-256 ${actual} verified`);

  let extracted: string;
  if (tool.definition.archive === 'tar.gz') extracted = await tc.extractTar(archive);
  else if (tool.definition.archive === 'zip') extracted = await tc.extractZip(archive);
  else {
    extracted = mkdtempSync(join(process.env.RUNNER_TEMP ?? '/tmp', `${tool.name}-`));
    copyFileSync(archive, join(extracted, executableName));
  }
  const binary = join(extracted, executableName);
  if (!existsSync(binary)) {
    throw new ActionError(`The ${tool.name} release file ${plan.asset} holds no "${executableName}"`, { check: ['`tool-base-url` serves the tool\'s own release files'] });
  }
  chmodSync(binary, 0o755);
  const dir = await tc.cacheDir(extracted, tool.name, tool.semver, platform.arch);
  if (toolCacheRoot && actionsCache.isFeatureAvailable()) {
    try {
      mkdirSync(cachePath, { recursive: true });
      await actionsCache.saveCache([cachePath], key);
      options.log(`${tool.name} ${tool.version}: saved to the Actions cache (key ${key})`);
    } catch (error) {
      core.warning(`Could not save ${tool.name} to the Actions cache (${errorMessage(error)}); the next run downloads it again`);
    }
  }
  return { dir, executable: join(dir, executableName), source: 'download', sha256: actual };
}
