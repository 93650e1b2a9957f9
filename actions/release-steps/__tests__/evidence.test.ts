/**
 * require-staging: deployment as tables: how a deployment ended (auto_inactive's `inactive` after a
 * success still counts as success; a later failure counts against it), which deployments record an
 * rc, the staging verdict and the image checks, then the orchestration (checkStagingEvidence) and the
 * gate step with fake records and a fake ECR: outputs, refusals and the requests made.
 */
import { describe, expect, test } from '@jest/globals';
import { ActionError, DEPLOYMENT_PAYLOAD_VERSION, type DeploymentPayload, type StepSummary } from '@deploy-kit/core';

import { deploymentOutcome, judgeImages, judgeStagingDeployments, recordsTag, type Ended, type Judged } from '../src/evidence.js';
import { decideGate, readGateConfig, readStagingPolicy } from '../src/gate.js';
import type { ImageStore, RecordedDeployment, RecordedStatus } from '../src/records.js';
import { fakeImages, fakeRecords } from './fakes.js';
import { checkStagingEvidence, findRecordedDeployments } from '../src/staging.js';
import { runStep, type StepIo } from '../src/steps.js';

const D = (n: string) => `sha256:${n.repeat(64)}`;
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const st = (state: string, at = '2026-01-01T00:00:00Z', description = ''): RecordedStatus => ({ state, createdAt: at, description });

function payload(
  tag: string,
  images: Array<[string, string | null]> = [[`${HOST}/ms_core`, D('a')]],
  over: Partial<DeploymentPayload> = {},
): DeploymentPayload {
  return {
    'deploy-kit': DEPLOYMENT_PAYLOAD_VERSION,
    tag,
    version: tag.replace(/^.*?v(?=\d)/, ''),
    environment: 'staging',
    images: images.map(([image, digest]) => ({ service: image.split('/').at(-1)!, image, digest, tags: [tag] })),
    s3: null,
    migration: null,
    gitops: null,
    run: null,
    ...over,
  };
}
const deployment = (id: number, p: DeploymentPayload | undefined): RecordedDeployment => ({
  id,
  environment: 'staging',
  createdAt: '2026-01-01T00:00:00Z',
  description: '',
  payload: p,
});
const judged = (id: number, p: DeploymentPayload | undefined, ended: Ended): Judged => ({ deployment: deployment(id, p), ended });
const ok = (at = ''): Ended => ({ outcome: 'success', at, description: '' });

describe('deploymentOutcome: the newest status that is not inactive decides', () => {
  test.each<[string, RecordedStatus[], Ended['outcome']]>([
    ['success', [st('success'), st('in_progress')], 'success'],
    ['superseded by a newer success (auto_inactive)', [st('inactive'), st('success'), st('in_progress')], 'success'],
    ['a failure after the success counts against it', [st('failure'), st('success'), st('in_progress')], 'failure'],
    ['error', [st('error'), st('in_progress')], 'error'],
    ['still in progress', [st('in_progress')], 'in_progress'],
    ['queued and pending are in progress', [st('queued')], 'in_progress'],
    ['no status', [], 'none'],
    ['only inactive (nothing ever succeeded)', [st('inactive')], 'none'],
  ])('%s', (_what, statuses, outcome) => {
    expect(deploymentOutcome(statuses).outcome).toBe(outcome);
  });

  test('when and why come from the deciding status', () => {
    expect(deploymentOutcome([st('inactive', 't3'), st('failure', 't2', 'https://x answered 503'), st('success', 't1')])).toEqual({
      outcome: 'failure',
      at: 't2',
      description: 'https://x answered 503',
    });
  });
});

describe('recordsTag: by the payload tag, or the same bare version', () => {
  test.each<[string, DeploymentPayload | undefined, string, boolean]>([
    ['the same tag', payload('v1.4.0-rc.2'), 'v1.4.0-rc.2', true],
    ['the same version under another prefix', payload('1.4.0-rc.2'), 'v1.4.0-rc.2', true],
    ['another rc', payload('v1.4.0-rc.1'), 'v1.4.0-rc.2', false],
    ['a deployment another tool made', undefined, 'v1.4.0-rc.2', false],
  ])('%s', (_what, p, tag, expected) => {
    expect(recordsTag(deployment(1, p), tag)).toBe(expected);
  });
});

describe('judgeStagingDeployments', () => {
  const FIX =
    'deploy v1.4.0-rc.2 to staging (its release records the deployment), or set require-staging: tag to gate on the rc tag alone.';
  test.each<[string, Judged[], string]>([
    [
      'none recorded',
      [],
      `Production release v1.4.0 is blocked: v1.4.0-rc.2 has no successful deployment to staging (none of the 7 newest staging deployments of this repository records v1.4.0-rc.2); ${FIX}`,
    ],
    [
      'its deployment failed',
      [judged(17, payload('v1.4.0-rc.2'), { outcome: 'failure', at: '2026-03-01T10:00:00Z', description: 'verification failed' })],
      `Production release v1.4.0 is blocked: v1.4.0-rc.2 has no successful deployment to staging (its deployment 17 ended failure at 2026-03-01T10:00:00Z: verification failed); ${FIX}`,
    ],
    [
      'two failed',
      [
        judged(18, payload('v1.4.0-rc.2'), { outcome: 'error', at: 't', description: '' }),
        judged(17, payload('v1.4.0-rc.2'), { outcome: 'failure', at: 't0', description: '' }),
      ],
      '(its deployment 18 ended error at t, and 1 earlier one did not succeed either)',
    ],
    [
      'still in progress',
      [judged(19, payload('v1.4.0-rc.2'), { outcome: 'in_progress', at: 't', description: '' })],
      '(its deployment 19 is still in progress (since at t))',
    ],
    [
      'no images recorded',
      [judged(20, payload('v1.4.0-rc.2', []), ok())],
      'Production release v1.4.0 is blocked: deployment 20 of v1.4.0-rc.2 to staging recorded no images, so the digests production must run are unknown',
    ],
    [
      'an image without a digest',
      [
        judged(
          21,
          payload('v1.4.0-rc.2', [
            [`${HOST}/ms_core`, D('a')],
            [`${HOST}/ms_chat`, null],
          ]),
          ok(),
        ),
      ],
      `deployment 21 of v1.4.0-rc.2 to staging recorded no digest for ${HOST}/ms_chat; record push-artifacts' \`json\``,
    ],
  ])('refuses: %s', (_what, list, message) => {
    const verdict = judgeStagingDeployments('v1.4.0', 'v1.4.0-rc.2', 'staging', list, 7);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? '' : verdict.refusal).toContain(message);
  });

  test('the newest success wins, even behind a newer failure', () => {
    const verdict = judgeStagingDeployments(
      'v1.4.0',
      'v1.4.0-rc.2',
      'staging',
      [judged(18, payload('v1.4.0-rc.2'), { outcome: 'failure', at: '', description: '' }), judged(17, payload('v1.4.0-rc.2'), ok())],
      2,
    );
    expect(verdict).toMatchObject({ ok: true, deployment: { id: 17 }, images: [{ image: `${HOST}/ms_core`, digest: D('a') }] });
  });
});

describe('judgeImages', () => {
  const image = (name: string, digest: string) => ({ service: name, image: `${HOST}/${name}`, digest, tags: [] });
  test.each<[string, Parameters<typeof judgeImages>[3], string | undefined]>([
    ['all there, the tag on the digest', [{ image: image('ms_core', D('a')), found: D('a'), tagDigest: D('a') }], undefined],
    [
      'an image gone',
      [
        { image: image('ms_core', D('a')), found: D('a'), tagDigest: D('a') },
        { image: image('ms_chat', D('b')), found: undefined },
      ],
      `Production release v1.4.0 is blocked: the images deployment 17 recorded for v1.4.0-rc.2 are gone from the registry: ${HOST}/ms_chat@${D('b')} (deleted by hand or by a lifecycle policy?); release a new rc to staging, or set require-staging: tag.`,
    ],
    [
      'the rc tag moved',
      [{ image: image('ms_core', D('a')), found: D('a'), tagDigest: D('c') }],
      `the tag it promotes from does not name what staging ran (${HOST}/ms_core:v1.4.0-rc.2 now names ${D('c')}, the deployment ran ${D('a')}); put the tag back on the recorded digest, or give promote-from the digest.`,
    ],
    [
      'the rc tag deleted',
      [{ image: image('ms_core', D('a')), found: D('a'), tagDigest: undefined }],
      `${HOST}/ms_core:v1.4.0-rc.2 no longer exists, the deployment ran ${D('a')}`,
    ],
  ])('%s', (_what, lookups, expected) => {
    const refusal = judgeImages('v1.4.0', 'v1.4.0-rc.2', 17, lookups);
    if (expected === undefined) expect(refusal).toBeUndefined();
    else expect(refusal).toContain(expected);
  });
});

describe('checkStagingEvidence and findRecordedDeployments', () => {
  const rc2 = payload('v1.4.0-rc.2');
  const history: Array<[RecordedDeployment, RecordedStatus[]]> = [
    [deployment(30, payload('v1.5.0-rc.1')), [st('success')]],
    [deployment(29, rc2), [st('failure', 't29')]],
    [deployment(28, rc2), [st('inactive'), st('success')]],
    [deployment(27, rc2), [st('success')]],
    [deployment(26, undefined), [st('success')]],
  ];
  const ecr = fakeImages({ [`${HOST}/ms_core`]: { digests: [D('a')], tags: { 'v1.4.0-rc.2': D('a') } } });

  test('reads the statuses of the rc deployments only, stopping at the newest success', async () => {
    const records = fakeRecords(history);
    await expect(
      checkStagingEvidence('v1.4.0', 'v1.4.0-rc.2', 'staging', { records: async () => records, images: async () => ecr }),
    ).resolves.toEqual({
      environment: 'staging',
      deployment: 28,
      digests: { [`${HOST}/ms_core`]: D('a') },
      requests: 3,
    });
    expect(records.asked).toEqual(['list staging 1', 'statuses 29', 'statuses 28']);
  });

  test('pages until a short page, at most five', async () => {
    const many: Array<[RecordedDeployment, RecordedStatus[]]> = Array.from({ length: 12 }, (_, i) => [
      deployment(100 - i, payload('v9.0.0-rc.1')),
      [st('success')],
    ]);
    const records = fakeRecords(many, 2);
    // page size 2 in the fake, the reader's PAGE_SIZE is 100: the first short page ends it
    expect(await findRecordedDeployments(records, 'staging', 'v1.4.0-rc.2', true)).toEqual({ judged: [], scanned: 2 });
  });

  test('refusals name the missing evidence', async () => {
    const failedOnly = fakeRecords([[deployment(29, rc2), [st('failure', '2026-03-01T10:00:00Z')]]]);
    await expect(
      checkStagingEvidence('v1.4.0', 'v1.4.0-rc.2', 'staging', { records: async () => failedOnly, images: async () => ecr }),
    ).rejects.toThrow(
      'Production release v1.4.0 is blocked: v1.4.0-rc.2 has no successful deployment to staging (its deployment 29 ended failure at 2026-03-01T10:00:00Z); deploy v1.4.0-rc.2 to staging',
    );
    const gone = fakeImages({});
    await expect(
      checkStagingEvidence('v1.4.0', 'v1.4.0-rc.2', 'staging', { records: async () => fakeRecords(history), images: async () => gone }),
    ).rejects.toThrow('are gone from the registry');
  });
});

describe('the gate step with require-staging', () => {
  function stepEnv(tag: string, over: Record<string, string> = {}): Record<string, string> {
    const [, major, minor, patch, pre] = /^v(\d+)\.(\d+)\.(\d+)(?:-([a-z]+))?/.exec(tag)!;
    return {
      PROMOTE: 'auto',
      PROMOTE_FROM: '',
      MODE: 'push',
      SKIP_PUSH: 'false',
      CHECKOUT_PATH: '/c',
      TAG_PREFIX: 'v',
      TAG: tag,
      CHANNEL: pre ?? 'release',
      MAJOR: major!,
      MINOR: minor!,
      PATCH: patch!,
      ...over,
    };
  }
  const tags = (list: string[] | undefined) => ({ isCheckout: async () => list !== undefined, list: async () => list ?? [] });
  function io(
    env: Record<string, string>,
    rcTags: string[] | undefined,
    history: Array<[RecordedDeployment, RecordedStatus[]]>,
    ecr: ImageStore,
  ) {
    const written: Array<[string, string]> = [];
    const lines: string[] = [];
    const summaries: StepSummary[] = [];
    const records = fakeRecords(history);
    const value: StepIo = {
      env,
      tags: tags(rcTags),
      records: { records: async () => records, images: async () => ecr },
      setOutput: (n, v) => void written.push([n, v]),
      info: (l) => void lines.push(l),
      summary: (s) => void summaries.push(s),
    };
    return { value, written, lines, summaries, records };
  }
  const ecr = fakeImages({ [`${HOST}/ms_core`]: { digests: [D('a')], tags: { 'v1.4.0-rc.2': D('a') } } });
  const good: Array<[RecordedDeployment, RecordedStatus[]]> = [[deployment(28, payload('v1.4.0-rc.2')), [st('inactive'), st('success')]]];
  const failed: Array<[RecordedDeployment, RecordedStatus[]]> = [[deployment(29, payload('v1.4.0-rc.2')), [st('failure', 't')]]];

  test.each<
    [string, Record<string, string>, string[] | undefined, Array<[RecordedDeployment, RecordedStatus[]]>, Array<[string, string]> | string]
  >([
    [
      'deployment (the default): promotes with the evidence',
      { REQUIRE_STAGING: '' },
      ['v1.4.0-rc.1', 'v1.4.0-rc.2'],
      good,
      [
        ['mode', 'promote'],
        ['promote-from', 'v1.4.0-rc.2'],
        ['staging-deployment', '28'],
        ['digests', JSON.stringify({ [`${HOST}/ms_core`]: D('a') })],
      ],
    ],
    [
      'deployment: refused while the staging deployment failed',
      { REQUIRE_STAGING: 'deployment' },
      ['v1.4.0-rc.2'],
      failed,
      'v1.4.0-rc.2 has no successful deployment to staging (its deployment 29 ended failure at t)',
    ],
    [
      'another staging environment name',
      { REQUIRE_STAGING: 'deployment', STAGING_ENVIRONMENT: 'preprod' },
      ['v1.4.0-rc.2'],
      good,
      'has no successful deployment to preprod (none of the 0 newest preprod deployments',
    ],
    [
      'tag: the rc tag alone',
      { REQUIRE_STAGING: 'tag' },
      ['v1.4.0-rc.2'],
      failed,
      [
        ['mode', 'promote'],
        ['promote-from', 'v1.4.0-rc.2'],
      ],
    ],
    [
      'unset: the tag gate the bundle had',
      {},
      ['v1.4.0-rc.2'],
      failed,
      [
        ['mode', 'promote'],
        ['promote-from', 'v1.4.0-rc.2'],
      ],
    ],
    [
      'none: promotes the rc when there is one',
      { REQUIRE_STAGING: 'none' },
      ['v1.4.0-rc.2'],
      failed,
      [
        ['mode', 'promote'],
        ['promote-from', 'v1.4.0-rc.2'],
      ],
    ],
    [
      'none: pushes a rebuild when there is none',
      { REQUIRE_STAGING: 'none' },
      [],
      [],
      [
        ['mode', 'push'],
        ['promote-from', ''],
      ],
    ],
    [
      'none: outside a checkout too',
      { REQUIRE_STAGING: 'none' },
      undefined,
      [],
      [
        ['mode', 'push'],
        ['promote-from', ''],
      ],
    ],
    [
      "deployment: promote-from is the caller's choice, not checked",
      { REQUIRE_STAGING: 'deployment', PROMOTE_FROM: 'v1.4.0-rc.1' },
      ['v1.4.0-rc.2'],
      failed,
      [
        ['mode', 'promote'],
        ['promote-from', 'v1.4.0-rc.1'],
      ],
    ],
    [
      'deployment: an rc tag pushes, nothing to check',
      { REQUIRE_STAGING: 'deployment', TAG: 'v1.4.0-rc.3', CHANNEL: 'rc' },
      [],
      [],
      [
        ['mode', 'push'],
        ['promote-from', ''],
      ],
    ],
    [
      'an unknown require-staging',
      { REQUIRE_STAGING: 'always' },
      [],
      [],
      'Input "require-staging": is not a known value; expected one of `deployment`, `tag`, `none`. Got: always',
    ],
    [
      'a staging environment with a newline',
      { STAGING_ENVIRONMENT: 'staging\nx' },
      [],
      [],
      'Input "staging-environment": is not an environment name',
    ],
  ])('%s', async (_what, over, rcTags, history, expected) => {
    const r = io(stepEnv('v1.4.0', over), rcTags, history, ecr);
    if (typeof expected === 'string') {
      await expect(runStep(['gate'], r.value)).rejects.toThrow(expected);
      expect(r.written).toEqual([]);
    } else {
      await runStep(['gate'], r.value);
      expect(r.written).toEqual(expected);
    }
  });

  test('the log and the summary say what the evidence was', async () => {
    const r = io(stepEnv('v1.4.0', { REQUIRE_STAGING: 'deployment' }), ['v1.4.0-rc.2'], good, ecr);
    await runStep(['gate'], r.value);
    const evidence = `Evidence: v1.4.0-rc.2 succeeded in staging (deployment 28); its images are in ECR by the digests it recorded, and v1.4.0-rc.2 still names them: ${HOST}/ms_core@${D('a')}.`;
    expect(r.lines).toEqual([
      'Release gate: promoting v1.4.0-rc.2 by digest (newest release candidate of v1.4.0); no rebuild is pushed.',
      evidence,
    ]);
    expect(r.summaries[0]!.sections).toEqual([evidence]);
  });

  test('without services, deployment says so', async () => {
    const r = io(stepEnv('v1.4.0', { REQUIRE_STAGING: 'deployment' }), ['v1.4.0-rc.2'], good, ecr);
    delete r.value.records;
    await expect(runStep(['gate'], r.value)).rejects.toBeInstanceOf(ActionError);
  });

  test('readStagingPolicy and decideGate keep the tag policy by default', async () => {
    expect(readStagingPolicy({})).toEqual({ require: 'tag', environment: 'staging' });
    expect(readStagingPolicy({ REQUIRE_STAGING: '' })).toEqual({ require: 'deployment', environment: 'staging' });
    await expect(decideGate(readGateConfig(stepEnv('v1.4.0')), tags([]))).rejects.toThrow('no release candidate v1.4.0-rc.N');
  });
});
