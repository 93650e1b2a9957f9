/**
 * The input DSLs: metadata-action's tag.test.ts, flavor.test.ts and image.test.ts cases (expected
 * values unchanged), then deploy-kit's error messages for bad input.
 */
import { describe, expect, test } from '@jest/globals';

import { computeImageTags } from '../src/engine.js';
import { TagInputError } from '../src/errors.js';
import { parseFlavor, type Flavor } from '../src/flavor.js';
import { parseImages, type Image } from '../src/image.js';
import { parseListInput } from '../src/list.js';
import { computeMeta } from '../src/meta.js';
import { DEFAULT_PRIORITIES as P, parseTagRule, parseTagRules } from '../src/tag.js';
import { isRawStatement } from '../src/template.js';
import { loadContext, NOW, REPO } from './helpers.js';

const shape = (r: { type: string; attrs: Record<string, string> }) => ({ type: r.type, attrs: r.attrs });

describe('isRawStatement (metadata-action)', () => {
  test.each([
    ['{{ raw }}.{{ version }}', false],
    ['{{ version }},{{raw }.', false],
    ['{{ raw }}', true],
    ['{{ raw}}', true],
    ['{{raw}}', true],
  ])('given %p pattern', (pattern, expected) => {
    expect(isRawStatement(pattern)).toEqual(expected);
  });
});

describe('tag transform (metadata-action)', () => {
  test('sorts by priority, keeps defaults', () => {
    const rules = parseTagRules([
      'type=ref,event=branch',
      'type=ref,event=tag',
      'type=ref,event=pr',
      'type=schedule',
      'type=sha',
      'type=raw,foo',
      'type=edge',
      'type=semver,pattern={{version}}',
      'type=match,"pattern=\\d.\\d.\\d",group=0',
    ]);
    expect(rules.map(shape)).toEqual([
      { type: 'schedule', attrs: { priority: P.schedule, enable: 'true', pattern: 'nightly' } },
      { type: 'semver', attrs: { priority: P.semver, enable: 'true', pattern: '{{version}}', value: '', match: '' } },
      { type: 'match', attrs: { priority: P.match, enable: 'true', pattern: '\\d.\\d.\\d', group: '0', value: '' } },
      { type: 'edge', attrs: { priority: P.edge, enable: 'true', branch: '' } },
      { type: 'ref', attrs: { priority: P.ref, enable: 'true', event: 'branch' } },
      { type: 'ref', attrs: { priority: P.ref, enable: 'true', event: 'tag' } },
      { type: 'ref', attrs: { priority: P.ref, enable: 'true', prefix: 'pr-', event: 'pr' } },
      { type: 'raw', attrs: { priority: P.raw, enable: 'true', value: 'foo' } },
      { type: 'sha', attrs: { priority: P.sha, enable: 'true', prefix: 'sha-', format: 'short' } },
    ]);
  });

  test('the default rules when tags is empty', () => {
    expect(parseTagRules([]).map((r) => r.origin.text)).toEqual([
      'type=schedule (default)',
      'type=ref,event=branch (default)',
      'type=ref,event=tag (default)',
      'type=ref,event=pr (default)',
    ]);
  });
});

describe('tag parse (metadata-action)', () => {
  test.each<[string, { type: string; attrs: Record<string, string> } | undefined]>([
    [
      "type=schedule,enable=true,pattern={{date 'YYYYMMDD'}}",
      { type: 'schedule', attrs: { priority: P.schedule, enable: 'true', pattern: "{{date 'YYYYMMDD'}}" } },
    ],
    [
      "type=schedule,enable=true,pattern={{date 'YYYYMMDD' tz='Asia/Tokyo'}}",
      { type: 'schedule', attrs: { priority: P.schedule, enable: 'true', pattern: "{{date 'YYYYMMDD' tz='Asia/Tokyo'}}" } },
    ],
    [
      'type=semver,enable=true,pattern={{version}}',
      { type: 'semver', attrs: { priority: P.semver, enable: 'true', pattern: '{{version}}', value: '', match: '' } },
    ],
    [
      'type=semver,priority=1,enable=true,pattern={{version}}',
      { type: 'semver', attrs: { priority: '1', enable: 'true', pattern: '{{version}}', value: '', match: '' } },
    ],
    [
      'type=semver,priority=1,enable=true,pattern={{version}},value=v1.0.0',
      { type: 'semver', attrs: { priority: '1', enable: 'true', pattern: '{{version}}', value: 'v1.0.0', match: '' } },
    ],
    [
      'type=match,enable=true,pattern=v(.*),group=1',
      { type: 'match', attrs: { priority: P.match, enable: 'true', pattern: 'v(.*)', group: '1', value: '' } },
    ],
    [
      'type=match,enable=true,"pattern=^v(\\d.\\d.\\d)$",group=1',
      { type: 'match', attrs: { priority: P.match, enable: 'true', pattern: '^v(\\d.\\d.\\d)$', group: '1', value: '' } },
    ],
    [
      'type=match,priority=700,enable=true,pattern=v(.*),group=1',
      { type: 'match', attrs: { priority: '700', enable: 'true', pattern: 'v(.*)', group: '1', value: '' } },
    ],
    [
      'type=match,enable=true,pattern=v(.*),group=1,value=v1.2.3',
      { type: 'match', attrs: { priority: P.match, enable: 'true', pattern: 'v(.*)', group: '1', value: 'v1.2.3' } },
    ],
    ['type=match,enable=true,pattern=v(.*),group=foo', undefined],
    ['type=edge', { type: 'edge', attrs: { priority: P.edge, enable: 'true', branch: '' } }],
    ['type=edge,enable=true,branch=master', { type: 'edge', attrs: { priority: P.edge, enable: 'true', branch: 'master' } }],
    ['type=ref,event=tag', { type: 'ref', attrs: { priority: P.ref, enable: 'true', event: 'tag' } }],
    ['type=ref,event=branch', { type: 'ref', attrs: { priority: P.ref, enable: 'true', event: 'branch' } }],
    ['type=ref,event=pr', { type: 'ref', attrs: { priority: P.ref, enable: 'true', prefix: 'pr-', event: 'pr' } }],
    ['type=ref,event=foo', undefined],
    ['type=ref', undefined],
    ['acustomtag', { type: 'raw', attrs: { priority: P.raw, enable: 'true', value: 'acustomtag' } }],
    ['type=raw', undefined],
    ['type=raw,value=acustomtag2', { type: 'raw', attrs: { priority: P.raw, enable: 'true', value: 'acustomtag2' } }],
    ['type=raw,enable=true,value=acustomtag4', { type: 'raw', attrs: { priority: P.raw, enable: 'true', value: 'acustomtag4' } }],
    ['type=raw,enable=false,value=acustomtag5', { type: 'raw', attrs: { priority: P.raw, enable: 'false', value: 'acustomtag5' } }],
    ['type=sha', { type: 'sha', attrs: { priority: P.sha, enable: 'true', prefix: 'sha-', format: 'short' } }],
    ['type=sha,format=long', { type: 'sha', attrs: { priority: P.sha, enable: 'true', prefix: 'sha-', format: 'long' } }],
    ['type=sha,prefix=', { type: 'sha', attrs: { priority: P.sha, enable: 'true', prefix: '', format: 'short' } }],
    ['type=sha,enable=false', { type: 'sha', attrs: { priority: P.sha, enable: 'false', prefix: 'sha-', format: 'short' } }],
    ['type=semver', undefined],
    ['type=match', undefined],
    ['type=foo', undefined],
    ['type=sha,format=foo', undefined],
  ])('given %p', (s, expected) => {
    if (expected === undefined) expect(() => parseTagRule(s)).toThrow(TagInputError);
    else expect(shape(parseTagRule(s))).toEqual(expected);
  });
});

describe('flavor transform (metadata-action)', () => {
  const f = (o: Partial<Flavor>): Flavor => ({ latest: 'auto', prefix: '', prefixLatest: false, suffix: '', suffixLatest: false, ...o });
  test.each<[string[], Flavor | undefined]>([
    [['randomstr', 'latest=auto'], undefined],
    [['unknwown=foo'], undefined],
    [['latest'], undefined],
    [['latest=true'], f({ latest: 'true' })],
    [['latest=false'], f({ latest: 'false' })],
    [['latest=auto'], f({ latest: 'auto' })],
    [['latest=foo'], undefined],
    [['prefix=sha-'], f({ prefix: 'sha-' })],
    [['suffix=-alpine'], f({ suffix: '-alpine' })],
    [['latest=false', 'prefix=dev-', 'suffix=-alpine'], f({ latest: 'false', prefix: 'dev-', suffix: '-alpine' })],
    [['prefix=dev-,onlatest=true'], f({ prefix: 'dev-', prefixLatest: true })],
    [['suffix=-alpine,onlatest=true'], f({ suffix: '-alpine', suffixLatest: true })],
    [
      ['prefix=dev-,onlatest=true', 'suffix=-alpine,onlatest=true'],
      f({ prefix: 'dev-', prefixLatest: true, suffix: '-alpine', suffixLatest: true }),
    ],
    [['prefix= '], f({})],
  ])('given %p attributes', (inputs, expected) => {
    if (expected === undefined) expect(() => parseFlavor(inputs)).toThrow(TagInputError);
    else expect(parseFlavor(inputs)).toEqual(expected);
  });
});

describe('images transform (metadata-action)', () => {
  test.each<[string[], Image[] | undefined]>([
    [['name/foo'], [{ name: 'name/foo', enable: true }]],
    [
      ['name/foo,name/bar'],
      [
        { name: 'name/foo', enable: true },
        { name: 'name/bar', enable: true },
      ],
    ],
    [
      ['name/foo', 'name/bar'],
      [
        { name: 'name/foo', enable: true },
        { name: 'name/bar', enable: true },
      ],
    ],
    [
      ['name=name/bar', 'name/foo,enable=false', 'name=ghcr.io/UserName/Foo,enable=true'],
      [
        { name: 'name/bar', enable: true },
        { name: 'name/foo', enable: false },
        { name: 'ghcr.io/UserName/Foo', enable: true },
      ],
    ],
    [['value=name/foo'], undefined],
    [['name/foo,enable=bar'], undefined],
    [['name/foo,bar=baz'], undefined],
    [['name=,enable=true'], undefined],
    [['name/foo,name=name/bar,enable=true'], undefined],
  ])('given %p', (l, expected) => {
    if (expected === undefined) expect(() => parseImages(l)).toThrow(TagInputError);
    else expect(parseImages(l)).toEqual(expected);
  });
});

describe('list inputs (read like actions-toolkit getInputList)', () => {
  test.each<[string, Array<{ value: string; line: number }>]>([
    [
      'type=ref,event=branch\ntype=sha',
      [
        { value: 'type=ref,event=branch', line: 1 },
        { value: 'type=sha', line: 2 },
      ],
    ],
    ['# a comment\n\ntype=sha\n', [{ value: 'type=sha', line: 3 }]],
    ['type=raw,value=foo#bar', [{ value: 'type=raw,value=foo#bar', line: 1 }]],
    ['type=match,"pattern=\\d{1,3}"', [{ value: 'type=match,"pattern=\\d{1,3}"', line: 1 }]],
    ['type=match,"pattern=\\d.\\d"', [{ value: 'type=match,pattern=\\d.\\d', line: 1 }]],
    ['  name/app  ', [{ value: 'name/app', line: 1 }]],
  ])('%p', (raw, expected) => {
    expect(parseListInput(raw, 'tags')).toEqual(expected);
  });

  test('a quoted value containing a comma survives to the tag rule', () => {
    const [entry] = parseListInput('type=match,"pattern=v(\\d{1,3}\\.\\d{1,3})",group=1', 'tags');
    const meta = computeMeta({ tags: [entry!] }, loadContext('event_tag_v1.1.1.env'), { now: NOW, repo: REPO });
    expect(meta.version.main).toBe('1.1');
  });
});

const GOT = (s: string) => s;
const bad = (input: string, raw: string) => () => {
  const list = parseListInput(raw, input);
  const ctx = loadContext('event_tag_v1.1.1.env');
  computeImageTags({ [input]: list } as Record<string, unknown>, ctx, { now: NOW, repo: REPO });
};

describe('bad input: clear errors naming the input and the line', () => {
  test('the documented example, exactly', () => {
    expect(bad('tags', 'type=ref,event=tag\ntype=semvr,pattern={{version}}')).toThrow(
      'Input "tags": line 2: unknown type "semvr"; expected one of schedule, semver, pep440, match, edge, ref, raw, sha, channel. Got: type=semvr,pattern={{version}}',
    );
  });

  test('the error carries input and line for the lead to map', () => {
    try {
      bad('tags', 'type=sha\n\ntype=raw,value=ok\ntype=semver,pattern={{majr}}')();
      throw new Error('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(TagInputError);
      expect((error as TagInputError).input).toBe('tags');
      expect((error as TagInputError).line).toBe(4);
      expect((error as TagInputError).problem).toBe('unknown expression {{majr}} in pattern');
    }
  });

  test.each<[string, string, string]>([
    [
      'tags',
      'type=semver,pattern={{version}},patern={{major}}',
      'Input "tags": line 1: unknown attribute "patern" for type=semver; expected one of enable, priority, prefix, suffix, pattern, value, match. Got: type=semver,pattern={{version}},patern={{major}}',
    ],
    ['tags', 'type=sha,foo', 'Input "tags": line 1: type=sha takes no value (found "foo")'],
    [
      'tags',
      'type=semver,pattern={{majr}}',
      'unknown expression {{majr}} in pattern; expected one of {{raw}}, {{version}}, {{major}}, {{minor}}, {{patch}}, {{prerelease}}, {{build}}',
    ],
    ['tags', 'type=semver,pattern={{version}', 'pattern "{{version}" is not a valid template'],
    ['tags', 'type=semver,pattern=', 'type=semver has an empty pattern'],
    ['tags', 'type=pep440,pattern={{prerelease}}', 'unknown expression {{prerelease}} in pattern'],
    ['tags', 'type=semver,pattern={{version}},match=v\\d', 'match "v\\d" has no capture group'],
    ['tags', 'type=match,pattern=v(', 'pattern "v(" is not a valid regular expression'],
    ['tags', 'type=match,pattern=v(.*),group=one', 'group=one is not a number'],
    ['tags', 'type=ref,event=commit', 'event=commit is not a ref event; expected event=branch, event=tag, event=pr'],
    ['tags', 'type=ref', 'type=ref needs an event attribute'],
    ['tags', 'type=raw', 'type=raw needs a value'],
    ['tags', 'type=sha,format=medium', 'format=medium is not a sha format'],
    ['tags', 'type=channel,format=weekly', 'format=weekly is not a channel format'],
    ['tags', 'type=raw,value=x,priority=high', 'priority=high is not a number'],
    ['tags', 'type=raw,value=x,enable=maybe', 'enable evaluated to "maybe"'],
    ['tags', "type=raw,value={{date 'YYYY' tz='Mars/Olympus'}}", 'unknown time zone "Mars/Olympus"'],
    ['tags', "type=raw,value={{date 'YYYY' zone='UTC'}}", 'unknown attribute zone= in {{date}}'],
    ['tags', 'type=raw,value={{#if branch}}x{{/if}}', 'block helpers and partials'],
    ['tags', 'type=raw,value={{branch_name}}', 'unknown expression {{branch_name}} in value'],
    ['tags', 'type=raw,value=x"y', 'Input "tags": line 1: malformed quoting'],
    ['tags', 'type=schedule,pattern={{sha}}', 'unknown expression {{sha}} in pattern; expected one of {{date}}, {{commit_date}}'],
    [
      'flavor',
      'latest=maybe',
      'Input "flavor": line 1: latest=maybe is not a valid latest mode; expected latest=auto, latest=true or latest=false. Got: latest=maybe',
    ],
    ['flavor', 'prefix=v\nlatest', 'Input "flavor": line 2: "latest" is not a key=value entry'],
    ['flavor', 'prefix=v,onlatest=yes', 'onlatest=yes is not a boolean'],
    ['flavor', 'sufix=-alpine', 'unknown flavor key "sufix"'],
    ['flavor', 'prefix={{branchh}}-', 'unknown expression {{branchh}} in prefix'],
    ['images', 'name/app\nmy app', 'Input "images": line 2: "my app" contains whitespace'],
    ['images', 'name/app:1.0', 'contains a tag; give the repository only'],
    ['images', 'name/app@sha256:abc', 'contains a digest'],
    ['images', 'name/-app', 'path component "-app" of "name/-app" is not valid (try "app")'],
    ['images', 'name=ghcr.io/org/app,enable=yes', 'enable=yes is not a boolean'],
    ['images', 'name=ghcr.io/org/app,tag=x', 'unknown image attribute "tag"'],
    ['labels', 'org.opencontainers.image.vendor={{owner}}', 'Input "labels": line 1: unknown expression {{owner}} in the value'],
    ['annotations', 'x={{date}', 'Input "annotations": line 1: the value "x={{date}" is not a valid template'],
  ])('%s: %s', (input, raw, message) => {
    expect(bad(input, GOT(raw))).toThrow(message);
  });

  test('DOCKER_METADATA_SHORT_SHA_LENGTH must be a number', () => {
    expect(() =>
      computeImageTags({}, loadContext('event_push_dev.env'), { now: NOW, env: { DOCKER_METADATA_SHORT_SHA_LENGTH: 'abc' } }),
    ).toThrow('Input "DOCKER_METADATA_SHORT_SHA_LENGTH": not a valid number; expected a positive integer such as 7 or 12. Got: abc');
  });
});
