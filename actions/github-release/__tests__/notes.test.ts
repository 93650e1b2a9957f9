import { describe, expect, test } from '@jest/globals';
import { MAX_BODY, readListedSums, renderBody, renderChecksums } from '../src/notes.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const REGISTRY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const DIGEST = `sha256:${'c'.repeat(64)}`;
const base = { header: '', generated: '', images: [], files: [], checksumsFile: 'SHA256SUMS', s3: null };

describe('renderChecksums', () => {
  test("sha256sum's text form, sorted by name", () => {
    expect(
      renderChecksums([
        { name: 'ms_payments', sha256: B },
        { name: 'ms_core', sha256: A },
      ]),
    ).toBe(`${A}  ms_core\n${B}  ms_payments\n`);
  });
  test('nothing for no files', () => {
    expect(renderChecksums([])).toBe('');
  });
});

describe('renderBody', () => {
  test.each([
    ['nothing at all', {}, ''],
    ['the caller text only', { header: '  See CHANGELOG.md.\n' }, 'See CHANGELOG.md.'],
    [
      'generated notes after the caller text',
      { header: 'Intro', generated: "## What's Changed\n* Fix by @a in #1\n" },
      "Intro\n\n## What's Changed\n* Fix by @a in #1",
    ],
    [
      'images by digest',
      { images: [{ service: 'ms_core', image: `${REGISTRY}/ms_core`, digest: DIGEST, tags: ['v1.2.3'] }] },
      `## Images\n\n| service | image |\n| --- | --- |\n| ms_core | \`${REGISTRY}/ms_core@${DIGEST}\` |`,
    ],
    [
      'an image without a digest says so',
      { images: [{ service: 'ms_core', image: `${REGISTRY}/ms_core`, digest: null, tags: ['v1.2.3'] }] },
      `## Images\n\n| service | image |\n| --- | --- |\n| ms_core | \`${REGISTRY}/ms_core:v1.2.3\` (digest not reported) |`,
    ],
    [
      'the sums, naming the checksums file',
      { files: [{ name: 'ms_core', sha256: A }] },
      `## SHA-256 checksums (also attached as \`SHA256SUMS\`: \`sha256sum -c SHA256SUMS\`)\n\n\`\`\`text\n${A}  ms_core\n\`\`\``,
    ],
    [
      'the sums without a checksums file',
      { files: [{ name: 'ms_core', sha256: A }], checksumsFile: '' },
      `## SHA-256 checksums\n\n\`\`\`text\n${A}  ms_core\n\`\`\``,
    ],
    [
      "push-artifacts' S3 objects with their sums",
      {
        s3: {
          bucket: 'app-artifacts',
          objects: [
            { key: 'binaries/v1.2.3/ms_core', sha256: A },
            { key: 'binaries/v1.2.3/x', sha256: null },
          ],
        },
      },
      `## Binaries in S3 (SHA-256)\n\n\`\`\`text\n${A}  s3://app-artifacts/binaries/v1.2.3/ms_core\n\`\`\``,
    ],
  ])('%s', (_case, input, body) => {
    expect(renderBody({ ...base, ...input })).toBe(body);
  });

  test('a service name with a pipe does not break the table', () => {
    const body = renderBody({ ...base, images: [{ service: 'a|b', image: `${REGISTRY}/ab`, digest: DIGEST, tags: [] }] });
    expect(body).toContain('| a\\|b |');
  });

  test('generated notes too long for GitHub are cut; the digests and sums stay', () => {
    const body = renderBody({
      ...base,
      generated: 'x'.repeat(MAX_BODY + 10),
      images: [{ service: 'ms_core', image: `${REGISTRY}/ms_core`, digest: DIGEST, tags: [] }],
      files: [{ name: 'ms_core', sha256: A }],
    });
    expect(body.length).toBeLessThanOrEqual(MAX_BODY);
    expect(body).toContain('the generated notes were cut');
    expect(body).toContain(DIGEST);
    expect(body).toContain(`${A}  ms_core`);
  });
});

describe('readListedSums', () => {
  test('reads back what renderBody wrote', () => {
    const body = renderBody({
      ...base,
      generated: 'notes',
      files: [
        { name: 'ms_core', sha256: A },
        { name: 'cli.tar.gz', sha256: B },
      ],
    });
    expect(readListedSums(body)).toEqual(
      new Map([
        ['cli.tar.gz', B],
        ['ms_core', A],
      ]),
    );
  });
  test.each([
    ['no body', null, []],
    ['a name listed with two sums is dropped', `${A}  x\n${B}  x\n${A}  y`, [['y', A]]],
    ['lines that are not sums are ignored', `${A} one space\n${A}  ../escape\nsha256:${A}  z`, []],
  ])('%s', (_case, body, entries) => {
    expect(readListedSums(body)).toEqual(new Map(entries as Array<[string, string]>));
  });
});
