/**
 * deploy-kit's behaviour beyond metadata-action: seed naming, type=channel, the stable-only latest
 * policy, the pin tag, explain, outputs; and the typical tag set across real event fixtures.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';

import { buildContext } from '../src/context.js';
import { discoverServices, expandGlob, type ReaddirFn } from '../src/discover.js';
import {
  computeImageTags,
  formatExplain,
  metadataOutputEnv,
  outputEnvEnabled,
  prHeadShaEnabled,
  type ImageTagsInputs,
  type ImageTagsOptions,
} from '../src/engine.js';
import { TagInputError } from '../src/errors.js';
import type { LatestPolicy, ReleaseInfoLike } from '../src/meta.js';
import { resolveKind } from '../src/naming.js';
import { loadContext, NOW, REPO } from './helpers.js';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

function compute(
  env: string,
  inputs: ImageTagsInputs,
  options: Partial<ImageTagsOptions> = {},
  commitDate: 'frozen' | 'payload' = 'frozen',
) {
  return computeImageTags(inputs, loadContext(env, { commitDate }), { now: NOW, ...options });
}

const RC1: ReleaseInfoLike = {
  channel: 'rc',
  environment: 'staging',
  isPrerelease: true,
  version: '1.2.3-rc.1',
  tag: 'v1.2.3-rc.1',
  shortSha: 'fedcba9',
};
const PROD: ReleaseInfoLike = {
  channel: 'release',
  environment: 'production',
  isPrerelease: false,
  version: '1.2.3',
  tag: 'v1.2.3',
  shortSha: 'fedcba9',
};
const BRANCH: ReleaseInfoLike = { channel: 'branch', environment: '', isPrerelease: false, version: 'main-0123456', shortSha: '0123456' };

describe('the typical tag set across events', () => {
  const typical = [
    'type=schedule',
    'type=ref,event=branch',
    'type=ref,event=pr',
    'type=semver,pattern={{version}}',
    'type=semver,pattern={{major}}.{{minor}}',
    'type=sha',
  ];
  test.each<[string, string[]]>([
    ['dk_push_main.env', ['main', 'sha-0123456']],
    ['dk_push_feature_x.env', ['feature-x', 'sha-89abcde']],
    ['dk_tag_v1.2.3.env', ['1.2.3', '1.2', 'sha-fedcba9', 'latest']],
    ['dk_tag_v1.2.3-rc.1.env', ['1.2.3-rc.1', 'sha-fedcba9']],
    ['dk_tag_1.2.3.env', ['1.2.3', '1.2', 'sha-fedcba9', 'latest']],
    ['dk_tag_orders-v2.1.0.env', ['sha-fedcba9']],
    ['event_tag_sometag.env', ['sha-860c190']],
    ['event_pull_request.env', ['pr-15', 'sha-a9c8c58']],
    ['event_pull_request_target.env', ['pr-15', 'sha-2665741']],
    ['event_schedule.env', ['nightly', 'master', 'sha-860c190']],
    ['event_workflow_dispatch.env', ['master', 'sha-860c190']],
    ['dk_workflow_dispatch_tag.env', ['1.2.3', '1.2', 'sha-fedcba9', 'latest']],
    ['event_release_created.env', ['1.1.1', '1.1', 'sha-860c190', 'latest']],
  ])('%s', (env, names) => {
    const r = compute(env, { images: ['ghcr.io/example-org/app'], tags: typical });
    expect(r.tagNames).toEqual(names);
    expect(r.tags).toEqual(names.map((n) => `ghcr.io/example-org/app:${n}`));
    expect(r.version).toEqual(names[0]);
  });

  test('monorepo tags: semver match= picks the version out of orders/v2.1.0', () => {
    const r = compute('dk_tag_orders-v2.1.0.env', {
      tags: [
        'type=semver,pattern={{version}},match=v(\\d+\\.\\d+\\.\\d+)$',
        'type=semver,pattern={{major}}.{{minor}},match=v(\\d+\\.\\d+\\.\\d+)$',
      ],
    });
    expect(r.tagNames).toEqual(['2.1.0', '2.1', 'latest']);
  });

  test.each<[string, string, string[]]>([
    ['semver', 'type=semver,pattern={{version}},value=p1/v1.2.3,match=v(\\d.\\d.\\d)$', ['1.2.3', 'latest']],
    ['pep440', 'type=pep440,pattern={{version}},value=p1/v1.2.3,match=v(\\d.\\d.\\d)$', ['1.2.3', 'latest']],
    ['semver, no match: metadata-action keeps the value', 'type=semver,pattern={{version}},value=v1.2.3,match=^x(.*)', ['1.2.3', 'latest']],
  ])('match= attribute (%s)', (_n, rule, names) => {
    expect(compute('dk_push_main.env', { tags: [rule] }).tagNames).toEqual(names);
  });
});

describe('latest policy: a prerelease never becomes latest (stable-only, the default)', () => {
  test.each<[string, string, string[] | undefined, string[], string[], string]>([
    // [name, env, tags, stable-only names, metadata-action names, latest reason (stable-only)]
    [
      'default tags on v2.0.8-beta.67 (README example)',
      'event_tag_v2.0.8-beta.67.env',
      undefined,
      ['v2.0.8-beta.67'],
      ['v2.0.8-beta.67', 'latest'],
      'prerelease v2.0.8-beta.67 never becomes latest',
    ],
    [
      'tag07 twin',
      'event_tag_v2.0.8-beta.67.env',
      ['type=match,"pattern=\\d.\\d.\\d-(alpha|beta).\\d+"'],
      ['2.0.8-beta.67'],
      ['2.0.8-beta.67', 'latest'],
      'prerelease v2.0.8-beta.67 never becomes latest',
    ],
    [
      'latest06 twin',
      'event_tag_v2.0.8-beta.67.env',
      ['type=match,"pattern=\\d.\\d.\\d"'],
      ['2.0.8'],
      ['2.0.8', 'latest'],
      'prerelease v2.0.8-beta.67 never becomes latest',
    ],
    [
      'tag02 twin (PEP 440 rc)',
      'event_tag_20200110-RC2.env',
      undefined,
      ['20200110-RC2'],
      ['20200110-RC2', 'latest'],
      'prerelease 20200110-RC2 never becomes latest',
    ],
    [
      'ref,event=tag on v1.2.3-rc.1',
      'dk_tag_v1.2.3-rc.1.env',
      ['type=ref,event=tag'],
      ['v1.2.3-rc.1'],
      ['v1.2.3-rc.1', 'latest'],
      'prerelease v1.2.3-rc.1 never becomes latest',
    ],
    [
      'raw latest on v1.2.3-rc.1 is dropped',
      'dk_tag_v1.2.3-rc.1.env',
      ['type=semver,pattern={{version}}', 'type=raw,value=latest'],
      ['1.2.3-rc.1'],
      ['1.2.3-rc.1', 'latest'],
      'prerelease v1.2.3-rc.1 never becomes latest',
    ],
    ['release stays latest', 'dk_tag_v1.2.3.env', ['type=ref,event=tag'], ['v1.2.3', 'latest'], ['v1.2.3', 'latest'], 'gives latest'],
  ])('%s', (_n, env, tags, stableOnly, metadataAction, reason) => {
    const stable = compute(env, { tags });
    expect(stable.tagNames).toEqual(stableOnly);
    expect(stable.explain.latest.reason).toContain(reason);
    expect(compute(env, { tags }, { latestPolicy: 'metadata-action' as LatestPolicy }).tagNames).toEqual(metadataAction);
  });

  test('the dropped raw latest is explained on its rule', () => {
    const r = compute('dk_tag_v1.2.3-rc.1.env', { tags: ['type=semver,pattern={{version}}', 'type=raw,value=latest'] });
    expect(r.explain.rules[1]).toMatchObject({ fired: false, reason: 'value latest dropped: prerelease v1.2.3-rc.1 never becomes latest' });
  });

  test('release info from parse-version decides prerelease for monorepo tags', () => {
    const r = compute('dk_tag_orders-v2.1.0.env', { tags: ['type=ref,event=tag'] }, { releaseInfo: { ...RC1, tag: 'orders/v2.1.0-rc.1' } });
    expect(r.tagNames).toEqual(['orders-v2.1.0']);
    expect(r.explain.latest.reason).toContain('prerelease orders/v2.1.0-rc.1 never becomes latest');
  });

  test.each<[string, string, string[]]>([
    ['latest=true forces it, even on a prerelease', 'latest=true', ['v1.2.3-rc.1', 'latest']],
    ['latest=false', 'latest=false', ['v1.2.3-rc.1']],
  ])('%s', (_n, flavor, names) => {
    expect(compute('dk_tag_v1.2.3-rc.1.env', { tags: ['type=ref,event=tag'], flavor: [flavor] }).tagNames).toEqual(names);
  });

  test.each<[string[], string[], string]>([
    [['v2.0.0', 'v1.2.2'], ['1.2.3'], 'not the highest version (v2.0.0 is higher than v1.2.3) so no latest'],
    [['v1.2.2', 'v2.0.0-rc.1', 'not-a-version'], ['1.2.3', 'latest'], 'gives latest'],
    [[], ['1.2.3', 'latest'], 'gives latest'],
  ])('knownVersions %p', (knownVersions, names, reason) => {
    const r = compute('dk_tag_v1.2.3.env', { tags: ['type=semver,pattern={{version}}'] }, { knownVersions });
    expect(r.tagNames).toEqual(names);
    expect(r.explain.latest.reason).toContain(reason);
  });

  test.each<['keep' | 'skip', string[], string | undefined]>([
    ['keep', ['0.4.1', '0.4', '0', 'latest'], undefined],
    ['skip', ['0.4.1', '0.4', 'latest'], 'pattern {{major}} skipped for 0.x version 0.4.1'],
  ])('major version zero: %s', (majorZero, names, reason) => {
    const r = compute(
      'dk_tag_v0.4.1.env',
      { tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}', 'type=semver,pattern={{major}}'] },
      { majorZero },
    );
    expect(r.tagNames).toEqual(names);
    expect(r.explain.rules[2]!.reason).toEqual(reason);
  });
});

describe('type=channel', () => {
  test.each<[string, string, ReleaseInfoLike | undefined, string[], string | undefined]>([
    ['moving environment tag', 'type=channel', RC1, ['staging'], undefined],
    ['environment + sha', 'type=channel,format=env-sha', RC1, ['staging-fedcba9'], undefined],
    ['channel name', 'type=channel,format=channel', RC1, ['rc'], undefined],
    ['channel + sha', 'type=channel,format=channel-sha', PROD, ['release-fedcba9'], undefined],
    ['prefix attribute', 'type=channel,prefix=env-', PROD, ['env-production'], undefined],
    ['no release info', 'type=channel', undefined, [], 'no release info (parse-version output) was given'],
    ['no environment for a branch', 'type=channel', BRANCH, [], 'the release has no environment (channel "branch")'],
  ])('%s', (_n, rule, releaseInfo, names, reason) => {
    const r = compute('dk_tag_v1.2.3-rc.1.env', { images: ['user/app'], tags: [rule] }, { releaseInfo });
    expect(r.tagNames).toEqual(names);
    expect(r.explain.rules[0]!.reason).toEqual(reason);
  });

  test('a channel tag never carries latest and ranks below semver', () => {
    const r = compute('dk_tag_v1.2.3.env', { tags: ['type=channel', 'type=semver,pattern={{version}}'] }, { releaseInfo: PROD });
    expect(r.tagNames).toEqual(['1.2.3', 'production', 'latest']);
    expect(compute('dk_tag_v1.2.3.env', { tags: ['type=channel'] }, { releaseInfo: PROD }).tagNames).toEqual(['production']);
  });
});

describe('seed naming mode', () => {
  test.each<[string, string, ImageTagsInputs, Partial<ImageTagsOptions>, string[], string[]]>([
    [
      'ECR ms images (the deployment guide)',
      'dk_tag_v1.2.3.env',
      { services: ['core', 'payments', 'chat'], kind: 'ms', registry: ECR, tag: 'v1.2.3' },
      {},
      ['core', 'payments', 'chat'],
      ['v1.2.3', 'sha-fedcba9'],
    ],
    [
      'cli kind',
      'dk_tag_v1.2.3.env',
      { services: ['core'], kind: 'cli', registry: ECR, tag: 'v1.2.3' },
      {},
      ['core'],
      ['v1.2.3', 'sha-fedcba9'],
    ],
    [
      'prefix stripped once',
      'dk_tag_v1.2.3.env',
      { services: ['ms_core', 'ms_ms_x'], kind: 'ms', tag: 'v1.2.3' },
      {},
      ['core', 'ms_x'],
      ['v1.2.3', 'sha-fedcba9'],
    ],
    [
      'duplicates removed',
      'dk_tag_v1.2.3.env',
      { services: ['core', 'ms_core', 'core'], tag: 'v1.2.3' },
      {},
      ['core'],
      ['v1.2.3', 'sha-fedcba9'],
    ],
    [
      'plus the tags DSL',
      'dk_tag_v1.2.3.env',
      { services: ['core'], tag: 'v1.2.3', tags: ['type=semver,pattern={{major}}.{{minor}}'] },
      {},
      ['core'],
      ['v1.2.3', '1.2', 'latest', 'sha-fedcba9'],
    ],
    ['no tag: metadata-action defaults', 'dk_push_main.env', { services: ['core'] }, {}, ['core'], ['main', 'sha-0123456']],
    [
      'channel tags from parse-version',
      'dk_tag_v1.2.3-rc.1.env',
      { services: ['core'], tag: 'v1.2.3-rc.1', tags: ['type=channel', 'type=channel,format=env-sha'] },
      { releaseInfo: RC1 },
      ['core'],
      ['v1.2.3-rc.1', 'staging', 'staging-fedcba9', 'sha-fedcba9'],
    ],
    [
      'pin template',
      'dk_tag_v1.2.3.env',
      { services: ['core'], tag: 'v1.2.3', pin: '{tag}-{sha7}' },
      {},
      ['core'],
      ['v1.2.3', 'v1.2.3-fedcba9'],
    ],
    [
      'pin with the bare version',
      'dk_tag_v1.2.3-rc.1.env',
      { services: ['core'], tag: 'v1.2.3-rc.1', pin: '{version}-{sha7}' },
      { releaseInfo: RC1 },
      ['core'],
      ['v1.2.3-rc.1', '1.2.3-rc.1-fedcba9'],
    ],
  ])('%s', (_n, env, inputs, options, services, names) => {
    const r = compute(env, inputs, options);
    expect(r.mode).toBe('seed');
    expect(r.tagNames).toEqual(names);
    expect(r.services.map((s) => s.service)).toEqual(services);
    const kind = resolveKind(inputs.kind);
    const repo = (s: string) => `${inputs.registry ? `${inputs.registry}/` : ''}${kind.template.replace('{name}', s)}`;
    expect(r.tags).toEqual(services.flatMap((s) => names.map((n) => `${repo(s)}:${n}`)));
    expect(r.pin.refs).toEqual(services.map((s) => `${repo(s)}:${names[names.length - 1]}`));
  });

  test('custom kinds', () => {
    expect(compute('dk_tag_v1.2.3.env', { services: ['core'], kind: 'svc-{name}', tag: 'v1' }).services[0]!.image).toBe('svc-core');
    expect(
      compute('dk_tag_v1.2.3.env', { services: ['team_core'], kind: 'backend/team_{name}', registry: 'ghcr.io/example-org', tag: 'v1' })
        .services[0]!.image,
    ).toBe('ghcr.io/example-org/backend/team_core');
  });

  test('outputs: one pin reference, matrix, json, version label', () => {
    const r = compute('dk_tag_v1.2.3.env', { services: ['core'], kind: 'ms', registry: ECR, tag: 'v1.2.3' });
    expect(r.outputs.pin).toBe(`${ECR}/ms_core:sha-fedcba9`);
    expect(r.outputs.version).toBe('v1.2.3');
    expect(JSON.parse(r.outputs.matrix!)).toEqual({
      include: [
        {
          service: 'core',
          image: `${ECR}/ms_core`,
          tags: `${ECR}/ms_core:v1.2.3\n${ECR}/ms_core:sha-fedcba9`,
          pin: `${ECR}/ms_core:sha-fedcba9`,
        },
      ],
    });
    const json = JSON.parse(r.outputs.json!) as Record<string, unknown>;
    expect(json['services']).toEqual([
      {
        service: 'core',
        image: `${ECR}/ms_core`,
        tags: [`${ECR}/ms_core:v1.2.3`, `${ECR}/ms_core:sha-fedcba9`],
        pin: `${ECR}/ms_core:sha-fedcba9`,
      },
    ]);
    expect(json['pin']).toBe('sha-fedcba9');
    expect(r.labels).toContain('org.opencontainers.image.version=v1.2.3');
    expect(r.labels).toContain('org.opencontainers.image.title=backend');
    expect(JSON.parse(r.bakeFiles[0]!.content)).toEqual({
      target: { 'docker-metadata-action': { tags: r.tags, args: { DOCKER_META_IMAGES: `${ECR}/ms_core`, DOCKER_META_VERSION: 'v1.2.3' } } },
    });
  });

  // The `registry` rule push-artifacts has (core's readRegistry): a scheme is allowed, http only for loopback; references carry none.
  test.each<[string, string]>([
    [`https://${ECR}`, `${ECR}/ms_core`],
    ['http://127.0.0.1:5000/team', '127.0.0.1:5000/team/ms_core'],
    ['GHCR.io/example-org/', 'ghcr.io/example-org/ms_core'],
  ])('registry %s gives %s', (registry, image) => {
    expect(compute('dk_tag_v1.2.3.env', { services: ['core'], registry, tag: 'v1' }).services[0]!.image).toBe(image);
  });

  test('several services: pin output lists every reference', () => {
    const r = compute('dk_tag_v1.2.3.env', { services: ['core', 'chat'], tag: 'v1.2.3' });
    expect(r.outputs.pin).toBe('ms_core:sha-fedcba9\nms_chat:sha-fedcba9');
  });

  test.each<[string, ImageTagsInputs, string]>([
    [
      'uppercase service',
      { services: ['Payments'], tag: 'v1' },
      'Input "services": service "Payments" gives the repository name "ms_Payments", which is not a valid OCI repository path component; use "payments" (lowercase, invalid characters replaced by "-"); expected service names that give repository path components matching [a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*',
    ],
    [
      'space in service',
      { services: ['core', 'my service'], tag: 'v1' },
      'service "my service" gives the repository name "ms_my service", which is not a valid OCI repository path component; use "my-service"',
    ],
    ['trailing separator', { services: ['core-'], tag: 'v1' }, 'use "core"'],
    ['slash in service', { services: ['core/api'], tag: 'v1' }, 'service "core/api" contains "/"'],
    [
      'registry over plain http, not loopback',
      { services: ['core'], registry: 'http://registry.example.com', tag: 'v1' },
      'Input "registry": uses plain http:// for a host that is not loopback',
    ],
    [
      'registry namespace',
      { services: ['core'], registry: 'ghcr.io/Example_Org', tag: 'v1' },
      'namespace "Example_Org" is not a valid repository path component (try "example_org")',
    ],
    [
      'tag with build metadata',
      { services: ['core'], tag: 'v1.2.3+build.5' },
      'Input "tag": the tag "v1.2.3+build.5" is not a valid image tag (try "v1.2.3-build.5"); expected a tag matching [A-Za-z0-9_][A-Za-z0-9._-]{0,127}. Got: v1.2.3+build.5',
    ],
    ['unknown pin variable', { services: ['core'], tag: 'v1', pin: 'sha-{commit}' }, 'Input "pin": unknown variable {commit}'],
    [
      'empty pin variable',
      { services: ['core'], tag: 'v1', pin: '{environment}-{sha7}' },
      'Input "pin": {environment} is empty for this run',
    ],
    [
      'invalid pin',
      { services: ['core'], tag: 'v1', pin: '.{sha7}' },
      'Input "pin": the pin tag ".fedcba9" is not a valid image tag (try "fedcba9")',
    ],
    [
      'unknown kind',
      { services: ['core'], kind: 'service', tag: 'v1' },
      'Input "kind": "service" is neither a known kind nor a template; expected ms, cli, or a repository template containing {name}',
    ],
    [
      'images and services',
      { services: ['core'], images: ['user/app'] },
      'Input "images": images cannot be combined with services/services-from',
    ],
  ])('%s', (_n, inputs, message) => {
    expect(() => compute('dk_tag_v1.2.3.env', inputs)).toThrow(message);
    expect(() => compute('dk_tag_v1.2.3.env', inputs)).toThrow(TagInputError);
  });
});

describe('pin tag', () => {
  test('always computed, not in tags unless pin-in-tags', () => {
    const r = compute('event_push_dev.env', { images: ['user/app'] });
    expect(r.pin).toEqual({ tag: 'sha-860c190', refs: ['user/app:sha-860c190'] });
    expect(r.tags).toEqual(['user/app:dev']);
  });

  test('pin-in-tags appends it per image', () => {
    const r = compute('event_push_dev.env', { images: ['user/app', 'ghcr.io/user/app'], pinInTags: true });
    expect(r.tags).toEqual(['user/app:dev', 'user/app:sha-860c190', 'ghcr.io/user/app:dev', 'ghcr.io/user/app:sha-860c190']);
    expect(r.outputs.pin).toBe('user/app:sha-860c190\nghcr.io/user/app:sha-860c190');
    expect(r.outputs['tag-names']).toBe('dev\nsha-860c190');
  });

  test('pin-in-tags does not repeat a sha tag the DSL already made', () => {
    expect(compute('event_push_dev.env', { tags: ['type=sha'], pinInTags: true }).tags).toEqual(['sha-860c190']);
  });

  test('no SHA: no pin, a warning, and metadata-action mode still works', () => {
    const r = compute('event_empty.env', { images: ['user/app'], tags: ['type=raw,foo'] });
    expect(r.pin).toEqual({ tag: '', refs: [] });
    expect(r.tags).toEqual(['user/app:foo']);
    expect(r.warnings.join('\n')).toContain('no pin tag');
  });

  test('DOCKER_METADATA_SHORT_SHA_LENGTH changes type=sha but not the pin', () => {
    const r = compute('event_push_dev.env', { tags: ['type=sha'] }, { env: { DOCKER_METADATA_SHORT_SHA_LENGTH: '12' } });
    expect(r.tagNames).toEqual(['sha-860c1904a1ce']);
    expect(r.pin.tag).toBe('sha-860c190');
  });
});

describe('explain', () => {
  test('every rule says whether it fired and why not', () => {
    const r = compute('dk_push_main.env', {
      images: ['user/app'],
      tags: [
        'type=semver,pattern={{version}}',
        'type=ref,event=branch',
        'type=edge,branch=develop',
        'type=raw,value=latest,enable=false',
        'type=raw,value=dev,enable={{is_not_default_branch}}',
        'type=sha',
        'type=match,pattern=^x',
      ],
    });
    expect(r.explain.rules.map((x) => [x.rule.split(',')[0], x.fired, x.tags, x.reason])).toEqual([
      ['type=semver', false, [], 'ref refs/heads/main is not a tag (and no value= is given)'],
      ['type=match', false, [], 'ref refs/heads/main is not a tag (and no value= is given)'],
      ['type=edge', false, [], 'branch main is not the edge branch develop'],
      ['type=ref', true, ['main'], undefined],
      ['type=raw', false, [], 'enable=false'],
      ['type=raw', false, [], 'enable={{is_not_default_branch}} evaluated to false'],
      ['type=sha', true, ['sha-0123456'], undefined],
    ]);
    const lines = formatExplain(r.explain);
    expect(lines[0]).toBe('mode: metadata-action (images/tags)');
    expect(lines).toContain(
      '✗ type=semver,pattern={{version}},value=,match=,enable=true,priority=900 (line 1): ref refs/heads/main is not a tag (and no value= is given)',
    );
    expect(lines).toContain('✓ type=ref,event=branch,enable=true,priority=600 (line 2) → main');
    expect(lines).toContain(
      'latest: no — latest=auto: the first rule that produced a tag (type=ref,event=branch,enable=true,priority=600) gives no latest: type=ref,event=branch never produces latest with latest=auto',
    );
    expect(lines).toContain('pin: sha-0123456 (template sha-{sha7})');
  });

  test('seed mode lists services', () => {
    const lines = formatExplain(compute('dk_tag_v1.2.3.env', { services: ['ms_core'], tag: 'v1.2.3' }).explain);
    expect(lines).toContain('service ms_core → core: ms_core');
    expect(lines).toContain('pin: sha-fedcba9 (template sha-{sha7}), added to tags');
  });

  test('warnings for values metadata-action would reject later', () => {
    const r = compute('event_push_dev.env', { tags: ['type=raw,value=-x'] });
    expect(r.tagNames).toEqual(['-x']);
    expect(r.warnings.join('\n')).toContain('"-x" is not a valid Docker tag');
  });
});

describe('global expressions and context', () => {
  test.each<[string, string, string[]]>([
    ['dk_push_main.env', 'type=raw,value=dev,enable={{is_not_default_branch}}', []],
    ['dk_push_feature_x.env', 'type=raw,value=dev,enable={{is_not_default_branch}}', ['dev']],
    ['dk_push_feature_x.env', 'type=raw,value={{branch}}-{{sha}}', ['feature-x-89abcde']],
    ['dk_tag_v1.2.3.env', 'type=raw,value={{tag}}-{{base_ref}}', ['v1.2.3-main']],
    ['event_pull_request.env', 'type=raw,value=pr-{{base_ref}}-{{branch}}x', ['pr-master-x']],
    ['event_schedule.env', 'type=raw,value=nightly,enable={{is_default_branch}}', ['nightly']],
  ])('%s: %s', (env, rule, names) => {
    expect(compute(env, { tags: [rule] }).tagNames).toEqual(names);
  });

  test('the commit date comes from the push payload', () => {
    expect(compute('dk_push_main.env', { tags: ["type=raw,value={{commit_date 'YYYYMMDD-HHmmss'}}"] }, {}, 'payload').tagNames).toEqual([
      '20240305-130709',
    ]);
    // no matching commit in a tag payload: the clock
    expect(compute('event_tag_v1.1.1.env', { tags: ["type=raw,value={{commit_date 'YYYYMMDD'}}"] }, {}, 'payload').tagNames).toEqual([
      '20200110',
    ]);
  });

  test('expression output is HTML-escaped as Handlebars does, then sanitized', () => {
    const ctx = buildContext({ eventName: 'push', ref: 'refs/heads/fix&co', sha: '0123456789abcdef0123456789abcdef01234567', payload: {} });
    const r = computeImageTags({ tags: ['type=raw,value={{branch}}', 'type=ref,event=branch'] }, ctx, { now: NOW });
    expect(r.tagNames).toEqual(['fix-co', 'fix-amp-co']);
  });

  test('pull_request_target uses the PR ref; DOCKER_METADATA_PR_HEAD_SHA the head SHA', () => {
    const ctx = loadContext('event_pull_request_target.env', { prHeadSha: prHeadShaEnabled({ DOCKER_METADATA_PR_HEAD_SHA: 'True' }) });
    expect(ctx.ref).toBe('refs/pull/15/merge');
    expect(ctx.sha).toBe('3370e228f2209994d57af4427fe64e71bb79ac96');
    expect(prHeadShaEnabled({})).toBe(false);
  });

  test('labels fall back to the payload repository when the API was not asked', () => {
    const r = compute('event_push_master.env', {});
    expect(r.labels).toContain('org.opencontainers.image.description=Test "Docker" Actions');
    expect(r.labels).toContain('org.opencontainers.image.source=https://github.com/docker/test-docker-action');
    expect(compute('event_push_master.env', {}, { repo: REPO }).labels).toContain('org.opencontainers.image.title=Hello-World');
  });

  test('type=edge defaults to the repository default branch', () => {
    expect(compute('dk_push_main.env', { tags: ['type=edge'] }).tagNames).toEqual(['edge']);
    expect(compute('event_push_master.env', { tags: ['type=edge'] }, { repo: { ...REPO, default_branch: 'main' } }).tagNames).toEqual([]);
  });
});

describe('outputs', () => {
  test('every output, annotations levels and separators', () => {
    const r = compute(
      'event_push_dev.env',
      { images: ['user/app'], tags: ['type=ref,event=branch', 'type=raw,my'], sepLabels: ';', sepAnnotations: '|' },
      { repo: REPO, env: { DOCKER_METADATA_ANNOTATIONS_LEVELS: 'manifest, index' } },
    );
    expect(Object.keys(r.outputs)).toEqual(['version', 'tags', 'tag-names', 'labels', 'annotations', 'json', 'pin', 'matrix']);
    expect(r.outputs.labels!.split(';')).toHaveLength(8);
    expect(r.outputs.annotations!.split('|')).toHaveLength(16);
    expect(r.annotationLevels).toEqual(['manifest', 'index']);
    expect(JSON.parse(r.outputs.json!)).toMatchObject({
      tags: ['user/app:dev', 'user/app:my'],
      'tag-names': ['dev', 'my'],
      version: 'dev',
    });
    expect(JSON.parse(r.outputs.matrix!)).toEqual({
      include: [{ service: 'app', image: 'user/app', tags: 'user/app:dev\nuser/app:my', pin: 'user/app:sha-860c190' }],
    });
  });

  // `version` is metadata-action's; `tag` is the release tag (deploy-kit's vocabulary), what push-artifacts' S3 folder defaults to.
  test.each<[string, string, ImageTagsInputs, string, string]>([
    ['seed naming: the tag input', 'dk_tag_v1.2.3.env', { services: ['core'], tag: 'v1.2.3' }, 'v1.2.3', 'v1.2.3'],
    ['seed naming on a branch, no tag', 'dk_push_main.env', { services: ['core'] }, 'main', ''],
    [
      'metadata-action mode on a tag: the pushed tag',
      'dk_tag_v1.2.3.env',
      { images: [{ value: 'user/app', line: 1 }], tags: [{ value: 'type=semver,pattern={{version}}', line: 1 }] },
      '1.2.3',
      'v1.2.3',
    ],
    ['metadata-action mode on a branch', 'event_push_dev.env', { images: [{ value: 'user/app', line: 1 }] }, 'dev', ''],
  ])("json's version and tag: %s", (_, env, inputs, version, tag) => {
    const json = JSON.parse(compute(env, inputs).outputs.json!) as Record<string, unknown>;
    expect([json.version, json.tag]).toEqual([version, tag]);
  });

  test('DOCKER_METADATA_OUTPUT_* variables for metadata-action outputs', () => {
    const env = metadataOutputEnv({
      version: '1',
      tags: 'a',
      'tag-names': 'b',
      json: '{}',
      pin: 'x',
      'bake-file-tags': '/tmp/f.json',
      'bake-file': '/tmp/g.json',
    });
    expect(env).toEqual({
      DOCKER_METADATA_OUTPUT_VERSION: '1',
      DOCKER_METADATA_OUTPUT_TAGS: 'a',
      DOCKER_METADATA_OUTPUT_TAG_NAMES: 'b',
      DOCKER_METADATA_OUTPUT_JSON: '{}',
      DOCKER_METADATA_OUTPUT_BAKE_FILE_TAGS: '/tmp/f.json',
      DOCKER_METADATA_OUTPUT_BAKE_FILE: '/tmp/g.json',
    });
  });

  test.each<[string | undefined, boolean | 'error']>([
    [undefined, true],
    ['true', true],
    ['1', true],
    ['False', false],
    ['f', false],
    ['nope', 'error'],
  ])('DOCKER_METADATA_SET_OUTPUT_ENV=%p', (value, expected) => {
    if (expected === 'error')
      expect(() => outputEnvEnabled({ DOCKER_METADATA_SET_OUTPUT_ENV: value })).toThrow(
        'Input "DOCKER_METADATA_SET_OUTPUT_ENV": not a boolean',
      );
    else expect(outputEnvEnabled({ DOCKER_METADATA_SET_OUTPUT_ENV: value })).toBe(expected);
  });

  test('bake target input', () => {
    const r = compute('event_push_dev.env', { bakeTarget: 'meta' });
    expect(Object.keys((JSON.parse(r.bakeFiles[3]!.content) as { target: object }).target)).toEqual(['meta']);
  });
});

describe('services-from discovery', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'image-tags-'));
    for (const d of ['cmd/ms/core', 'cmd/ms/payments', 'cmd/ms/chat', 'cmd/ms/.git', 'cmd/cli/admin', 'bin_arm64/ms', 'bin_arm64/lambdas'])
      mkdirSync(path.join(root, d), { recursive: true });
    for (const f of [
      'bin_arm64/ms/ms_core',
      'bin_arm64/ms/ms_payments',
      'bin_arm64/ms/.keep',
      'bin_arm64/lambdas/ingest',
      'cmd/ms/README.md',
    ])
      writeFileSync(path.join(root, f), 'x');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test.each<[string[], string, string[]]>([
    [['cmd/ms/*/'], 'ms_', ['chat', 'core', 'payments']],
    [['cmd/ms/*'], 'ms_', ['README.md', 'chat', 'core', 'payments']],
    [['bin_arm64/ms/*'], 'ms_', ['core', 'payments']],
    [['bin_arm64/ms/ms_*'], 'ms_', ['core', 'payments']],
    [['cmd/*/[a-c]*/'], 'ms_', ['admin', 'chat', 'core']],
    [['cmd/**/c?re'], 'ms_', ['core']],
    [['cmd/ms/*/', 'bin_arm64/ms/*'], 'ms_', ['chat', 'core', 'payments']],
    [['./bin_arm64/lambdas/*'], '', ['ingest']],
  ])('%p', async (patterns, stripPrefix, names) => {
    expect((await discoverServices(patterns, { cwd: root, stripPrefix })).map((s) => s.name)).toEqual(names);
  });

  test('absolute patterns', async () => {
    expect(await expandGlob(`${root}/cmd/cli/*`, '/')).toEqual([`${root}/cmd/cli/admin`]);
  });

  test('a pattern that matches nothing is an input error', async () => {
    await expect(discoverServices(['cmd/svc/*'], { cwd: root, stripPrefix: 'ms_' })).rejects.toThrow(
      `Input "services-from": pattern "cmd/svc/*" matched nothing under ${root}`,
    );
  });

  test('works with any readdir-like function', async () => {
    const tree: Record<string, string[]> = { '/w': ['apps'], '/w/apps': ['web', 'api'] };
    const readdir: ReaddirFn = async (dir) => {
      const names = tree[dir];
      if (!names) throw Object.assign(new Error('no'), { code: 'ENOENT' });
      return names.map((name) => ({ name, isDirectory: () => `${dir}/${name}` in tree || dir === '/w/apps' }));
    };
    expect((await discoverServices(['apps/*'], { cwd: '/w', stripPrefix: '', readdir })).map((s) => [s.name, s.path])).toEqual([
      ['api', 'apps/api'],
      ['web', 'apps/web'],
    ]);
  });

  test('discovered names feed seed naming', async () => {
    const found = await discoverServices(['bin_arm64/ms/*'], { cwd: root, stripPrefix: resolveKind('ms').stripPrefix });
    const r = compute('dk_tag_v1.2.3.env', { services: found.map((f) => f.name), registry: ECR, tag: 'v1.2.3' });
    expect(r.tags).toEqual([
      `${ECR}/ms_core:v1.2.3`,
      `${ECR}/ms_core:sha-fedcba9`,
      `${ECR}/ms_payments:v1.2.3`,
      `${ECR}/ms_payments:sha-fedcba9`,
    ]);
  });
});
