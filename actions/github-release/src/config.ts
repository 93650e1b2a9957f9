/**
 * From the inputs to what the flow does: the repository, the tag and its version, the release's
 * name, notes, flags, images and files. getInputs reads and checks every input, reads `body-path`
 * and hashes the `files` (local reads only) before any request; buildConfig, the cross-input rules,
 * is pure.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type DeployedImage,
  type DeployedObject,
  InputError,
  type RawInputReader,
  parseSemver,
  readGitHubContext,
  readInputs,
  readRawInput,
} from '@deploy-kit/core';
import { deployedImages, readArtifacts } from '@deploy-kit/core/oci/released-images';
import type { Repository } from './api.js';
import { ASSET_NAME, type LocalFile, collectFiles } from './files.js';
import { type MAKE_LATEST, type PRERELEASE, inputs } from './io.js';

export interface ActionInputs {
  tag: string;
  tagPrefix: string;
  repository: string;
  name: string;
  body: string;
  generateNotes: boolean;
  previousTag: string;
  notesConfiguration: string;
  prerelease: (typeof PRERELEASE)[number];
  draft: boolean;
  makeLatest: (typeof MAKE_LATEST)[number];
  checksumsFile: string;
  images: string;
  artifacts: string;
}

export interface ReleaseConfig {
  repository: Repository;
  tag: string;
  tagPrefix: string;
  /** The tag without its prefix: SemVer. */
  version: string;
  name: string;
  /** The caller's text (`body`, or the file of `body-path`). */
  header: string;
  generateNotes: boolean;
  /** `previous-tag`, or '' to find it (the newest release tag before this one). */
  previousTag: string;
  notesConfiguration: string;
  prerelease: boolean;
  draft: boolean;
  makeLatest: (typeof MAKE_LATEST)[number];
  images: DeployedImage[];
  s3: { bucket: string; objects: DeployedObject[] } | null;
  /** '' when no checksums file is attached. */
  checksumsFile: string;
}

export function buildConfig(values: ActionInputs, context: { repository: string }): ReleaseConfig {
  const [owner = '', repo = ''] = (values.repository || context.repository).split('/');
  if (!owner || !repo)
    throw new InputError(
      'repository',
      'is empty and GITHUB_REPOSITORY is not set',
      '`owner/name` of the repository the tag is in',
      values.repository,
    );
  const prefix = values.tagPrefix;
  const version = values.tag.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase() ? values.tag.slice(prefix.length) : undefined;
  const semver = version === undefined ? null : parseSemver(version);
  if (version === undefined || semver === null)
    throw new InputError(
      'tag',
      version === undefined ? `does not start with the tag prefix "${prefix}"` : `is not a release version: "${version}" is not SemVer 2.0`,
      `a release tag \`${prefix}X.Y.Z\` or \`${prefix}X.Y.Z-rc.N\` (parse-version's \`tag\`); other prefixes go in \`tag-prefix\``,
      values.tag,
    );
  if (values.previousTag !== '' && values.previousTag === values.tag)
    throw new InputError(
      'previous-tag',
      'is the release tag itself',
      'the tag of the release before this one, or empty to find it',
      values.previousTag,
    );
  if (values.checksumsFile !== '' && !ASSET_NAME.test(values.checksumsFile))
    throw new InputError(
      'checksums-file',
      'is not a name GitHub keeps as it is',
      'a file name of letters, digits and ._+- (default `SHA256SUMS`), or empty for none',
      values.checksumsFile,
    );
  const artifacts = readArtifacts(values.artifacts);
  const isPrerelease = semver.prerelease.length > 0;
  return {
    repository: { owner, repo },
    tag: values.tag,
    tagPrefix: prefix,
    version,
    name: values.name || values.tag,
    header: values.body,
    generateNotes: values.generateNotes,
    previousTag: values.previousTag,
    notesConfiguration: values.notesConfiguration,
    prerelease: values.prerelease === 'auto' ? isPrerelease : values.prerelease === 'true',
    draft: values.draft,
    makeLatest: values.makeLatest,
    images: deployedImages(values.images, artifacts),
    s3: artifacts.s3,
    checksumsFile: values.checksumsFile,
  };
}

/** The token, or an InputError before any request: an empty one (a composite that passed nothing) is not sent. */
export function requireToken(token: string): string {
  if (token === '' || token.includes('${{'))
    throw new InputError(
      'token',
      'is empty',
      'a token with `contents: write` on the repository, e.g. `${{ github.token }}` with `permissions: contents: write`',
      '',
      { secret: true },
    );
  return token;
}

export interface Inputs {
  config: ReleaseConfig;
  files: LocalFile[];
  token: string;
  dryRun: boolean;
}

/** Every input read and checked, `body-path` read and the `files` hashed: nothing is sent before this returns. */
export async function getInputs(
  read: RawInputReader = readRawInput,
  env: Record<string, string | undefined> = process.env,
): Promise<Inputs> {
  const values = await readInputs(inputs, read);
  const context = readGitHubContext(env);
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  if (values.body !== '' && values.bodyPath !== '')
    throw new InputError('body-path', 'is given together with `body`', 'one of `body` (text) or `body-path` (a file)', values.bodyPath);
  let body = values.body;
  if (values.bodyPath !== '') {
    try {
      body = await readFile(path.resolve(workspace, values.bodyPath), 'utf8');
    } catch (error) {
      throw new InputError(
        'body-path',
        `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        'a file under the workspace, e.g. `CHANGELOG-release.md`',
        values.bodyPath,
      );
    }
  }
  const config = buildConfig({ ...values, body }, { repository: context.repository });
  const files = await collectFiles(values.files, workspace, config.checksumsFile);
  const token = values.dryRun ? '' : requireToken(values.token);
  return { config, files, token, dryRun: values.dryRun };
}
