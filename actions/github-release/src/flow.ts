/**
 * The release of one tag in named phases, each in its log group: find the release and the tag
 * before it; write the notes (GitHub's generated notes since that tag, then the images by digest and
 * the binaries' sums); create the release or update the one there; attach the binaries and the
 * checksums file, skipping what is already there and replacing what differs; publish. A re-run for
 * the same tag therefore updates the same release and leaves one asset per name.
 *
 * A new release with files is created as a draft and published once every file is attached (as
 * softprops/action-gh-release does): nobody sees a release without its binaries, and on a repository
 * with immutable releases, where a published release's assets cannot change, the files get attached
 * at all. A draft left by a run that failed before publishing is found (GitHub finds drafts by no tag:
 * the newest 100 releases are listed) and finished by the next run.
 */
import { ActionError, type PhaseReport, errorMessage, isNewestReleaseTag, previousReleaseTag } from '@deploy-kit/core';
import type { Release, ReleaseFields, ReleasesApi } from './api.js';
import { type AssetStep, type PlannedFile, planAssets, uploadUrlFor } from './assets.js';
import type { ReleaseConfig } from './config.js';
import type { LocalFile } from './files.js';
import { readListedSums, renderBody, renderChecksums } from './notes.js';
import { createHash } from 'node:crypto';

export interface FlowDeps {
  /** Undefined in a dry run: nothing is sent. */
  api: ReleasesApi | undefined;
  readFile(path: string): Promise<Buffer>;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  log(message: string): void;
  now(): number;
}

export interface FlowResult {
  release?: { id: number; htmlUrl: string; uploadUrl: string };
  created: boolean;
  previousTag: string;
  makeLatest: 'true' | 'false';
  body: string;
  /** One entry per attached file (the checksums file last). */
  assets: AssetStep[];
  phases: PhaseReport[];
  failure?: ActionError;
}

const count = (assets: readonly AssetStep[], action: AssetStep['action']) => assets.filter((a) => a.action === action).length;
export const uploadedCount = (assets: readonly AssetStep[]) => count(assets, 'upload') + count(assets, 'replace');
export const skippedCount = (assets: readonly AssetStep[]) => count(assets, 'skip');
export const replacedCount = (assets: readonly AssetStep[]) => count(assets, 'replace');

export async function runRelease(config: ReleaseConfig, files: readonly LocalFile[], deps: FlowDeps): Promise<FlowResult> {
  const { api, log } = deps;
  const repo = config.repository;
  const result: FlowResult = {
    created: false,
    previousTag: config.previousTag,
    makeLatest: config.makeLatest === 'true' ? 'true' : 'false',
    body: '',
    assets: [],
    phases: [],
  };
  const phase = async (name: string, fn: () => Promise<string>): Promise<void> => {
    const started = deps.now();
    try {
      const outcome = await deps.group(name, fn);
      result.phases.push({ name, outcome, ms: deps.now() - started });
    } catch (error) {
      result.phases.push({ name, outcome: errorMessage(error).split('\n')[0]!, ms: deps.now() - started, failed: true });
      throw error;
    }
  };
  const checksums = config.checksumsFile && files.length > 0 ? renderChecksums(files) : '';
  const attached: PlannedFile[] = [
    ...files,
    ...(checksums
      ? [{ name: config.checksumsFile, size: Buffer.byteLength(checksums), sha256: createHash('sha256').update(checksums).digest('hex') }]
      : []),
  ];

  let existing: Release | undefined;
  try {
    // 1. The release there (if any), and the tags the notes start from and "latest" is decided by.
    await phase('Find the release', async () => {
      const needTags =
        (config.generateNotes && config.previousTag === '') || (config.makeLatest === 'auto' && !config.prerelease && !config.draft);
      if (!api) {
        log(`[dry-run] would look up the release of ${config.tag}${needTags ? ` and list the tags ${config.tagPrefix}*` : ''}.`);
        return 'dry run';
      }
      existing = (await api.releaseByTag(repo, config.tag)) ?? (await api.draftByTag(repo, config.tag));
      const tags = needTags ? await api.tags(repo, config.tagPrefix) : [];
      if (config.previousTag === '') result.previousTag = previousReleaseTag(tags, config.tag, config.tagPrefix) ?? '';
      if (config.makeLatest === 'auto')
        result.makeLatest =
          !config.prerelease && !config.draft && isNewestReleaseTag([...tags, config.tag], config.tag, config.tagPrefix) ? 'true' : 'false';
      const found = existing ? `${existing.draft ? 'draft ' : ''}release ${existing.id} exists (${existing.html_url})` : 'no release yet';
      const since = config.generateNotes ? `; notes since ${result.previousTag || 'the first commit (no earlier release tag)'}` : '';
      log(`${config.tag}: ${found}${since}.`);
      return `${found}${since}`;
    });

    // 2. The body: the caller's text, GitHub's notes, images by digest, sums.
    await phase('Write the notes', async () => {
      let generated = '';
      if (config.generateNotes) {
        if (api) {
          const notes = await api.generateNotes(repo, {
            tag_name: config.tag,
            ...(result.previousTag ? { previous_tag_name: result.previousTag } : {}),
            ...(config.notesConfiguration ? { configuration_file_path: config.notesConfiguration } : {}),
          });
          generated = notes.body;
        } else {
          generated = `(GitHub's generated notes since ${result.previousTag || 'the previous release tag'})`;
        }
      }
      result.body = renderBody({
        header: config.header,
        generated,
        images: config.images,
        files,
        checksumsFile: checksums ? config.checksumsFile : '',
        s3: config.s3,
      });
      log(result.body);
      return `${result.body.length} characters${config.generateNotes ? ', generated notes included' : ''}, ${config.images.length} image(s), ${files.length} sum(s)`;
    });

    // 3. Create the release, or update the one there (same id: its URL and assets stay).
    const fields: ReleaseFields = {
      name: config.name,
      body: result.body,
      draft: config.draft,
      prerelease: config.prerelease,
      make_latest: result.makeLatest,
    };
    // Published only once its files are attached (see above); an existing published release stays published.
    const publishAfter = !config.draft && attached.length > 0 && (existing === undefined || existing.draft);
    const flags = `${config.prerelease ? 'prerelease' : 'release'}${config.draft ? ', draft' : ''}${result.makeLatest === 'true' ? ', latest' : ''}`;
    await phase(existing ? 'Update the release' : 'Create the release', async () => {
      if (!api) {
        log(`[dry-run] would create or update the release ${config.name} of ${config.tag} (${flags}).`);
        return 'dry run';
      }
      const first: ReleaseFields = publishAfter ? { ...fields, draft: true, make_latest: 'false' } : fields;
      const release = existing ? await api.updateRelease(repo, existing.id, first) : await api.createRelease(repo, config.tag, first);
      result.created = !existing;
      result.release = { id: release.id, htmlUrl: release.html_url, uploadUrl: release.upload_url };
      const draft = publishAfter ? ', a draft until its files are attached' : '';
      log(`${existing ? 'Updated' : 'Created'} release ${release.id} of ${config.tag} (${flags})${draft}: ${release.html_url}`);
      return `${existing ? 'updated' : 'created'} ${release.id} (${flags}${draft})`;
    });

    // 4. The assets: upload what is new, skip what is there, replace what differs.
    if (attached.length > 0)
      await phase('Attach the assets', async () => {
        const remote = api && existing ? await api.assets(repo, existing.id) : [];
        const listed = readListedSums(existing?.body);
        // The checksums file is made from the listed sums: when the old body listed exactly these, it is this file.
        if (checksums && listed.size === files.length && files.every((f) => listed.get(f.name) === f.sha256))
          listed.set(config.checksumsFile, attached.at(-1)!.sha256);
        result.assets = planAssets(attached, remote, listed);
        for (const step of result.assets) {
          const file = files.find((f) => f.name === step.name);
          if (!api || !result.release) {
            log(`[dry-run] would ${step.action} ${step.name} (${step.reason}).`);
            continue;
          }
          if (step.action === 'skip') {
            log(`${step.name}: already attached, ${step.reason}; skipped.`);
            continue;
          }
          if (step.action === 'replace') {
            log(`${step.name}: replacing asset ${step.replaces}: ${step.reason}.`);
            await api.deleteAsset(repo, step.replaces!);
          }
          const data = file ? await deps.readFile(file.path) : Buffer.from(checksums);
          await api.uploadAsset(uploadUrlFor(result.release.uploadUrl, step.name), step.name, data);
          log(`${step.name}: ${step.action === 'replace' ? 'replaced' : 'uploaded'} (${data.length} bytes).`);
        }
        return `${uploadedCount(result.assets) - replacedCount(result.assets)} uploaded, ${replacedCount(result.assets)} replaced, ${skippedCount(result.assets)} skipped`;
      });

    // 5. Publish what was kept a draft while its files were attached.
    if (publishAfter)
      await phase('Publish the release', async () => {
        if (!api || !result.release) {
          log('[dry-run] would publish the release once its files are attached.');
          return 'dry run';
        }
        const release = await api.updateRelease(repo, result.release.id, fields);
        result.release.htmlUrl = release.html_url;
        log(`Published release ${release.id}: ${release.html_url}`);
        return `published (${flags})`;
      });
  } catch (error) {
    result.failure = error instanceof ActionError ? error : new ActionError(errorMessage(error), { cause: error });
  }
  return result;
}
