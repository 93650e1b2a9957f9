/**
 * Which assets to upload, keep or replace, from the files this run attaches and the release's
 * assets: a pure plan, so a re-run is decided by the same table it is tested with.
 *
 * - no asset of that name: upload;
 * - an asset of that name and the same content: skip. The content is known by the asset's `digest`
 *   (GitHub reports `sha256:…` for assets uploaded since 2025); when GitHub reports none (older
 *   assets, GitHub Enterprise Server), by its size and the SHA-256 this action listed for it in the
 *   release body it wrote last time;
 * - an asset of that name with other content, or whose content cannot be known, or an unfinished
 *   upload (`state: open`, left by a failed upload): replace (delete, then upload), saying why;
 * - assets of other names are kept as they are.
 */

export interface RemoteAsset {
  id: number;
  name: string;
  size: number;
  /** `sha256:<hex>`, or null when GitHub does not report it. */
  digest: string | null;
  state: string;
}

export interface PlannedFile {
  name: string;
  size: number;
  sha256: string;
}

export type AssetAction = 'upload' | 'skip' | 'replace';

export interface AssetStep {
  name: string;
  action: AssetAction;
  /** Why, in a few words (for the log and the summary). */
  reason: string;
  /** The asset to delete first (replace). */
  replaces?: number;
}

export function planAssets(
  files: readonly PlannedFile[],
  remote: readonly RemoteAsset[],
  listedSums: ReadonlyMap<string, string> = new Map(),
): AssetStep[] {
  const byName = new Map(remote.map((asset) => [asset.name, asset]));
  return files.map((file) => {
    const asset = byName.get(file.name);
    if (!asset) return { name: file.name, action: 'upload', reason: 'new' };
    const replace = (reason: string): AssetStep => ({ name: file.name, action: 'replace', reason, replaces: asset.id });
    if (asset.state !== 'uploaded') return replace(`the asset is an unfinished upload (state ${asset.state})`);
    const ours = `sha256:${file.sha256}`;
    if (asset.digest) {
      if (asset.digest.toLowerCase() === ours) return { name: file.name, action: 'skip', reason: 'same content (SHA-256)' };
      return replace(`different content: ${asset.digest.slice(0, 19)}… → ${ours.slice(0, 19)}…`);
    }
    const listed = listedSums.get(file.name);
    if (listed === file.sha256 && asset.size === file.size)
      return { name: file.name, action: 'skip', reason: 'same size and the SHA-256 the release notes list' };
    if (listed !== undefined && listed !== file.sha256)
      return replace(`different content: the release notes list sha256:${listed.slice(0, 12)}…, this file is ${ours.slice(0, 19)}…`);
    return replace('GitHub reports no digest for it, so its content cannot be compared');
  });
}

/** `upload_url`'s RFC 6570 template (`…/assets{?name,label}`) filled in for one asset. */
export function uploadUrlFor(template: string, name: string): string {
  const base = template.replace(/\{[^}]*\}$/, '');
  return `${base}${base.includes('?') ? '&' : '?'}name=${encodeURIComponent(name)}`;
}
