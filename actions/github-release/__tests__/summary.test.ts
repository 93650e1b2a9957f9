import { describe, expect, test } from '@jest/globals';
import { describeApiError } from '../src/api.js';
import { buildConfig, type ActionInputs } from '../src/config.js';
import type { FlowResult } from '../src/flow.js';
import { mainOutputs, outputsJson, summary } from '../src/summary.js';

const values: ActionInputs = {
  tag: 'v1.4.0',
  tagPrefix: 'v',
  repository: 'o/r',
  name: '',
  body: '',
  generateNotes: true,
  previousTag: '',
  notesConfiguration: '',
  prerelease: 'auto',
  draft: false,
  makeLatest: 'auto',
  checksumsFile: 'SHA256SUMS',
  images: '',
  artifacts: '',
};
const config = buildConfig(values, { repository: 'o/r' });
const result: FlowResult = {
  release: {
    id: 7,
    htmlUrl: 'https://github.com/o/r/releases/tag/v1.4.0',
    uploadUrl: 'https://uploads.github.com/repos/o/r/releases/7/assets{?name,label}',
  },
  created: false,
  previousTag: 'v1.3.1',
  makeLatest: 'true',
  body: '',
  assets: [
    { name: 'ms_core', action: 'replace', reason: 'different content', replaces: 3 },
    { name: 'SHA256SUMS', action: 'skip', reason: 'same content (SHA-256)' },
  ],
  phases: [
    { name: 'Find the release', outcome: 'release 7 exists', ms: 120 },
    { name: 'Attach the assets', outcome: 'a | b', ms: 900, failed: true },
  ],
};

describe('outputs and summary', () => {
  test('outputs', () => {
    expect(mainOutputs(result)).toEqual({
      'release-id': '7',
      'html-url': 'https://github.com/o/r/releases/tag/v1.4.0',
      'upload-url': 'https://uploads.github.com/repos/o/r/releases/7/assets{?name,label}',
      created: 'false',
      'previous-tag': 'v1.3.1',
      uploaded: '1',
      skipped: '1',
      replaced: '1',
    });
    expect(outputsJson(result, config, { dryRun: false, requests: 6 })).toMatchObject({
      tag: 'v1.4.0',
      prerelease: false,
      'make-latest': 'true',
      assets: [
        { name: 'ms_core', action: 'replace', reason: 'different content' },
        { name: 'SHA256SUMS', action: 'skip', reason: 'same content (SHA-256)' },
      ],
      requests: 6,
    });
  });

  test('the summary: the release, the assets, each phase, the requests', () => {
    const s = summary(result, config, { dryRun: false, requests: 6 });
    expect(s.title).toBe('github-release v1.4.0');
    expect(s.table!.rows).toContainEqual(['release', '[v1.4.0](https://github.com/o/r/releases/tag/v1.4.0) (updated)']);
    expect(s.table!.rows).toContainEqual(['tag', 'v1.4.0 (latest)']);
    expect(s.table!.rows).toContainEqual(['asset ms_core', 'replace: different content']);
    expect(s.sections!.join('\n')).toContain('| ✗ Attach the assets | a \\| b | 0.9 s |');
    expect(s.sections!.join('\n')).toContain('6 GitHub API request(s).');
    const dry = summary({ ...result, release: undefined, phases: [], failure: undefined }, config, { dryRun: true, requests: 0 });
    expect([dry.title, dry.table!.rows[0]]).toEqual(['github-release v1.4.0 (dry run)', ['release', '(dry run)']]);
  });
});

describe('describeApiError', () => {
  const httpError = (status: number, data: unknown) => Object.assign(new Error(`HTTP ${status}`), { status, response: { data } });
  test.each([
    [401, { message: 'Bad credentials' }, /`token` is a valid token/],
    [403, { message: 'Resource not accessible by integration' }, /permissions: contents: write/],
    [404, { message: 'Not Found' }, /`repository` names the repository/],
    [
      422,
      { message: 'Validation Failed', errors: [{ resource: 'Release', field: 'tag_name', code: 'already_exists' }] },
      /an immutable release cannot change/,
    ],
  ])('HTTP %s says what to check', (status, data, check) => {
    const error = describeApiError('create the release of v1.4.0', { owner: 'o', repo: 'r' }, httpError(status, data));
    expect(error.message).toBe('Could not create the release of v1.4.0 in o/r');
    expect(error.why).toContain(`GitHub answered HTTP ${status}: ${(data as { message: string }).message}`);
    expect(error.check.join('\n')).toMatch(check);
  });
  test('the errors GitHub lists are named', () => {
    const error = describeApiError(
      'x',
      { owner: 'o', repo: 'r' },
      httpError(422, { message: 'Validation Failed', errors: [{ field: 'tag_name', code: 'already_exists' }] }),
    );
    expect(error.why).toContain('Validation Failed (tag_name already_exists)');
  });
});
