/**
 * `tool: <name>@<version>` for `backend: command` (seed 003: golang-migrate or atlas in the CI
 * pipeline): where each tool's release lives, which file is ours for this OS/CPU, and how its
 * checksum is published. Downloads are verified against that checksum (or against `tool-checksum`,
 * which pins it in the workflow and is the stronger check) before anything is extracted or run.
 */
import { createHash } from 'node:crypto';
import { InputError } from '@deploy-kit/core';

export interface ToolDefinition {
  /** Executable name inside the release. */
  binary: string;
  defaultBaseUrl: string;
  /** Release file for a platform (`linux`, `darwin`, `windows`) and arch (`amd64`, `arm64`). */
  asset(version: string, platform: string, arch: string): string;
  /** URL of a release file given the base. */
  url(base: string, version: string, file: string): string;
  archive: 'tar.gz' | 'zip' | 'binary';
  /** `sums`: one file of `<sha256>  <name>` lines; `sidecar`: `<asset><suffix>` holds the hash. */
  checksum: { kind: 'sums'; file: string } | { kind: 'sidecar'; suffix: string };
}

export const TOOLS: Record<string, ToolDefinition> = {
  'golang-migrate': {
    binary: 'migrate',
    defaultBaseUrl: 'https://github.com/golang-migrate/migrate/releases/download',
    asset: (_version, platform, arch) => `migrate.${platform}-${arch}.${platform === 'windows' ? 'zip' : 'tar.gz'}`,
    url: (base, version, file) => `${base}/${version}/${file}`,
    archive: 'tar.gz',
    checksum: { kind: 'sums', file: 'sha256sum.txt' },
  },
  atlas: {
    binary: 'atlas',
    defaultBaseUrl: 'https://release.ariga.io/atlas',
    asset: (version, platform, arch) => `atlas-${platform}-${arch}-${version}${platform === 'windows' ? '.exe' : ''}`,
    url: (base, _version, file) => `${base}/${file}`,
    archive: 'binary',
    checksum: { kind: 'sidecar', suffix: '.sha256' },
  },
};

export interface ToolSpec {
  name: string;
  /** As written, with its `v` (`v4.19.1`). */
  version: string;
  /** Without `v`, for the tool cache (semver). */
  semver: string;
  definition: ToolDefinition;
}

const TOOL_FORMS = `\`<tool>@v<major>.<minor>.<patch>\` with <tool> one of ${Object.keys(TOOLS)
  .map((t) => `\`${t}\``)
  .join(', ')}, e.g. \`golang-migrate@v4.19.1\``;

export function parseToolSpec(name: string, raw: string): ToolSpec | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  const match = /^([a-z][a-z0-9-]*)@(v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?))$/.exec(text);
  if (!match) throw new InputError(name, 'is not a tool at an exact version', TOOL_FORMS, raw);
  const definition = TOOLS[match[1]];
  if (!definition) throw new InputError(name, `names the unknown tool "${match[1]}"`, TOOL_FORMS, raw);
  const version = match[2].startsWith('v') ? match[2] : `v${match[2]}`;
  return { name: match[1], version, semver: match[3], definition };
}

/** Node's platform/arch → the names release files use. */
export function releasePlatform(platform: string = process.platform, arch: string = process.arch): { platform: string; arch: string } {
  const os = platform === 'win32' ? 'windows' : platform;
  const cpu = arch === 'x64' ? 'amd64' : arch;
  if (!['linux', 'darwin', 'windows'].includes(os) || !['amd64', 'arm64'].includes(cpu)) {
    throw new Error(`no release of the migration tools is known for ${platform}/${arch}`);
  }
  return { platform: os, arch: cpu };
}

export interface DownloadPlan {
  asset: string;
  url: string;
  checksumUrl: string;
}

export function downloadPlan(tool: ToolSpec, baseUrl: string | undefined, platform: { platform: string; arch: string }): DownloadPlan {
  const base = (baseUrl || tool.definition.defaultBaseUrl).replace(/\/+$/, '');
  const asset = tool.definition.asset(tool.version, platform.platform, platform.arch);
  const url = tool.definition.url(base, tool.version, asset);
  const checksum = tool.definition.checksum;
  const checksumUrl = checksum.kind === 'sums' ? tool.definition.url(base, tool.version, checksum.file) : `${url}${checksum.suffix}`;
  return { asset, url, checksumUrl };
}

const SHA256 = /^[a-f0-9]{64}$/;

/** The hash for `asset` from a published checksum file (either form); undefined when it is not listed. */
export function checksumFor(text: string, asset: string, kind: 'sums' | 'sidecar'): string | undefined {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (kind === 'sidecar') {
    const first = lines[0]?.split(/\s+/)[0]?.toLowerCase();
    return first && SHA256.test(first) ? first : undefined;
  }
  for (const line of lines) {
    const match = /^([a-fA-F0-9]{64})\s+\*?(.+)$/.exec(line);
    if (match && (match[2] === asset || match[2].endsWith(`/${asset}`))) return match[1].toLowerCase();
  }
  return undefined;
}

export function parseChecksumInput(name: string, raw: string): string | undefined {
  const text = raw
    .trim()
    .toLowerCase()
    .replace(/^sha256:/, '');
  if (text === '') return undefined;
  if (!SHA256.test(text))
    throw new InputError(name, 'is not a SHA-256 hash', '64 hexadecimal characters (optionally prefixed `sha256:`)', raw);
  return text;
}

export function sha256Hex(data: Buffer | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
