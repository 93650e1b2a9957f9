import { describe, expect, test } from '@jest/globals';

import { ActionError, InputError } from '../src/errors.js';
import {
  DEFAULT_ENVIRONMENT_RULES,
  isNewestReleaseTag,
  parseBranchRules,
  parseEnvironmentRules,
  parseSemver,
  previousReleaseTag,
  resolveRelease,
  semverLimitProblem,
  slugForTag,
  type BranchRule,
  type EnvironmentRules,
  type ReleaseInfo,
  type ResolveOptions,
} from '../src/version.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const SHA7 = 'a1b2c3d';
const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** `key=value` lines to a map (the input helper's job in production; kept local and trivial here). */
function lines(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    map[line.slice(0, at)] = line.slice(at + 1);
  }
  return map;
}

const DEFAULT_RULES: EnvironmentRules = parseEnvironmentRules(lines(DEFAULT_ENVIRONMENT_RULES));
const CUSTOM_RULES = parseEnvironmentRules(lines('preview=development\nrelease=prod'));
const FALLBACK_RULES = parseEnvironmentRules(lines('*=development\nrc=staging\nrelease=production'));
const BRANCH_RULES: BranchRule[] = parseBranchRules(lines('main=staging\nrelease/*=staging\nhotfix/**=development\npull-request=preview'));

const DEFAULT_FORMS = 'Expected forms (tag-prefix "v"): v1.2.3-alpha.1, v1.2.3-beta.1, v1.2.3-rc.1, v1.2.3\n';
const DEFAULT_RULE_LINES = 'Rules (input "environments"):\n  alpha=development\n  beta=development\n  rc=staging\n  release=production';

function resolve(ref: string, opts: Partial<ResolveOptions> = {}): ReleaseInfo {
  return resolveRelease({ ref, sha: SHA, tagPrefix: 'v', rules: DEFAULT_RULES, branchRules: [], strict: true, ...opts });
}

type TagFields = Omit<ReleaseInfo, 'ref' | 'refType' | 'refName' | 'tag' | 'shortSha'>;

/** A tag's ReleaseInfo: only the fields that merely repeat the tag are filled in here. */
function tagInfo(tag: string, fields: TagFields): ReleaseInfo {
  return { ref: `refs/tags/${tag}`, refType: 'tag', refName: tag, tag, shortSha: SHA7, ...fields };
}

function release(version: string, major: string, minor: string, patch: string, build = '') {
  return { version, major, minor, patch, prerelease: '', build, channel: 'release', channelNumber: '' };
}

const NOT_A_RELEASE = {
  major: '',
  minor: '',
  patch: '',
  prerelease: '',
  build: '',
  channel: '',
  channelNumber: '',
  environment: '',
  isPrerelease: false,
  isProduction: false,
};

function thrown(fn: () => unknown): ActionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ActionError);
    return error as ActionError;
  }
  throw new Error('expected an ActionError, nothing was thrown');
}

interface Row {
  name: string;
  ref: string;
  opts?: Partial<ResolveOptions>;
  want: ReleaseInfo;
}

describe('resolveRelease: tags', () => {
  const rows: Row[] = [
    {
      name: 'plain release',
      ref: 'refs/tags/v1.2.3',
      want: tagInfo('v1.2.3', {
        ...release('1.2.3', '1', '2', '3'),
        environment: 'production',
        isPrerelease: false,
        isProduction: true,
      }),
    },
    {
      name: 'alpha',
      ref: 'refs/tags/v1.2.3-alpha.1',
      want: tagInfo('v1.2.3-alpha.1', {
        version: '1.2.3-alpha.1',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'alpha.1',
        build: '',
        channel: 'alpha',
        channelNumber: '1',
        environment: 'development',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'beta',
      ref: 'refs/tags/v1.2.3-beta.2',
      want: tagInfo('v1.2.3-beta.2', {
        version: '1.2.3-beta.2',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'beta.2',
        build: '',
        channel: 'beta',
        channelNumber: '2',
        environment: 'development',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'rc',
      ref: 'refs/tags/v1.2.3-rc.1',
      want: tagInfo('v1.2.3-rc.1', {
        version: '1.2.3-rc.1',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'rc.1',
        build: '',
        channel: 'rc',
        channelNumber: '1',
        environment: 'staging',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'rc number above 9',
      ref: 'refs/tags/v1.2.3-rc.10',
      want: tagInfo('v1.2.3-rc.10', {
        version: '1.2.3-rc.10',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'rc.10',
        build: '',
        channel: 'rc',
        channelNumber: '10',
        environment: 'staging',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'multi-digit everything',
      ref: 'refs/tags/v10.20.30-beta.123',
      want: tagInfo('v10.20.30-beta.123', {
        version: '10.20.30-beta.123',
        major: '10',
        minor: '20',
        patch: '30',
        prerelease: 'beta.123',
        build: '',
        channel: 'beta',
        channelNumber: '123',
        environment: 'development',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'channel without number',
      ref: 'refs/tags/v1.2.3-alpha',
      want: tagInfo('v1.2.3-alpha', {
        version: '1.2.3-alpha',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'alpha',
        build: '',
        channel: 'alpha',
        channelNumber: '',
        environment: 'development',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'number glued to the channel (rc1)',
      ref: 'refs/tags/v1.2.3-rc1',
      want: tagInfo('v1.2.3-rc1', {
        version: '1.2.3-rc1',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'rc1',
        build: '',
        channel: 'rc',
        channelNumber: '1',
        environment: 'staging',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'number after a hyphen (rc-2)',
      ref: 'refs/tags/v1.2.3-rc-2',
      want: tagInfo('v1.2.3-rc-2', {
        version: '1.2.3-rc-2',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'rc-2',
        build: '',
        channel: 'rc',
        channelNumber: '2',
        environment: 'staging',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'channel number zero',
      ref: 'refs/tags/v0.1.0-alpha.0',
      want: tagInfo('v0.1.0-alpha.0', {
        version: '0.1.0-alpha.0',
        major: '0',
        minor: '1',
        patch: '0',
        prerelease: 'alpha.0',
        build: '',
        channel: 'alpha',
        channelNumber: '0',
        environment: 'development',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'more prerelease identifiers',
      ref: 'refs/tags/v1.2.3-beta.2.1',
      want: tagInfo('v1.2.3-beta.2.1', {
        version: '1.2.3-beta.2.1',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'beta.2.1',
        build: '',
        channel: 'beta',
        channelNumber: '2',
        environment: 'development',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'non-numeric second identifier',
      ref: 'refs/tags/v1.2.3-alpha.beta',
      want: tagInfo('v1.2.3-alpha.beta', {
        version: '1.2.3-alpha.beta',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'alpha.beta',
        build: '',
        channel: 'alpha',
        channelNumber: '',
        environment: 'development',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'build metadata on a release',
      ref: 'refs/tags/v1.2.3+build.5',
      want: tagInfo('v1.2.3+build.5', {
        ...release('1.2.3+build.5', '1', '2', '3', 'build.5'),
        environment: 'production',
        isPrerelease: false,
        isProduction: true,
      }),
    },
    {
      name: 'build metadata on an rc',
      ref: 'refs/tags/v1.2.3-rc.2+build.5.sha.abc',
      want: tagInfo('v1.2.3-rc.2+build.5.sha.abc', {
        version: '1.2.3-rc.2+build.5.sha.abc',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'rc.2',
        build: 'build.5.sha.abc',
        channel: 'rc',
        channelNumber: '2',
        environment: 'staging',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'build metadata may have leading zeros',
      ref: 'refs/tags/v1.2.3+001',
      want: tagInfo('v1.2.3+001', {
        ...release('1.2.3+001', '1', '2', '3', '001'),
        environment: 'production',
        isPrerelease: false,
        isProduction: true,
      }),
    },
    {
      name: 'uppercase V prefix',
      ref: 'refs/tags/V1.2.3',
      want: tagInfo('V1.2.3', {
        ...release('1.2.3', '1', '2', '3'),
        environment: 'production',
        isPrerelease: false,
        isProduction: true,
      }),
    },
    {
      name: 'uppercase channel is lowercased, prerelease kept as written',
      ref: 'refs/tags/V2.0.0-RC.3',
      want: tagInfo('V2.0.0-RC.3', {
        version: '2.0.0-RC.3',
        major: '2',
        minor: '0',
        patch: '0',
        prerelease: 'RC.3',
        build: '',
        channel: 'rc',
        channelNumber: '3',
        environment: 'staging',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'bare tag name (no refs/)',
      ref: 'v0.0.1',
      want: tagInfo('v0.0.1', {
        ...release('0.0.1', '0', '0', '1'),
        environment: 'production',
        isPrerelease: false,
        isProduction: true,
      }),
    },
    {
      name: 'ref with surrounding whitespace',
      ref: '  refs/tags/v3.0.0-beta.1\n',
      want: tagInfo('v3.0.0-beta.1', {
        version: '3.0.0-beta.1',
        major: '3',
        minor: '0',
        patch: '0',
        prerelease: 'beta.1',
        build: '',
        channel: 'beta',
        channelNumber: '1',
        environment: 'development',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'monorepo prefix orders/v',
      ref: 'refs/tags/orders/v1.2.3',
      opts: { tagPrefix: 'orders/v' },
      want: tagInfo('orders/v1.2.3', {
        ...release('1.2.3', '1', '2', '3'),
        environment: 'production',
        isPrerelease: false,
        isProduction: true,
      }),
    },
    {
      name: 'monorepo prefix orders/v, rc',
      ref: 'refs/tags/orders/v2.0.0-rc.4',
      opts: { tagPrefix: 'orders/v' },
      want: tagInfo('orders/v2.0.0-rc.4', {
        version: '2.0.0-rc.4',
        major: '2',
        minor: '0',
        patch: '0',
        prerelease: 'rc.4',
        build: '',
        channel: 'rc',
        channelNumber: '4',
        environment: 'staging',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'monorepo prefix matches case-insensitively',
      ref: 'refs/tags/Orders/V1.0.0',
      opts: { tagPrefix: 'orders/v' },
      want: tagInfo('Orders/V1.0.0', {
        ...release('1.0.0', '1', '0', '0'),
        environment: 'production',
        isPrerelease: false,
        isProduction: true,
      }),
    },
    {
      name: 'custom prefix release-',
      ref: 'refs/tags/release-3.1.4-beta.1',
      opts: { tagPrefix: 'release-' },
      want: tagInfo('release-3.1.4-beta.1', {
        version: '3.1.4-beta.1',
        major: '3',
        minor: '1',
        patch: '4',
        prerelease: 'beta.1',
        build: '',
        channel: 'beta',
        channelNumber: '1',
        environment: 'development',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'empty prefix',
      ref: 'refs/tags/1.2.3',
      opts: { tagPrefix: '' },
      want: tagInfo('1.2.3', {
        ...release('1.2.3', '1', '2', '3'),
        environment: 'production',
        isPrerelease: false,
        isProduction: true,
      }),
    },
    {
      name: 'empty prefix, bare prerelease tag',
      ref: '1.2.3-rc.7',
      opts: { tagPrefix: '' },
      want: tagInfo('1.2.3-rc.7', {
        version: '1.2.3-rc.7',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'rc.7',
        build: '',
        channel: 'rc',
        channelNumber: '7',
        environment: 'staging',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'custom rule preview=development',
      ref: 'refs/tags/v1.2.3-preview.3',
      opts: { rules: CUSTOM_RULES },
      want: tagInfo('v1.2.3-preview.3', {
        version: '1.2.3-preview.3',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'preview.3',
        build: '',
        channel: 'preview',
        channelNumber: '3',
        environment: 'development',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'custom rule release=prod',
      ref: 'refs/tags/v1.2.3',
      opts: { rules: CUSTOM_RULES },
      want: tagInfo('v1.2.3', {
        ...release('1.2.3', '1', '2', '3'),
        environment: 'prod',
        isPrerelease: false,
        isProduction: true,
      }),
    },
    {
      name: 'custom channel with digits, matched whole by its rule',
      ref: 'refs/tags/v1.2.3-preview2.1',
      opts: { rules: parseEnvironmentRules({ preview2: 'qa', release: 'production' }) },
      want: tagInfo('v1.2.3-preview2.1', {
        version: '1.2.3-preview2.1',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'preview2.1',
        build: '',
        channel: 'preview2',
        channelNumber: '1',
        environment: 'qa',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'custom hyphenated channel',
      ref: 'refs/tags/v1.2.3-pre-release.4',
      opts: { rules: parseEnvironmentRules({ 'pre-release': 'qa' }) },
      want: tagInfo('v1.2.3-pre-release.4', {
        version: '1.2.3-pre-release.4',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'pre-release.4',
        build: '',
        channel: 'pre-release',
        channelNumber: '4',
        environment: 'qa',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: '* fallback catches an unknown channel',
      ref: 'refs/tags/v1.2.3-foo.1',
      opts: { rules: FALLBACK_RULES },
      want: tagInfo('v1.2.3-foo.1', {
        version: '1.2.3-foo.1',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'foo.1',
        build: '',
        channel: 'foo',
        channelNumber: '1',
        environment: 'development',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: '* fallback catches a numeric prerelease (unknown channel)',
      ref: 'refs/tags/v1.2.3-1',
      opts: { rules: FALLBACK_RULES },
      want: tagInfo('v1.2.3-1', {
        version: '1.2.3-1',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: '1',
        build: '',
        channel: '',
        channelNumber: '',
        environment: 'development',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'an own rule wins over the * fallback',
      ref: 'refs/tags/v1.2.3-rc.2',
      opts: { rules: FALLBACK_RULES },
      want: tagInfo('v1.2.3-rc.2', {
        version: '1.2.3-rc.2',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'rc.2',
        build: '',
        channel: 'rc',
        channelNumber: '2',
        environment: 'staging',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'a -release prerelease never takes the production rule',
      ref: 'refs/tags/v1.2.3-release.1',
      opts: { rules: FALLBACK_RULES },
      want: tagInfo('v1.2.3-release.1', {
        version: '1.2.3-release.1',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'release.1',
        build: '',
        channel: '',
        channelNumber: '',
        environment: 'development',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'rc mapped to the production environment is production',
      ref: 'refs/tags/v1.2.3-rc.1',
      opts: { rules: parseEnvironmentRules({ rc: 'Production', release: 'production' }) },
      want: tagInfo('v1.2.3-rc.1', {
        version: '1.2.3-rc.1',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'rc.1',
        build: '',
        channel: 'rc',
        channelNumber: '1',
        environment: 'Production',
        isPrerelease: true,
        isProduction: true,
      }),
    },
    {
      name: 'non-strict: unknown channel has an empty environment',
      ref: 'refs/tags/v1.2.3-foo.1',
      opts: { strict: false },
      want: tagInfo('v1.2.3-foo.1', {
        version: '1.2.3-foo.1',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'foo.1',
        build: '',
        channel: 'foo',
        channelNumber: '1',
        environment: '',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'non-strict: -release prerelease without fallback',
      ref: 'refs/tags/v1.2.3-release.1',
      opts: { strict: false },
      want: tagInfo('v1.2.3-release.1', {
        version: '1.2.3-release.1',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'release.1',
        build: '',
        channel: '',
        channelNumber: '',
        environment: '',
        isPrerelease: true,
        isProduction: false,
      }),
    },
    {
      name: 'non-strict: release without a release rule',
      ref: 'refs/tags/v1.2.3',
      opts: { strict: false, rules: parseEnvironmentRules({ '*': 'development' }) },
      want: tagInfo('v1.2.3', {
        ...release('1.2.3', '1', '2', '3'),
        environment: '',
        isPrerelease: false,
        isProduction: false,
      }),
    },
    {
      name: 'non-strict: v1.2 is not semver',
      ref: 'refs/tags/v1.2',
      opts: { strict: false },
      want: tagInfo('v1.2', { ...NOT_A_RELEASE, version: '1.2' }),
    },
    {
      name: 'non-strict: leading zeros are not semver',
      ref: 'refs/tags/v01.2.3',
      opts: { strict: false },
      want: tagInfo('v01.2.3', { ...NOT_A_RELEASE, version: '01.2.3' }),
    },
    {
      name: 'non-strict: tag without the prefix keeps the whole tag',
      ref: 'refs/tags/foo/v1.2.3',
      opts: { strict: false },
      want: tagInfo('foo/v1.2.3', { ...NOT_A_RELEASE, version: 'foo/v1.2.3' }),
    },
    {
      name: 'non-strict: double prefix vv1.2.3 is not semver after the prefix',
      ref: 'refs/tags/vv1.2.3',
      opts: { strict: false },
      want: tagInfo('vv1.2.3', { ...NOT_A_RELEASE, version: 'v1.2.3' }),
    },
    {
      name: 'tag ref ignores prNumber',
      ref: 'refs/tags/v1.2.3-beta.1',
      opts: { prNumber: 5 },
      want: tagInfo('v1.2.3-beta.1', {
        version: '1.2.3-beta.1',
        major: '1',
        minor: '2',
        patch: '3',
        prerelease: 'beta.1',
        build: '',
        channel: 'beta',
        channelNumber: '1',
        environment: 'development',
        isPrerelease: true,
        isProduction: false,
      }),
    },
  ];

  test.each(rows)('$name: $ref', ({ ref, opts, want }) => {
    expect(resolve(ref, opts)).toEqual(want);
  });
});

describe('resolveRelease: tag errors (strict)', () => {
  const rows: Array<{ name: string; ref: string; opts?: Partial<ResolveOptions>; parts: string[] }> = [
    {
      name: 'two numeric parts',
      ref: 'refs/tags/v1.2',
      parts: ['Tag "v1.2"', 'prefix "v"', '"1.2"', 'exactly three', DEFAULT_FORMS, DEFAULT_RULE_LINES],
    },
    {
      name: 'four numeric parts',
      ref: 'refs/tags/v1.2.3.4',
      parts: ['Tag "v1.2.3.4"', 'exactly three', DEFAULT_FORMS, DEFAULT_RULE_LINES],
    },
    {
      name: 'four parts, empty prefix',
      ref: '1.2.3.4',
      opts: { tagPrefix: '' },
      parts: [
        'Tag "1.2.3.4"',
        'after no prefix',
        'exactly three',
        'Expected forms (tag-prefix ""): 1.2.3-alpha.1, 1.2.3-beta.1, 1.2.3-rc.1, 1.2.3\n',
        DEFAULT_RULE_LINES,
      ],
    },
    {
      name: 'leading zero in major',
      ref: 'refs/tags/v01.2.3',
      parts: ['Tag "v01.2.3"', 'leading zeros', DEFAULT_FORMS, DEFAULT_RULE_LINES],
    },
    { name: 'leading zero in minor', ref: 'refs/tags/v1.02.3', parts: ['Tag "v1.02.3"', 'leading zeros', DEFAULT_FORMS] },
    {
      name: 'leading zero in prerelease number',
      ref: 'refs/tags/v1.2.3-rc.01',
      parts: ['Tag "v1.2.3-rc.01"', 'prerelease identifiers must not have leading zeros', DEFAULT_FORMS, DEFAULT_RULE_LINES],
    },
    { name: 'non-numeric patch', ref: 'refs/tags/v1.2.x', parts: ['Tag "v1.2.x"', 'must be numbers', DEFAULT_FORMS] },
    { name: 'empty prerelease', ref: 'refs/tags/v1.2.3-', parts: ['Tag "v1.2.3-"', 'not a SemVer 2.0 version', DEFAULT_FORMS] },
    { name: 'nothing after the prefix', ref: 'refs/tags/v', parts: ['Tag "v"', 'no version after the prefix', DEFAULT_FORMS] },
    {
      name: 'double prefix',
      ref: 'refs/tags/vv1.2.3',
      parts: ['Tag "vv1.2.3"', '"v1.2.3" is not a SemVer 2.0 version', 'start with a digit', DEFAULT_FORMS],
    },
    {
      name: 'slash tag with default prefix',
      ref: 'refs/tags/foo/v1.2.3',
      parts: ['Tag "foo/v1.2.3"', 'does not start with the tag prefix "v"', DEFAULT_FORMS, DEFAULT_RULE_LINES],
    },
    {
      name: 'bare semver with prefix v',
      ref: 'refs/tags/1.2.3',
      parts: ['Tag "1.2.3"', 'does not start with the tag prefix "v"', DEFAULT_FORMS],
    },
    { name: 'bare branch-like name is a tag', ref: 'main', parts: ['Tag "main"', 'does not start with the tag prefix "v"'] },
    {
      name: 'monorepo prefix, other service',
      ref: 'refs/tags/payments/v1.2.3',
      opts: { tagPrefix: 'orders/v' },
      parts: [
        'Tag "payments/v1.2.3"',
        'prefix "orders/v"',
        'Expected forms (tag-prefix "orders/v"): orders/v1.2.3-alpha.1, orders/v1.2.3-beta.1, orders/v1.2.3-rc.1, orders/v1.2.3\n',
        DEFAULT_RULE_LINES,
      ],
    },
    {
      name: 'monorepo prefix, bad version',
      ref: 'refs/tags/orders/v1.2',
      opts: { tagPrefix: 'orders/v' },
      parts: ['Tag "orders/v1.2"', 'after the prefix "orders/v"', 'orders/v1.2.3-rc.1'],
    },
    {
      name: 'unknown channel',
      ref: 'refs/tags/v1.2.3-foo.1',
      parts: ['Tag "v1.2.3-foo.1"', 'matches no environment rule', 'channel "foo"', 'no "*" fallback', DEFAULT_FORMS, DEFAULT_RULE_LINES],
    },
    {
      name: 'numeric prerelease',
      ref: 'refs/tags/v1.2.3-1',
      parts: ['Tag "v1.2.3-1"', 'prerelease "1"', DEFAULT_FORMS, DEFAULT_RULE_LINES],
    },
    {
      name: '-release prerelease',
      ref: 'refs/tags/v1.2.3-release.1',
      parts: ['Tag "v1.2.3-release.1"', 'matches no environment rule', DEFAULT_RULE_LINES],
    },
    {
      name: 'rc with custom rules',
      ref: 'refs/tags/v1.2.3-rc.1',
      opts: { rules: CUSTOM_RULES },
      parts: [
        'Tag "v1.2.3-rc.1"',
        'channel "rc"',
        'Expected forms (tag-prefix "v"): v1.2.3-preview.1, v1.2.3\n',
        'Rules (input "environments"):\n  preview=development\n  release=prod',
      ],
    },
    {
      name: 'release without a release rule',
      ref: 'refs/tags/v1.2.3',
      opts: { rules: parseEnvironmentRules({ rc: 'staging', '*': 'dev' }) },
      parts: [
        'Tag "v1.2.3"',
        'channel "release" has no rule.',
        'Expected forms (tag-prefix "v"): v1.2.3-rc.1, v1.2.3-<channel>.1\n',
        '  rc=staging\n  *=dev',
      ],
    },
  ];

  test.each(rows)('$name: $ref', ({ ref, opts, parts }) => {
    const error = thrown(() => resolve(ref, opts));
    for (const part of parts) expect(error.message).toContain(part);
    expect(error.check.some((hint) => hint.includes('strict: false'))).toBe(true);
  });
});

describe('versions beyond exact comparison (Number.MAX_SAFE_INTEGER, as node-semver)', () => {
  const MAX = String(Number.MAX_SAFE_INTEGER); // 9007199254740991
  const LIMIT = `larger than ${MAX} (Number.MAX_SAFE_INTEGER)`;
  test.each([
    ['99999999999999999999999.0.0', `its MAJOR 99999999999999999999999 is ${LIMIT}`],
    ['1.9007199254740992.0', `its MINOR 9007199254740992 is ${LIMIT}`],
    ['1.2.99999999999999999999', `its PATCH 99999999999999999999 is ${LIMIT}`],
    ['1.2.3-rc.99999999999999999999', `its numeric prerelease identifier 99999999999999999999 is ${LIMIT}`],
    [`1.2.3-rc.${'a'.repeat(260)}`, 'characters long, more than the 256 a version may have'],
  ])('%s: valid SemVer, refused with the component and the limit', (version, problem) => {
    expect(parseSemver(version)).toBeNull();
    expect(semverLimitProblem(version)).toContain(problem);
  });

  test.each([[`${MAX}.0.0`], [`0.0.${MAX}`], [`1.2.3-rc.${MAX}`], ['1.2.3-rc.99999999999999999999x'], ['1.2.3+99999999999999999999']])(
    '%s: at or within the limit (or not numeric), accepted',
    (version) => {
      expect(parseSemver(version)).not.toBeNull();
      expect(semverLimitProblem(version)).toBeUndefined();
    },
  );

  test.each([['1.2'], ['01.2.3'], ['v1.2.3']])('%s: not SemVer, so no limit problem (the SemVer error says why)', (version) => {
    expect(semverLimitProblem(version)).toBeUndefined();
  });

  test.each([
    [
      'refs/tags/v99999999999999999999999.0.0',
      '"99999999999999999999999.0.0" is SemVer 2.0 but cannot be used: its MAJOR 99999999999999999999999 is larger than 9007199254740991',
    ],
    ['refs/tags/v1.2.3-rc.99999999999999999999', 'its numeric prerelease identifier 99999999999999999999 is larger than 9007199254740991'],
  ])('strict: %s says which number is too large and the limit, not "not MAJOR.MINOR.PATCH"', (ref, part) => {
    const error = thrown(() => resolve(ref));
    expect(error.message).toContain(part);
    expect(error.message).not.toContain('is not a SemVer 2.0 version');
    expect(error.check.some((hint) => hint.includes('numbers up to 9007199254740991'))).toBe(true);
  });
});

describe('resolveRelease: ref errors', () => {
  test.each(['', '   ', '\n'])('no ref %j', (ref) => {
    const error = thrown(() => resolve(ref));
    expect(error.message).toContain('No git ref was given');
    expect(error.describe()).toContain('set the `ref` input');
    expect(error.describe()).toContain('push or tag event');
  });

  test.each([
    'refs/remotes/origin/main',
    'refs/notes/x',
    'refs/pull/42',
    'refs/pull/abc/merge',
    'refs/pull/0/merge',
    'refs/pull/42/files',
    'refs/tags/',
    'refs/heads/',
  ])('unsupported %s', (ref) => {
    const error = thrown(() => resolve(ref));
    expect(error.message).toContain(`Unsupported git ref "${ref}"`);
    for (const form of ['refs/tags/<tag>', 'refs/heads/<branch>', 'refs/pull/<number>/merge', 'refs/pull/<number>/head']) {
      expect(error.message).toContain(form);
    }
  });

  test.each([0, -1, 1.5, Number.NaN])('invalid prNumber %p', (prNumber) => {
    expect(thrown(() => resolve('refs/pull/1/merge', { prNumber })).message).toContain('Invalid pull request number');
  });
});

function branchInfo(branch: string, version: string, environment: string, isProduction = false, shortSha = SHA7): ReleaseInfo {
  return {
    ref: `refs/heads/${branch}`,
    refType: 'branch',
    refName: branch,
    tag: '',
    version,
    major: '',
    minor: '',
    patch: '',
    prerelease: '',
    build: '',
    channel: 'branch',
    channelNumber: '',
    environment,
    isPrerelease: false,
    isProduction,
    shortSha,
  };
}

function prInfo(ref: string, refName: string, version: string, environment: string): ReleaseInfo {
  return {
    ref,
    refType: 'pr',
    refName,
    tag: '',
    version,
    major: '',
    minor: '',
    patch: '',
    prerelease: '',
    build: '',
    channel: 'pr',
    channelNumber: '',
    environment,
    isPrerelease: false,
    isProduction: false,
    shortSha: SHA7,
  };
}

describe('resolveRelease: branches and pull requests', () => {
  const longName = `feature/${'x'.repeat(200)}`;
  const cutAtHyphen = `${'a'.repeat(119)}/bbbb`;
  const rows: Row[] = [
    {
      name: 'main=staging',
      ref: 'refs/heads/main',
      opts: { branchRules: BRANCH_RULES },
      want: branchInfo('main', `main-${SHA7}`, 'staging'),
    },
    {
      name: 'release/* matches one segment',
      ref: 'refs/heads/release/1.2',
      opts: { branchRules: BRANCH_RULES },
      want: branchInfo('release/1.2', `release-1.2-${SHA7}`, 'staging'),
    },
    {
      name: 'release/* does not cross segments',
      ref: 'refs/heads/release/1.2/fix',
      opts: { branchRules: BRANCH_RULES },
      want: branchInfo('release/1.2/fix', `release-1.2-fix-${SHA7}`, ''),
    },
    {
      name: 'hotfix/** crosses segments',
      ref: 'refs/heads/hotfix/a/b',
      opts: { branchRules: BRANCH_RULES },
      want: branchInfo('hotfix/a/b', `hotfix-a-b-${SHA7}`, 'development'),
    },
    {
      name: 'exact match is case-sensitive',
      ref: 'refs/heads/Main',
      opts: { branchRules: BRANCH_RULES },
      want: branchInfo('Main', `main-${SHA7}`, ''),
    },
    {
      name: 'unmapped branch, strict',
      ref: 'refs/heads/develop',
      opts: { branchRules: BRANCH_RULES },
      want: branchInfo('develop', `develop-${SHA7}`, ''),
    },
    { name: 'no branch rules', ref: 'refs/heads/main', want: branchInfo('main', `main-${SHA7}`, '') },
    {
      name: 'odd characters',
      ref: 'refs/heads/feature/JIRA-12_Öl',
      want: branchInfo('feature/JIRA-12_Öl', `feature-jira-12_-l-${SHA7}`, ''),
    },
    {
      name: 'dependabot branch',
      ref: 'refs/heads/dependabot/npm_and_yarn/x@1.2',
      want: branchInfo('dependabot/npm_and_yarn/x@1.2', `dependabot-npm_and_yarn-x-1.2-${SHA7}`, ''),
    },
    {
      name: 'leading and trailing . and - trimmed',
      ref: 'refs/heads/-.weird--name.-',
      want: branchInfo('-.weird--name.-', `weird-name-${SHA7}`, ''),
    },
    { name: 'nothing usable in the name', ref: 'refs/heads/ÖÖÖ', want: branchInfo('ÖÖÖ', `branch-${SHA7}`, '') },
    { name: 'very long branch name', ref: `refs/heads/${longName}`, want: branchInfo(longName, `feature-${'x'.repeat(112)}-${SHA7}`, '') },
    {
      name: 'long name cut right after a separator',
      ref: `refs/heads/${cutAtHyphen}`,
      want: branchInfo(cutAtHyphen, `${'a'.repeat(119)}-${SHA7}`, ''),
    },
    {
      name: 'no sha: version is the slug',
      ref: 'refs/heads/feature/x',
      opts: { sha: '' },
      want: branchInfo('feature/x', 'feature-x', '', false, ''),
    },
    {
      name: 'merge queue branch',
      ref: 'refs/heads/gh-readonly-queue/main/pr-5-abc',
      want: branchInfo('gh-readonly-queue/main/pr-5-abc', `gh-readonly-queue-main-pr-5-abc-${SHA7}`, ''),
    },
    {
      name: '* stays within a segment',
      ref: 'refs/heads/feature',
      opts: { branchRules: parseBranchRules({ '*': 'development' }) },
      want: branchInfo('feature', `feature-${SHA7}`, 'development'),
    },
    {
      name: '* does not match a nested branch',
      ref: 'refs/heads/feature/x',
      opts: { branchRules: parseBranchRules({ '*': 'development' }) },
      want: branchInfo('feature/x', `feature-x-${SHA7}`, ''),
    },
    {
      name: 'first matching rule wins',
      ref: 'refs/heads/main',
      opts: { branchRules: parseBranchRules(lines('**=preview\nmain=staging')) },
      want: branchInfo('main', `main-${SHA7}`, 'preview'),
    },
    {
      name: 'branch may deploy to production',
      ref: 'refs/heads/main',
      opts: { branchRules: parseBranchRules({ main: 'production' }) },
      want: branchInfo('main', `main-${SHA7}`, 'production', true),
    },
    {
      name: 'branch named pull-request does not use the PR rule',
      ref: 'refs/heads/pull-request',
      opts: { branchRules: BRANCH_RULES },
      want: branchInfo('pull-request', `pull-request-${SHA7}`, ''),
    },
    { name: 'PR merge ref, no PR rule', ref: 'refs/pull/42/merge', want: prInfo('refs/pull/42/merge', '42/merge', `pr-42-${SHA7}`, '') },
    { name: 'PR head ref', ref: 'refs/pull/42/head', want: prInfo('refs/pull/42/head', '42/head', `pr-42-${SHA7}`, '') },
    {
      name: 'PR with pull-request rule',
      ref: 'refs/pull/7/merge',
      opts: { branchRules: BRANCH_RULES },
      want: prInfo('refs/pull/7/merge', '7/merge', `pr-7-${SHA7}`, 'preview'),
    },
    {
      name: 'PR ignores glob rules',
      ref: 'refs/pull/7/merge',
      opts: { branchRules: parseBranchRules({ '**': 'development' }) },
      want: prInfo('refs/pull/7/merge', '7/merge', `pr-7-${SHA7}`, ''),
    },
    {
      name: 'prNumber turns a branch ref into a PR (pull_request_target)',
      ref: 'refs/heads/main',
      opts: { branchRules: BRANCH_RULES, prNumber: 9 },
      want: prInfo('refs/heads/main', 'main', `pr-9-${SHA7}`, 'preview'),
    },
    {
      name: 'the PR ref number wins over prNumber',
      ref: 'refs/pull/42/merge',
      opts: { prNumber: 99 },
      want: prInfo('refs/pull/42/merge', '42/merge', `pr-42-${SHA7}`, ''),
    },
    {
      name: 'PR to "production" when release maps to prod',
      ref: 'refs/pull/3/merge',
      opts: { rules: CUSTOM_RULES, branchRules: parseBranchRules({ 'pull-request': 'production' }) },
      want: prInfo('refs/pull/3/merge', '3/merge', `pr-3-${SHA7}`, 'production'),
    },
  ];

  test.each(rows)('$name: $ref', ({ ref, opts, want }) => {
    const info = resolve(ref, opts);
    expect(info).toEqual(want);
    expect(info.version.length).toBeLessThanOrEqual(128);
    expect(info.version).toMatch(DOCKER_TAG);
  });

  test.each([
    { name: 'pull-request=production', rules: DEFAULT_RULES, env: 'production', ref: 'refs/pull/42/merge', number: '#42' },
    { name: 'case-insensitive', rules: DEFAULT_RULES, env: 'Production', ref: 'refs/pull/42/head', number: '#42' },
    { name: 'custom release=prod', rules: CUSTOM_RULES, env: 'prod', ref: 'refs/pull/5/merge', number: '#5' },
    { name: 'pull_request_target on main', rules: DEFAULT_RULES, env: 'production', ref: 'refs/heads/main', number: '#8', prNumber: 8 },
  ])('PR never deploys to production: $name', ({ rules, env, ref, number, prNumber }) => {
    const error = thrown(() =>
      resolve(ref, { rules, prNumber, branchRules: parseBranchRules({ main: 'production', 'pull-request': env }) }),
    );
    expect(error.message).toContain(`Pull request ${number}`);
    expect(error.message).toContain('pull requests never deploy to production');
    expect(error.why).toContain(`pull-request=${env}`);
  });
});

describe('slugForTag', () => {
  test.each([
    ['main', 'abc1234', 'main-abc1234'],
    ['main', '', 'main'],
    ['', 'abc1234', 'branch-abc1234'],
    ['', '', 'branch'],
    ['___x', '', '___x'],
    ['a//b\\c d', 'ABC1234', 'a-b-c-d-abc1234'],
    ['x.-', '-y-', 'x-y'],
    ['a'.repeat(300), '', 'a'.repeat(128)],
  ])('%j + %j → %j', (name, suffix, want) => {
    expect(slugForTag(name, suffix)).toBe(want);
  });

  test.each(['..', '-', 'ÄÖÜ', '.hidden', 'a'.repeat(127) + '.b', '😀/emoji', 'İstanbul', 'tab\there', '_'])(
    'always a valid docker tag: %j',
    (name) => {
      for (const suffix of ['', SHA7, 'x'.repeat(200)]) {
        const tag = slugForTag(name, suffix);
        expect(tag).toMatch(DOCKER_TAG);
        expect(tag.length).toBeLessThanOrEqual(128);
      }
    },
  );
});

describe('parseEnvironmentRules', () => {
  test('the defaults are the deployment guide table', () => {
    expect(DEFAULT_RULES).toEqual({
      byChannel: new Map([
        ['alpha', 'development'],
        ['beta', 'development'],
        ['rc', 'staging'],
        ['release', 'production'],
      ]),
    });
  });

  test('channels are lowercased and trimmed, * is the fallback', () => {
    expect(parseEnvironmentRules({ ' RC ': ' staging ', '*': 'development', 'pre-2': 'qa' })).toEqual({
      byChannel: new Map([
        ['rc', 'staging'],
        ['pre-2', 'qa'],
      ]),
      fallback: 'development',
    });
  });

  test.each<{ map: Record<string, string>; parts: string[] }>([
    { map: {}, parts: ['Input "environments": no rules were given', 'expected one "channel=environment" per line'] },
    { map: { 'rc!': 'staging' }, parts: ['"rc!" is not a valid channel name', 'Got: rc!=staging'] },
    { map: { 'r c': 'staging' }, parts: ['"r c" is not a valid channel name'] },
    { map: { 'rc.1': 'staging' }, parts: ['"rc.1" is not a valid channel name'] },
    { map: { '': 'staging' }, parts: ['a rule has an empty channel'] },
    { map: { rc: '' }, parts: ['"rc" has an empty environment', 'Got: rc='] },
    { map: { rc: '   ' }, parts: ['"rc" has an empty environment'] },
    { map: { RC: 'a', rc: 'b' }, parts: ['channel "rc" is given more than once'] },
    { map: { rc: 'a\nb' }, parts: ['contains control characters'] },
    { map: { rc: 'x'.repeat(256) }, parts: ['longer than 255 characters'] },
  ])('invalid: $map', ({ map, parts }) => {
    const error = thrown(() => parseEnvironmentRules(map));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('environments');
    for (const part of parts) expect(error.message).toContain(part);
  });

  test('the input name is used in the message', () => {
    const error = thrown(() => parseEnvironmentRules({ 'a/b': 'x' }, 'rules'));
    expect(error.message).toMatch(/^Input "rules": "a\/b" is not a valid channel name; expected /);
  });
});

describe('parseBranchRules', () => {
  test('keeps order, drops refs/heads/, trims', () => {
    expect(
      parseBranchRules({ main: 'staging', ' release/* ': ' staging ', 'refs/heads/dev': 'development', 'pull-request': 'preview' }),
    ).toEqual([
      { pattern: 'main', environment: 'staging' },
      { pattern: 'release/*', environment: 'staging' },
      { pattern: 'dev', environment: 'development' },
      { pattern: 'pull-request', environment: 'preview' },
    ]);
  });

  test('no rules is allowed', () => {
    expect(parseBranchRules({})).toEqual([]);
  });

  test.each<{ map: Record<string, string>; part: string }>([
    { map: { '': 'staging' }, part: 'a rule has an empty branch pattern' },
    { map: { 'feature branch': 'staging' }, part: '"feature branch" is not a valid branch pattern' },
    { map: { 'a~b': 'staging' }, part: '"a~b" is not a valid branch pattern' },
    { map: { 'release/?': 'staging' }, part: 'only * and ** wildcards' },
    { map: { main: '' }, part: '"main" has an empty environment' },
    { map: { main: 'a', 'refs/heads/main': 'b' }, part: 'branch pattern "main" is given more than once' },
  ])('invalid: $map', ({ map, part }) => {
    const error = thrown(() => parseBranchRules(map));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^Input "branch-environments": /);
    expect(error.message).toContain(part);
  });

  test('the input name is used in the message', () => {
    expect(thrown(() => parseBranchRules({ main: ' ' }, 'branches')).message).toMatch(/^Input "branches": /);
  });
});

describe("parseSemver: node-semver, with SemVer 2.0's strictness checked around it", () => {
  test.each([
    ['1.2.3', { major: 1, minor: 2, patch: 3, prerelease: [], build: [] }],
    ['1.2.3-rc.10+build.007', { major: 1, minor: 2, patch: 3, prerelease: ['rc', 10], build: ['build', '007'] }],
    ['0.0.0-0.alpha-1.x', { major: 0, minor: 0, patch: 0, prerelease: [0, 'alpha-1', 'x'], build: [] }],
    [`1.2.3-rc.${Number.MAX_SAFE_INTEGER}`, { major: 1, minor: 2, patch: 3, prerelease: ['rc', Number.MAX_SAFE_INTEGER], build: [] }],
  ])('%s', (text, parts) => {
    expect(parseSemver(text)).toEqual(parts);
  });

  // node-semver's strict reading accepts these; SemVer 2.0 does not.
  test.each([['v1.2.3'], [' 1.2.3'], ['1.2.3 '], ['\t1.2.3'], ['=1.2.3'], ['V1.2.3']])('%j is not SemVer 2.0', (text) => {
    expect(parseSemver(text)).toBeNull();
    expect(semverLimitProblem(text)).toBeUndefined();
  });

  test.each([['1.2'], ['1.2.3.4'], ['01.2.3'], ['1.2.3-01'], ['1.2.3-'], ['1.2.3+'], ['1.2.3-rc..1'], ['a.b.c']])(
    '%j is not SemVer',
    (text) => {
      expect(parseSemver(text)).toBeNull();
    },
  );
});

describe('previousReleaseTag and isNewestReleaseTag', () => {
  const tags = ['v1.2.3', 'v1.2.4', 'v1.3.0-rc.1', 'v1.3.0-rc.2', 'v1.10.0', 'v1.9.0', 'v2.0.0-alpha.1', 'latest', 'v1.2', 'orders/v9.0.0'];
  test.each([
    ['v1.3.0', 'v1.2.4'],
    ['v1.3.0-rc.2', 'v1.2.4'],
    ['v1.2.5', 'v1.2.4'],
    ['v1.11.0', 'v1.10.0'],
    ['v1.10.0', 'v1.9.0'],
    ['v2.0.0', 'v1.10.0'],
    ['v1.2.3', undefined],
    ['v1.0.0', undefined],
    ['latest', undefined],
  ])('before %s: %s', (tag, previous) => {
    expect(previousReleaseTag(tags, tag, 'v')).toBe(previous);
  });
  test('another prefix', () => {
    expect(previousReleaseTag([...tags, 'orders/v8.1.0'], 'orders/v9.1.0', 'orders/v')).toBe('orders/v9.0.0');
  });
  test.each([
    ['v1.10.0', true],
    ['v1.11.0', true],
    ['v1.2.5', false],
    ['v2.0.0-rc.1', false],
    ['latest', false],
  ])('%s is the newest release: %s', (tag, newest) => {
    expect(isNewestReleaseTag(tags, tag, 'v')).toBe(newest);
  });
});
