/**
 * docker/metadata-action's own meta.test.ts cases, ported with their expected values unchanged:
 * they are the compatibility contract. Same fixtures (trimmed), same frozen clock, same repo.json.
 * Cases whose expectation gives `latest` to a prerelease run with latestPolicy 'metadata-action'
 * (deploy-kit's default 'stable-only' differs there on purpose; see stable-only twins in
 * deploykit.test.ts).
 */
import { describe, expect, test } from '@jest/globals';

import { computeImageTags } from '../src/engine.js';
import { computeMeta, metaTags, type LatestPolicy } from '../src/meta.js';
import { defaultLabels, loadContext, NOW, REPO } from './helpers.js';

interface CaseInputs {
  images?: string[];
  tags?: string[];
  flavor?: string[];
  labels?: string[];
  annotations?: string[];
  bakeTarget?: string;
  sepTags?: string;
  policy?: LatestPolicy;
}

type Version = [main: string | undefined, partial: string[], latest: boolean];
type Case = [name: string, env: string, inputs: CaseInputs, version: Version, tags: string[], labels?: string[], annotations?: string[]];

function run(env: string, inputs: CaseInputs, prHeadSha = false) {
  const ctx = loadContext(env, { prHeadSha });
  const meta = computeMeta(inputs, ctx, { now: NOW, repo: REPO, latestPolicy: inputs.policy ?? 'stable-only' });
  return { ctx, meta };
}

function check([, env, inputs, [main, partial, latest], tags, labels, annotations]: Case, prHeadSha = false) {
  const { ctx, meta } = run(env, inputs, prHeadSha);
  expect(meta.version).toEqual({ main, partial, latest });
  expect(metaTags(meta)).toEqual(tags);
  const exLabels = labels ?? defaultLabels(ctx.sha, main ?? '');
  expect(meta.labels).toEqual(exLabels);
  expect(meta.annotations).toEqual(annotations ?? exLabels);
}

const MA: LatestPolicy = 'metadata-action';
const LONG_860 = 'sha-860c1904a1ce19322e91ac35af1ab07466440c37';

describe('null', () => {
  test.each<Case>([
    ['null02', 'event_empty.env', { images: ['user/app'], tags: ['type=sha', 'type=raw,{{branch}}'] }, [undefined, [], false], []],
  ])('given %s with %s event', (...c) => check(c));
});

describe('push', () => {
  test.each<Case>([
    ['push01', 'event_push_dev.env', { images: ['user/app'] }, ['dev', [], false], ['user/app:dev']],
    ['push02', 'event_push_master.env', { images: ['user/app'], tags: ['type=edge'] }, ['edge', [], false], ['user/app:edge']],
    ['push03', 'event_push_master.env', { images: ['user/app'] }, ['master', [], false], ['user/app:master']],
    ['push04', 'event_workflow_dispatch.env', { images: ['user/app'], tags: ['type=edge'] }, ['edge', [], false], ['user/app:edge']],
    [
      'push05',
      'event_push_dev.env',
      { images: ['org/app', 'ghcr.io/user/app'] },
      ['dev', [], false],
      ['org/app:dev', 'ghcr.io/user/app:dev'],
    ],
    [
      'push06',
      'event_push_master.env',
      { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=edge'] },
      ['edge', [], false],
      ['org/app:edge', 'ghcr.io/user/app:edge'],
    ],
    [
      'push07',
      'event_push_dev.env',
      { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=ref,event=branch', 'type=sha'] },
      ['dev', ['sha-860c190'], false],
      ['org/app:dev', 'org/app:sha-860c190', 'ghcr.io/user/app:dev', 'ghcr.io/user/app:sha-860c190'],
    ],
    [
      'push08',
      'event_push_master.env',
      { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=edge', 'type=sha'] },
      ['edge', ['sha-2665741'], false],
      ['org/app:edge', 'org/app:sha-2665741', 'ghcr.io/user/app:edge', 'ghcr.io/user/app:sha-2665741'],
    ],
    [
      'push09',
      'event_push_dev.env',
      { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=edge,branch=dev', 'type=sha'] },
      ['edge', ['sha-860c190'], false],
      ['org/app:edge', 'org/app:sha-860c190', 'ghcr.io/user/app:edge', 'ghcr.io/user/app:sha-860c190'],
    ],
    [
      'push10',
      'event_push_master.env',
      { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=edge,branch=dev', 'type=sha'] },
      ['sha-2665741', [], false],
      ['org/app:sha-2665741', 'ghcr.io/user/app:sha-2665741'],
    ],
    [
      'push11',
      'event_push_invalidchars.env',
      { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=edge', 'type=sha'] },
      ['sha-983315b', [], false],
      ['org/app:sha-983315b', 'ghcr.io/user/app:sha-983315b'],
    ],
    [
      'push12',
      'event_push_invalidchars.env',
      {
        images: ['org/app', 'ghcr.io/user/app'],
        tags: ['type=semver,pattern={{version}}', 'type=pep440,pattern={{version}}', 'type=edge'],
      },
      [undefined, [], false],
      [],
    ],
    [
      'push13',
      'event_push_master.env',
      { images: ['user/app'], tags: ['type=ref,priority=2000,event=branch', 'type=edge'] },
      ['master', ['edge'], false],
      ['user/app:master', 'user/app:edge'],
    ],
    [
      'push14',
      'event_push_master.env',
      {
        images: ['user/app'],
        tags: ['type=semver,pattern={{version}},value=v1.2.3', 'type=pep440,pattern={{version}},value=v1.2.3', 'type=edge'],
      },
      ['1.2.3', ['edge'], true],
      ['user/app:1.2.3', 'user/app:edge', 'user/app:latest'],
    ],
    [
      'push15',
      'event_push_master.env',
      { images: ['user/app'], tags: ['type=match,pattern=v(.*),group=1,value=v1.2.3', 'type=edge'] },
      ['1.2.3', ['edge'], true],
      ['user/app:1.2.3', 'user/app:edge', 'user/app:latest'],
    ],
    [
      'push16',
      'event_push_master.env',
      { images: ['user/app'], tags: ['type=match,enable=false,pattern=v(.*),group=1,value=v1.2.3', 'type=edge'] },
      ['edge', [], false],
      ['user/app:edge'],
    ],
    [
      'push17',
      'event_push_master.env',
      {
        images: ['user/app'],
        tags: [
          'type=raw,value=mytag-{{branch}}',
          "type=raw,value=mytag-{{date 'YYYYMMDD'}}",
          "type=raw,value=mytag-cd-{{commit_date 'YYYYMMDD'}}",
          "type=raw,value=mytag-{{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
          'type=raw,value=mytag-tag-{{tag}}',
          'type=raw,value=mytag-baseref-{{base_ref}}',
          'type=raw,value=mytag-defbranch,enable={{is_default_branch}}',
        ],
      },
      [
        'mytag-master',
        ['mytag-20200110', 'mytag-cd-20200110', 'mytag-20200110-093000', 'mytag-tag-', 'mytag-baseref-', 'mytag-defbranch'],
        false,
      ],
      [
        'user/app:mytag-master',
        'user/app:mytag-20200110',
        'user/app:mytag-cd-20200110',
        'user/app:mytag-20200110-093000',
        'user/app:mytag-tag-',
        'user/app:mytag-baseref-',
        'user/app:mytag-defbranch',
      ],
    ],
    [
      'push18',
      'event_push_dev.env',
      { images: ['org/app', 'ghcr.io/user/app'], tags: ['type=ref,event=branch', 'type=sha,format=long'] },
      ['dev', [LONG_860], false],
      ['org/app:dev', `org/app:${LONG_860}`, 'ghcr.io/user/app:dev', `ghcr.io/user/app:${LONG_860}`],
    ],
    [
      'push19',
      'event_push_dev.env',
      {
        images: ['org/app', 'ghcr.io/user/app'],
        tags: [
          'type=edge,branch=master',
          'type=ref,event=branch,enable=false',
          'type=sha,format=long',
          'type=raw,value=defbranch,enable={{is_default_branch}}',
        ],
      },
      [LONG_860, [], false],
      [`org/app:${LONG_860}`, `ghcr.io/user/app:${LONG_860}`],
    ],
    [
      'push20',
      'event_push_dev.env',
      {
        images: ['org/app', 'ghcr.io/user/app,enable=false'],
        tags: ['type=edge,branch=master', 'type=ref,event=branch,enable=false', 'type=sha,format=long'],
      },
      [LONG_860, [], false],
      [`org/app:${LONG_860}`],
    ],
    [
      'push21',
      'event_push_master.env',
      {
        images: [],
        tags: [
          'type=raw,value=mytag-{{branch}}',
          "type=raw,value=mytag-{{date 'YYYYMMDD'}}",
          "type=raw,value=mytag-{{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
          "type=raw,value=mytag-src-{{commit_date 'YYYYMMDD'}}",
          'type=raw,value=mytag-tag-{{tag}}',
          'type=raw,value=mytag-baseref-{{base_ref}}',
          'type=raw,value=mytag-defbranch,enable={{is_default_branch}}',
        ],
        labels: ["org.opencontainers.image.created={{commit_date 'YYYY-MM-DDTHH:mm:ss.SSS[Z]'}}"],
      },
      [
        'mytag-master',
        ['mytag-20200110', 'mytag-20200110-093000', 'mytag-src-20200110', 'mytag-tag-', 'mytag-baseref-', 'mytag-defbranch'],
        false,
      ],
      ['mytag-master', 'mytag-20200110', 'mytag-20200110-093000', 'mytag-src-20200110', 'mytag-tag-', 'mytag-baseref-', 'mytag-defbranch'],
      defaultLabels('266574110acf203503badf966df2ea24b5d732d7', 'mytag-master'),
      defaultLabels('266574110acf203503badf966df2ea24b5d732d7', 'mytag-master'),
    ],
  ])('given %s with %s event', (...c) => check(c));
});

const TWO = ['org/app', 'ghcr.io/user/app'];
const both = (...tags: string[]) => [...tags.map((t) => `org/app:${t}`), ...tags.map((t) => `ghcr.io/user/app:${t}`)];

describe('tag', () => {
  test.each<Case>([
    ['tag01', 'event_tag_release1.env', { images: ['user/app'] }, ['release1', [], true], ['user/app:release1', 'user/app:latest']],
    [
      'tag02',
      'event_tag_20200110-RC2.env',
      { images: ['user/app'], policy: MA },
      ['20200110-RC2', [], true],
      ['user/app:20200110-RC2', 'user/app:latest'],
    ],
    [
      'tag03',
      'event_tag_20200110-RC2.env',
      { images: ['user/app'], tags: ['type=match,pattern=\\d{8}'], flavor: ['latest=false'] },
      ['20200110', [], false],
      ['user/app:20200110'],
    ],
    [
      'tag04',
      'event_tag_20200110-RC2.env',
      { images: ['user/app'], tags: ['type=match,pattern=(.*)-RC,group=1'], flavor: ['latest=false'] },
      ['20200110', [], false],
      ['user/app:20200110'],
    ],
    [
      'tag05',
      'event_tag_v1.1.1.env',
      { images: TWO, tags: ['type=match,"pattern=\\d.\\d.\\d"'] },
      ['1.1.1', [], true],
      both('1.1.1', 'latest'),
    ],
    [
      'tag06',
      'event_tag_v1.1.1.env',
      { images: TWO, tags: ['type=match,"pattern=^v(\\d.\\d.\\d)$",group=1'] },
      ['1.1.1', [], true],
      both('1.1.1', 'latest'),
    ],
    [
      'tag07',
      'event_tag_v2.0.8-beta.67.env',
      { images: TWO, tags: ['type=match,"pattern=\\d.\\d.\\d-(alpha|beta).\\d+"'], policy: MA },
      ['2.0.8-beta.67', [], true],
      both('2.0.8-beta.67', 'latest'),
    ],
    [
      'tag08',
      'event_tag_v2.0.8-beta.67.env',
      { images: TWO, tags: ['type=match,"pattern=\\d.\\d"'], policy: MA },
      ['2.0', [], true],
      both('2.0', 'latest'),
    ],
    [
      'tag09',
      'event_tag_v2.0.8-beta.67.env',
      { images: TWO, tags: ['type=match,"pattern=v(.*)-beta.(.*)",group=1', 'type=match,"pattern=v(.*)-beta.(.*)",group=2'], policy: MA },
      ['2.0.8', ['67'], true],
      both('2.0.8', '67', 'latest'),
    ],
    ['tag10', 'event_tag_sometag.env', { images: TWO, tags: ['type=match,"pattern=\\d.\\d"'] }, [undefined, [], false], []],
    [
      'tag11',
      'event_tag_v1.1.1.env',
      {
        images: TWO,
        tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}', 'type=semver,pattern={{major}}'],
      },
      ['1.1.1', ['1.1', '1'], true],
      both('1.1.1', '1.1', '1', 'latest'),
    ],
    [
      'tag12',
      'event_tag_v1.1.1.env',
      { images: TWO, tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}.{{patch}}'] },
      ['1.1.1', [], true],
      both('1.1.1', 'latest'),
    ],
    [
      'tag13',
      'event_tag_v2.0.8-beta.67.env',
      { images: TWO, tags: ['type=semver,pattern={{major}}.{{minor}}', 'type=semver,pattern={{major}}'] },
      ['2.0.8-beta.67', [], false],
      both('2.0.8-beta.67'),
    ],
    [
      'tag14',
      'event_tag_sometag.env',
      {
        images: ['ghcr.io/user/app'],
        tags: [
          'type=ref,event=tag',
          'type=semver,pattern={{version}}',
          'type=semver,pattern={{major}}.{{minor}}',
          'type=semver,pattern={{major}}',
        ],
        flavor: ['latest=false'],
      },
      ['sometag', [], false],
      ['ghcr.io/user/app:sometag'],
    ],
    [
      'tag15',
      'event_tag_v2.0.8-beta.67.env',
      { images: TWO, tags: ['type=raw,priority=2000,foo', 'type=semver,pattern={{version}}', 'type=match,"pattern=\\d.\\d"'] },
      ['foo', ['2.0.8-beta.67', '2.0'], false],
      both('foo', '2.0.8-beta.67', '2.0'),
    ],
    [
      'tag16',
      'event_tag_v1.1.1.env',
      { images: TWO, tags: ['type=raw,priority=2000,foo', 'type=ref,event=tag', 'type=edge'] },
      ['foo', ['v1.1.1'], false],
      both('foo', 'v1.1.1'),
    ],
    [
      'tag17',
      'event_tag_p1-v1.0.0.env',
      {
        images: TWO,
        tags: [
          'type=match,"pattern=/^v(\\d.\\d.\\d)$/ig",group=1',
          'type=match,pattern=\\d.\\d.\\d',
          'type=match,pattern=\\d.\\d',
          'type=ref,event=pr',
          'type=sha',
        ],
      },
      ['1.0.0', ['1.0', 'sha-860c190'], true],
      both('1.0.0', '1.0', 'sha-860c190', 'latest'),
    ],
    [
      'tag18',
      'event_tag_p1-v1.0.0.env',
      {
        images: TWO,
        tags: [
          'type=match,pattern=p1/v(\\d.\\d.\\d),group=1',
          'type=match,pattern=p1/v(\\d.\\d),group=1',
          'type=match,pattern=p1/v(\\d.\\d),group=3',
          'type=ref,event=pr',
          'type=sha',
        ],
      },
      ['1.0.0', ['1.0', 'sha-860c190'], true],
      both('1.0.0', '1.0', 'sha-860c190', 'latest'),
    ],
    [
      'tag19',
      'event_tag_p1-v1.0.0.env',
      {
        images: TWO,
        tags: [
          'type=match,pattern=p1/v(\\d.\\d.\\d),group=1',
          'type=match,pattern=p1/v(\\d.\\d),group=1,suffix=',
          'type=ref,event=pr',
          'type=sha',
        ],
        flavor: ['suffix=-dev'],
      },
      ['1.0.0-dev', ['1.0', 'sha-860c190-dev'], true],
      both('1.0.0-dev', '1.0', 'sha-860c190-dev', 'latest'),
    ],
    [
      'tag20',
      'event_tag_v1.1.1.env',
      {
        images: TWO,
        tags: ['type=raw,{{tag}}-{{sha}}-foo', 'type=raw,{{base_ref}}-foo', 'type=raw,defbranch-foo,enable={{is_default_branch}}'],
      },
      ['v1.1.1-860c190-foo', ['master-foo'], false],
      both('v1.1.1-860c190-foo', 'master-foo'),
    ],
    [
      'tag21',
      'event_tag_v1.1.1.env',
      {
        images: TWO,
        tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}.{{patch}}'],
        flavor: ['suffix=-dev,onlatest=true'],
      },
      ['1.1.1-dev', [], true],
      both('1.1.1-dev', 'latest-dev'),
    ],
    [
      'tag22',
      'event_tag_v1.1.1.env',
      {
        images: TWO,
        tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}.{{patch}}'],
        flavor: ['prefix=foo-,onlatest=true', 'suffix=-dev,onlatest=true'],
      },
      ['foo-1.1.1-dev', [], true],
      both('foo-1.1.1-dev', 'foo-latest-dev'),
    ],
    [
      'tag23',
      'event_tag_v1.1.1.env',
      { images: ['org/app'], tags: ['type=pep440,pattern={{raw}}', 'type=pep440,pattern={{major}}.{{minor}}'] },
      ['v1.1.1', ['1.1'], true],
      ['org/app:v1.1.1', 'org/app:1.1', 'org/app:latest'],
    ],
    [
      'tag24',
      'event_tag_1.2.env',
      { images: ['org/app'], tags: ['type=pep440,pattern={{version}}', 'type=pep440,pattern={{major}}.{{minor}}'] },
      ['1.2', [], true],
      ['org/app:1.2', 'org/app:latest'],
    ],
    [
      'tag25',
      'event_tag_1.1beta2.env',
      { images: TWO, tags: ['type=pep440,pattern={{major}}.{{minor}}', 'type=pep440,pattern={{major}}'] },
      ['1.1b2', [], false],
      both('1.1b2'),
    ],
    [
      'tag26',
      'event_tag_1.0dev4.env',
      { images: TWO, tags: ['type=pep440,pattern={{major}}.{{minor}}', 'type=pep440,pattern={{major}}'] },
      ['1.0.dev4', [], false],
      both('1.0.dev4'),
    ],
    [
      'tag27',
      'event_tag_1.2.3rc2.env',
      {
        images: TWO,
        tags: [
          'type=pep440,pattern={{raw}}',
          'type=pep440,pattern={{version}}',
          'type=pep440,pattern={{major}}.{{minor}}',
          'type=pep440,pattern={{major}}',
        ],
      },
      ['1.2.3rc2', [], false],
      both('1.2.3rc2'),
    ],
    [
      'tag28',
      'event_tag_v1.1.1.env',
      {
        images: ['org/app'],
        tags: [
          'type=pep440,pattern={{version}}',
          'type=pep440,pattern={{major}}.{{minor}}.{{patch}}',
          'type=pep440,pattern={{major}}.{{minor}}',
          'type=pep440,pattern={{major}}',
        ],
      },
      ['1.1.1', ['1.1', '1'], true],
      ['org/app:1.1.1', 'org/app:1.1', 'org/app:1', 'org/app:latest'],
    ],
    [
      'tag29',
      'event_tag_1.2post1.env',
      {
        images: ['org/app'],
        tags: ['type=pep440,pattern={{version}}', 'type=pep440,pattern={{major}}.{{minor}}', 'type=pep440,pattern={{major}}'],
      },
      ['1.2.post1', [], false],
      ['org/app:1.2.post1'],
    ],
    [
      'tag30',
      'event_tag_sometag.env',
      {
        images: ['ghcr.io/user/app'],
        tags: [
          'type=ref,event=tag',
          'type=pep440,pattern={{version}}',
          'type=pep440,pattern={{major}}.{{minor}}',
          'type=pep440,pattern={{major}}',
        ],
        flavor: ['latest=false'],
      },
      ['sometag', [], false],
      ['ghcr.io/user/app:sometag'],
    ],
    [
      'tag31',
      'event_tag_v2.0.8-beta.67.env',
      { images: TWO, tags: ['type=semver,pattern={{raw}}'] },
      ['v2.0.8-beta.67', [], false],
      both('v2.0.8-beta.67'),
    ],
    [
      'tag32',
      'event_tag_v1.2.3rc2.env',
      { images: TWO, tags: ['type=pep440,pattern={{raw}}', 'type=pep440,pattern={{major}}.{{minor}}'] },
      ['v1.2.3rc2', ['1.2.3rc2'], false],
      both('v1.2.3rc2', '1.2.3rc2'),
    ],
    [
      'tag33',
      'event_tag_v1.1.1.env',
      {
        images: [],
        tags: [
          'type=pep440,pattern={{version}}',
          'type=pep440,pattern={{major}}.{{minor}}.{{patch}}',
          'type=pep440,pattern={{major}}.{{minor}}',
          'type=pep440,pattern={{major}}',
        ],
      },
      ['1.1.1', ['1.1', '1'], true],
      ['1.1.1', '1.1', '1', 'latest'],
    ],
  ])('given %s with %s event', (...c) => check(c));
});

describe('latest', () => {
  const L09 = 'event_tag_v1.1.1.env';
  test.each<Case>([
    [
      'latest01',
      'event_tag_release1.env',
      { images: ['user/app'], tags: ['type=match,"pattern=^release\\d{1,2}"'] },
      ['release1', [], true],
      ['user/app:release1', 'user/app:latest'],
    ],
    [
      'latest02',
      'event_tag_20200110-RC2.env',
      { images: ['user/app'], tags: ['type=match,"pattern=^\\d+-RC\\d{1,2}"'], policy: MA },
      ['20200110-RC2', [], true],
      ['user/app:20200110-RC2', 'user/app:latest'],
    ],
    [
      'latest03',
      'event_tag_20200110-RC2.env',
      { images: ['user/app'], tags: ['type=match,pattern=\\d{8}'], policy: MA },
      ['20200110', [], true],
      ['user/app:20200110', 'user/app:latest'],
    ],
    [
      'latest04',
      'event_tag_v1.1.1.env',
      { images: ['user/app'], tags: ['type=match,"pattern=\\d.\\d.\\d"'] },
      ['1.1.1', [], true],
      ['user/app:1.1.1', 'user/app:latest'],
    ],
    ['latest05', 'event_tag_v1.1.1.env', { images: TWO }, ['v1.1.1', [], true], both('v1.1.1', 'latest')],
    [
      'latest06',
      'event_tag_v2.0.8-beta.67.env',
      { images: TWO, tags: ['type=match,"pattern=\\d.\\d.\\d"'], policy: MA },
      ['2.0.8', [], true],
      both('2.0.8', 'latest'),
    ],
    [
      'latest07',
      'event_tag_v1.1.1.env',
      { images: TWO, tags: ['type=ref,event=tag'], flavor: ['latest=false'] },
      ['v1.1.1', [], false],
      both('v1.1.1'),
    ],
    [
      'latest08',
      'event_tag_v1.1.1.env',
      { images: ['org/app', 'ghcr.io/MyUSER/MyApp'], tags: ['type=ref,event=tag'], flavor: ['latest=false'] },
      ['v1.1.1', [], false],
      ['org/app:v1.1.1', 'ghcr.io/myuser/myapp:v1.1.1'],
    ],
    [
      'latest09',
      L09,
      {
        images: ['org/app', 'ghcr.io/MyUSER/MyApp'],
        tags: ['type=ref,event=tag'],
        flavor: ['latest=false'],
        labels: [
          'maintainer=CrazyMax',
          'org.opencontainers.image.description=this is a "good" example',
          'org.opencontainers.image.title=MyCustomTitle',
          'org.opencontainers.image.vendor=MyCompany',
        ],
        annotations: [
          'maintainer=Foo',
          'org.opencontainers.image.description=this is a "bad" example',
          'org.opencontainers.image.title=MyNotTitle',
          'org.opencontainers.image.vendor=MyNotCompany',
        ],
      },
      ['v1.1.1', [], false],
      ['org/app:v1.1.1', 'ghcr.io/myuser/myapp:v1.1.1'],
      [
        'maintainer=CrazyMax',
        'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
        'org.opencontainers.image.description=this is a "good" example',
        'org.opencontainers.image.licenses=MIT',
        'org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37',
        'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.title=MyCustomTitle',
        'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.vendor=MyCompany',
        'org.opencontainers.image.version=v1.1.1',
      ],
      [
        'maintainer=Foo',
        'org.opencontainers.image.created=2020-01-10T00:30:00.000Z',
        'org.opencontainers.image.description=this is a "bad" example',
        'org.opencontainers.image.licenses=MIT',
        'org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37',
        'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.title=MyNotTitle',
        'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
        'org.opencontainers.image.vendor=MyNotCompany',
        'org.opencontainers.image.version=v1.1.1',
      ],
    ],
    [
      'latest10',
      'event_tag_v2.0.8-beta.67.env',
      { images: [], tags: ['type=match,"pattern=\\d.\\d.\\d"'], policy: MA },
      ['2.0.8', [], true],
      ['2.0.8', 'latest'],
    ],
  ])('given %s with %s event', (...c) => check(c));
});

const prCases = (sha7: string, target7: string, targetLong: string): Case[] => [
  ['pr01', 'event_pull_request.env', { images: ['user/app'] }, ['pr-15', [], false], ['user/app:pr-15']],
  ['pr02', 'event_pull_request.env', { images: TWO }, ['pr-15', [], false], both('pr-15')],
  [
    'pr03',
    'event_pull_request.env',
    { images: TWO, tags: ['type=ref,event=pr', 'type=sha'] },
    ['pr-15', [`sha-${sha7}`], false],
    both('pr-15', `sha-${sha7}`),
  ],
  [
    'pr04',
    'event_pull_request.env',
    { images: TWO, tags: ['type=sha,priority=2000', 'type=ref,event=pr'] },
    [`sha-${sha7}`, ['pr-15'], false],
    both(`sha-${sha7}`, 'pr-15'),
  ],
  [
    'pr05',
    'event_pull_request.env',
    { images: TWO, tags: ['type=ref,event=pr'], flavor: ['prefix=glo-', 'suffix=-bal'] },
    ['pr-15-bal', [], false],
    both('pr-15-bal'),
  ],
  [
    'pr06',
    'event_pull_request.env',
    { images: TWO, tags: ['type=ref,event=pr,prefix='], flavor: ['prefix=glo-', 'suffix=-bal'] },
    ['15-bal', [], false],
    both('15-bal'),
  ],
  [
    'pr07',
    'event_pull_request_target.env',
    { images: TWO, tags: ['type=sha,priority=2000', 'type=ref,event=pr'] },
    [`sha-${target7}`, ['pr-15'], false],
    both(`sha-${target7}`, 'pr-15'),
  ],
  [
    'pr08',
    'event_pull_request_target.env',
    { images: TWO, tags: ['type=ref,event=pr,prefix='], flavor: ['prefix=glo-', 'suffix=-bal'] },
    ['15-bal', [], false],
    both('15-bal'),
  ],
  [
    'pr09',
    'event_pull_request_target.env',
    { images: ['org/app'], tags: ['type=ref,event=tag', 'type=ref,event=pr', 'type=ref,event=branch', 'type=sha', 'type=sha,format=long'] },
    ['pr-15', [`sha-${target7}`, `sha-${targetLong}`], false],
    ['org/app:pr-15', `org/app:sha-${target7}`, `org/app:sha-${targetLong}`],
  ],
  [
    'pr10',
    'event_pull_request_target.env',
    { images: ['org/app'], tags: ['type=raw,value=mytag-{{base_ref}}', 'type=raw,mytag-defbranch,enable={{is_default_branch}}'] },
    ['mytag-master', [], false],
    ['org/app:mytag-master'],
  ],
  [
    'pr11',
    'event_pull_request.env',
    { images: ['org/app'], tags: ['type=raw,value=mytag-{{base_ref}}', 'type=raw,mytag-defbranch,enable={{is_default_branch}}'] },
    ['mytag-master', [], false],
    ['org/app:mytag-master'],
  ],
];

describe('pr', () => {
  test.each<Case>([
    ...prCases('a9c8c58', '2665741', '266574110acf203503badf966df2ea24b5d732d7'),
    [
      'pr12',
      'event_pull_request.env',
      { images: ['org/app'], tags: ['type=raw,value={{commit_date YYYY-MM-DD-HHmmSS}}'] },
      ['2020-01-10T00-30-00Z', [], false],
      ['org/app:2020-01-10T00-30-00Z'],
    ],
  ])('given %s with %s event', (...c) => check(c));
});

describe('pr-head-sha', () => {
  test.each<Case>([
    ...prCases('3370e22', '3370e22', '3370e228f2209994d57af4427fe64e71bb79ac96'),
    [
      'pr12',
      'event_pull_request.env',
      { images: ['org/app'], tags: ['type=raw,value=src-{{commit_date YYYY-MM-DD}}'] },
      ['src-2020-01-10T00-30-00Z', [], false],
      ['org/app:src-2020-01-10T00-30-00Z'],
    ],
  ])('given %s with %s event', (...c) => check(c, true));
});

describe('schedule', () => {
  test.each<Case>([
    ['schedule01', 'event_schedule.env', { images: ['user/app'] }, ['nightly', ['master'], false], ['user/app:nightly', 'user/app:master']],
    [
      'schedule02',
      'event_schedule.env',
      {
        images: ['user/app'],
        tags: ["type=schedule,pattern={{date 'YYYYMMDD'}}", "type=schedule,pattern=source-date-{{commit_date 'YYYY-MM-DD'}}"],
      },
      ['20200110', ['source-date-2020-01-10'], false],
      ['user/app:20200110', 'user/app:source-date-2020-01-10'],
    ],
    [
      'schedule03',
      'event_schedule.env',
      { images: ['user/app'], tags: ["type=schedule,pattern={{date 'YYYYMMDD-HHmmss'}}"] },
      ['20200110-003000', [], false],
      ['user/app:20200110-003000'],
    ],
    ['schedule04', 'event_schedule.env', { images: TWO }, ['nightly', ['master'], false], both('nightly', 'master')],
    [
      'schedule05',
      'event_schedule.env',
      { images: TWO, tags: ['type=schedule', 'type=sha'] },
      ['nightly', ['sha-860c190'], false],
      both('nightly', 'sha-860c190'),
    ],
    [
      'schedule06',
      'event_schedule.env',
      { images: TWO, tags: ['type=schedule', 'type=sha,priority=2000', 'type=raw,value=defbranch,enable={{is_default_branch}}'] },
      ['sha-860c190', ['nightly', 'defbranch'], false],
      both('sha-860c190', 'nightly', 'defbranch'),
    ],
    [
      'schedule07',
      'event_schedule.env',
      { images: TWO, tags: ['type=schedule'], flavor: ['prefix=glo-', 'suffix=-bal'] },
      ['glo-nightly-bal', [], false],
      both('glo-nightly-bal'),
    ],
    [
      'schedule08',
      'event_schedule.env',
      {
        images: ['user/app'],
        tags: [
          "type=schedule,pattern={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
          "type=schedule,pattern=src-{{commit_date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
        ],
      },
      ['20200110-093000', ['src-20200110-093000'], false],
      ['user/app:20200110-093000', 'user/app:src-20200110-093000'],
    ],
  ])('given %s with %s event', (...c) => check(c));
});

describe('release', () => {
  test.each<Case>([
    ['release01', 'event_release_created.env', { images: ['user/app'] }, ['v1.1.1', [], true], ['user/app:v1.1.1', 'user/app:latest']],
    [
      'release02',
      'event_release_created.env',
      {
        images: ['user/app'],
        tags: ['type=ref,event=tag', 'type=raw,value=baseref-{{base_ref}}', 'type=raw,value=defbranch,enable={{is_default_branch}}'],
      },
      ['v1.1.1', ['baseref-'], true],
      ['user/app:v1.1.1', 'user/app:baseref-', 'user/app:latest'],
    ],
    [
      'release03',
      'event_release_created.env',
      { images: ['user/app'], tags: ["type=raw,value=src-{{commit_date 'YYYYMMDD-HHmmss'}}", "type=raw,value={{date 'YYYYMMDD-HHmmss'}}"] },
      ['src-20200110-003000', ['20200110-003000'], false],
      ['user/app:src-20200110-003000', 'user/app:20200110-003000'],
    ],
  ])('given %s with %s event', (...c) => check(c));
});

const RAWS = ['type=raw,my', 'type=raw,custom', 'type=raw,tags'];

describe('raw', () => {
  test.each<Case>([
    [
      'raw01',
      'event_push_dev.env',
      { images: ['user/app'], tags: ['type=ref,event=branch', ...RAWS] },
      ['dev', ['my', 'custom', 'tags'], false],
      ['user/app:dev', 'user/app:my', 'user/app:custom', 'user/app:tags'],
    ],
    [
      'raw02',
      'event_push_dev.env',
      { images: ['user/app'], tags: ['type=ref,event=branch', 'type=raw,my'] },
      ['dev', ['my'], false],
      ['user/app:dev', 'user/app:my'],
    ],
    [
      'raw03',
      'event_tag_release1.env',
      { images: ['user/app'], tags: ['type=ref,event=tag', ...RAWS] },
      ['release1', ['my', 'custom', 'tags'], true],
      ['user/app:release1', 'user/app:my', 'user/app:custom', 'user/app:tags', 'user/app:latest'],
    ],
    [
      'raw04',
      'event_tag_20200110-RC2.env',
      { images: ['user/app'], tags: ['type=match,pattern=\\d{8}', ...RAWS], flavor: ['latest=false'] },
      ['20200110', ['my', 'custom', 'tags'], false],
      ['user/app:20200110', 'user/app:my', 'user/app:custom', 'user/app:tags'],
    ],
    [
      'raw05',
      'event_tag_v1.1.1.env',
      {
        images: TWO,
        tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}', 'type=semver,pattern={{major}}', ...RAWS],
      },
      ['1.1.1', ['1.1', '1', 'my', 'custom', 'tags'], true],
      both('1.1.1', '1.1', '1', 'my', 'custom', 'tags', 'latest'),
    ],
    ['raw06', 'event_tag_v1.1.1.env', { images: TWO, tags: RAWS }, ['my', ['custom', 'tags'], false], both('my', 'custom', 'tags')],
    [
      'raw07',
      'event_push_dev.env',
      { images: ['user/app'], tags: ['type=ref,priority=90,event=branch', ...RAWS], flavor: ['latest=true'] },
      ['my', ['custom', 'tags', 'dev'], true],
      ['user/app:my', 'user/app:custom', 'user/app:tags', 'user/app:dev', 'user/app:latest'],
    ],
    [
      'raw08',
      'event_push_dev.env',
      { images: ['user/app'], tags: ['type=match,pattern=\\d{8}', ...RAWS], flavor: ['latest=false'] },
      ['my', ['custom', 'tags'], false],
      ['user/app:my', 'user/app:custom', 'user/app:tags'],
    ],
    [
      'raw09',
      'event_push_dev.env',
      {
        images: ['user/app'],
        tags: ['type=match,pattern=\\d{8}', 'type=raw,my,prefix=foo-,suffix=-bar', 'type=raw,custom', 'type=raw,tags'],
        flavor: ['latest=false', 'prefix=glo-', 'suffix=-bal'],
      },
      ['foo-my-bar', ['glo-custom-bal', 'glo-tags-bal'], false],
      ['user/app:foo-my-bar', 'user/app:glo-custom-bal', 'user/app:glo-tags-bal'],
    ],
    [
      'raw10',
      'event_push_dev.env',
      { images: ['user/app'], tags: ['type=raw,foo', 'type=raw,bar,enable=false', 'type=raw,baz,enable=true'], flavor: ['latest=false'] },
      ['foo', ['baz'], false],
      ['user/app:foo', 'user/app:baz'],
    ],
  ])('given %s with %s event', (...c) => check(c));
});

// ---- json / bake / sep: through computeImageTags (the action's outputs) ----

const REV_860 = '860c1904a1ce19322e91ac35af1ab07466440c37';
const labelsObj = (version: string, extra: Record<string, string> = {}) =>
  Object.fromEntries(
    [
      ...defaultLabels(REV_860, version).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
      ...Object.entries(extra),
    ].sort((a, b) => a[0].localeCompare(b[0])),
  );
const annotationsFor = (version: string, ...levels: string[]) =>
  levels.flatMap((level) => defaultLabels(REV_860, version).map((l) => `${level}:${l}`));

function outputsFor(env: string, inputs: CaseInputs, envVars: Record<string, string> = {}) {
  return computeImageTags(inputs, loadContext(env), { now: NOW, repo: REPO, env: envVars });
}

describe('json', () => {
  test.each<[string, string, CaseInputs, { tags: string[]; labels: Record<string, string>; annotations: string[] }]>([
    [
      'json01',
      'event_push_dev.env',
      { images: ['user/app'], tags: ['type=ref,event=branch', ...RAWS], labels: ['invalid', 'foo='] },
      {
        tags: ['user/app:dev', 'user/app:my', 'user/app:custom', 'user/app:tags'],
        labels: labelsObj('dev', { foo: '' }),
        annotations: annotationsFor('dev', 'manifest'),
      },
    ],
    [
      'json02',
      'event_push_dev.env',
      { images: ['user/app'], tags: ['type=ref,event=branch', 'type=raw,my'] },
      { tags: ['user/app:dev', 'user/app:my'], labels: labelsObj('dev'), annotations: annotationsFor('dev', 'manifest') },
    ],
    [
      'json03',
      'event_tag_release1.env',
      { images: ['user/app'], tags: ['type=ref,event=tag', ...RAWS], bakeTarget: 'meta' },
      {
        tags: ['user/app:release1', 'user/app:my', 'user/app:custom', 'user/app:tags', 'user/app:latest'],
        labels: labelsObj('release1'),
        annotations: annotationsFor('release1', 'manifest'),
      },
    ],
    [
      'json04',
      'event_tag_20200110-RC2.env',
      { images: ['user/app'], tags: ['type=match,pattern=\\d{8}', ...RAWS], flavor: ['latest=false'] },
      {
        tags: ['user/app:20200110', 'user/app:my', 'user/app:custom', 'user/app:tags'],
        labels: labelsObj('20200110'),
        annotations: annotationsFor('20200110', 'manifest'),
      },
    ],
    [
      'json05',
      'event_tag_v1.1.1.env',
      {
        images: TWO,
        tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}', 'type=semver,pattern={{major}}', ...RAWS],
      },
      {
        tags: both('1.1.1', '1.1', '1', 'my', 'custom', 'tags', 'latest'),
        labels: labelsObj('1.1.1'),
        annotations: annotationsFor('1.1.1', 'manifest'),
      },
    ],
    [
      'json06',
      'event_tag_v1.1.1.env',
      { images: TWO, tags: RAWS },
      { tags: both('my', 'custom', 'tags'), labels: labelsObj('my'), annotations: annotationsFor('my', 'manifest') },
    ],
    [
      'json07',
      'event_tag_v1.1.1.env',
      {
        images: ['org/app'],
        labels: [
          'foo',
          'maintainer=CrazyMax',
          'org.opencontainers.image.title=MyCustom=Title',
          'org.opencontainers.image.description=Another description',
          'org.opencontainers.image.vendor=MyCompany',
        ],
      },
      {
        tags: ['org/app:v1.1.1', 'org/app:latest'],
        labels: {
          maintainer: 'CrazyMax',
          'org.opencontainers.image.created': '2020-01-10T00:30:00.000Z',
          'org.opencontainers.image.description': 'Another description',
          'org.opencontainers.image.licenses': 'MIT',
          'org.opencontainers.image.revision': REV_860,
          'org.opencontainers.image.source': 'https://github.com/octocat/Hello-World',
          'org.opencontainers.image.title': 'MyCustom=Title',
          'org.opencontainers.image.url': 'https://github.com/octocat/Hello-World',
          'org.opencontainers.image.vendor': 'MyCompany',
          'org.opencontainers.image.version': 'v1.1.1',
        },
        annotations: annotationsFor('v1.1.1', 'manifest'),
      },
    ],
  ])('given %s with %s event', (_name, env, inputs, expected) => {
    const json = outputsFor(env, inputs).json;
    expect({ tags: json.tags, labels: json.labels, annotations: json.annotations }).toEqual(expected);
    expect(Object.keys(json.labels as object)).toEqual(Object.keys(expected.labels));
  });
});

describe('bakeFile', () => {
  const bake = (target: string, dt: unknown) => ({ target: { [target]: dt } });
  test.each<[string, string, CaseInputs, string[], string, string, Record<string, string>]>([
    [
      'bakeFile01',
      'event_push_dev.env',
      { images: ['user/app'], tags: ['type=ref,event=branch', ...RAWS], labels: ['invalid'] },
      ['user/app:dev', 'user/app:my', 'user/app:custom', 'user/app:tags'],
      'user/app',
      'dev',
      {},
    ],
    [
      'bakeFile02',
      'event_push_dev.env',
      { images: ['user/app'], tags: ['type=ref,event=branch', 'type=raw,my'] },
      ['user/app:dev', 'user/app:my'],
      'user/app',
      'dev',
      {},
    ],
    [
      'bakeFile03',
      'event_tag_release1.env',
      { images: ['user/app'], tags: ['type=ref,event=tag', ...RAWS], bakeTarget: 'meta' },
      ['user/app:release1', 'user/app:my', 'user/app:custom', 'user/app:tags', 'user/app:latest'],
      'user/app',
      'release1',
      {},
    ],
    [
      'bakeFile04',
      'event_tag_20200110-RC2.env',
      { images: ['user/app'], tags: ['type=match,pattern=\\d{8}', ...RAWS], flavor: ['latest=false'] },
      ['user/app:20200110', 'user/app:my', 'user/app:custom', 'user/app:tags'],
      'user/app',
      '20200110',
      {},
    ],
    [
      'bakeFile05',
      'event_tag_v1.1.1.env',
      {
        images: TWO,
        tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}', 'type=semver,pattern={{major}}', ...RAWS],
      },
      both('1.1.1', '1.1', '1', 'my', 'custom', 'tags', 'latest'),
      'org/app,ghcr.io/user/app',
      '1.1.1',
      {},
    ],
    ['bakeFile06', 'event_tag_v1.1.1.env', { images: TWO, tags: RAWS }, both('my', 'custom', 'tags'), 'org/app,ghcr.io/user/app', 'my', {}],
    [
      'bakeFile07',
      'event_tag_v1.1.1.env',
      {
        images: ['org/app'],
        labels: [
          'maintainer=CrazyMax',
          'org.opencontainers.image.title=MyCustom=Title',
          'org.opencontainers.image.description=Another description',
          'org.opencontainers.image.vendor=MyCompany',
        ],
      },
      ['org/app:v1.1.1', 'org/app:latest'],
      'org/app',
      'v1.1.1',
      {
        maintainer: 'CrazyMax',
        'org.opencontainers.image.title': 'MyCustom=Title',
        'org.opencontainers.image.description': 'Another description',
        'org.opencontainers.image.vendor': 'MyCompany',
      },
    ],
  ])('given %s with %s event', (_name, env, inputs, tags, images, version, extraLabels) => {
    const target = inputs.bakeTarget ?? 'docker-metadata-action';
    const result = outputsFor(env, inputs, { DOCKER_METADATA_ANNOTATIONS_LEVELS: 'index,manifest-descriptor' });
    const file = (output: string) => JSON.parse(result.bakeFiles.find((b) => b.output === output)!.content) as unknown;
    expect(file('bake-file-tags')).toEqual(bake(target, { tags, args: { DOCKER_META_IMAGES: images, DOCKER_META_VERSION: version } }));
    expect(file('bake-file-labels')).toEqual(bake(target, { labels: labelsObj(version, extraLabels) }));
    expect(file('bake-file-annotations')).toEqual(bake(target, { annotations: annotationsFor(version, 'index', 'manifest-descriptor') }));
  });

  test('bakeFileTagsLabels01: the combined bake file', () => {
    const result = outputsFor('event_push_dev.env', {
      images: ['user/app'],
      tags: ['type=ref,event=branch', ...RAWS],
      labels: ['invalid'],
    });
    expect(JSON.parse(result.bakeFiles.find((b) => b.output === 'bake-file')!.content)).toEqual(
      bake('docker-metadata-action', {
        tags: ['user/app:dev', 'user/app:my', 'user/app:custom', 'user/app:tags'],
        labels: labelsObj('dev'),
        args: { DOCKER_META_IMAGES: 'user/app', DOCKER_META_VERSION: 'dev' },
      }),
    );
    expect(result.bakeFiles.map((b) => b.fileName)).toEqual([
      'docker-metadata-action-bake-tags.json',
      'docker-metadata-action-bake-labels.json',
      'docker-metadata-action-bake-annotations.json',
      'docker-metadata-action-bake.json',
    ]);
  });
});

describe('sepTags', () => {
  test.each<[string, string, CaseInputs, string]>([
    [
      'sepTags01',
      'event_push_dev.env',
      { images: ['user/app'], tags: ['type=ref,event=branch', ...RAWS], sepTags: ' ' },
      'user/app:dev user/app:my user/app:custom user/app:tags',
    ],
    [
      'sepTags02',
      'event_push_dev.env',
      { images: ['user/app'], tags: ['type=ref,event=branch', ...RAWS], sepTags: ',' },
      'user/app:dev,user/app:my,user/app:custom,user/app:tags',
    ],
  ])('given %s with %s event', (_n, env, inputs, expected) => {
    expect(outputsFor(env, inputs).outputs.tags).toEqual(expected);
  });
});
