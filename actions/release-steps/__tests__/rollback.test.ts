/**
 * The rollback target as tables: what runs now, what to go back to (the previous successful version,
 * or the one asked for), the schema version that stays (forward-only migrations), the refusals, and
 * the step's outputs for gitops-dispatch and record-deployment, with fake records and a fake ECR.
 */
import { describe, expect, test } from '@jest/globals';
import { DEPLOYMENT_PAYLOAD_VERSION, type DeploymentPayload, InputError, renderSummary, type StepSummary } from '@deploy-kit/core';

import type { Ended, Judged } from '../src/evidence.js';
import type { RecordedDeployment, RecordedStatus } from '../src/records.js';
import { chooseRollbackTarget, hasTarget, readHistory, readRollbackConfig, rollbackOutputs, schemaInPlace } from '../src/rollback.js';
import { runStep, type StepIo } from '../src/steps.js';
import { fakeImages, fakeRecords } from './fakes.js';

const D = (n: string) => `sha256:${n.repeat(64)}`;
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const DIGEST: Record<string, string> = { 'v1.3.0': D('3'), 'v1.4.0': D('4'), 'v1.5.0': D('5') };

function payload(tag: string, schema: string | null = null, digest: string | null = DIGEST[tag] ?? D('0')): DeploymentPayload {
  return {
    'deploy-kit': DEPLOYMENT_PAYLOAD_VERSION,
    tag,
    version: tag.slice(1),
    environment: 'production',
    images: [{ service: 'core', image: `${HOST}/ms_core`, digest, tags: [tag] }],
    s3: null,
    migration: schema ? { status: 'succeeded', job: null, 'exit-code': 0, 'schema-version': schema } : null,
    gitops: null,
    run: null,
  };
}
const dep = (id: number, p: DeploymentPayload | undefined): RecordedDeployment => ({
  id,
  environment: 'production',
  createdAt: '',
  description: '',
  payload: p,
});
const E = (outcome: Ended['outcome'], at = ''): Ended => ({ outcome, at, description: '' });
const j = (id: number, tag: string, outcome: Ended['outcome'], schema: string | null = null): Judged => ({
  deployment: dep(id, payload(tag, schema)),
  ended: E(outcome),
});

describe('chooseRollbackTarget', () => {
  const history = [j(40, 'v1.5.0', 'success', '202603'), j(30, 'v1.4.0', 'success', '202602'), j(20, 'v1.3.0', 'success', '202601')];
  test.each<[string, Judged[], string, [string, number, string | null]]>([
    ['the previous successful version', history, '', ['v1.5.0', 30, '202603']],
    [
      'a newest release that failed: back to the last good one',
      [j(41, 'v1.5.1', 'failure', '202604'), ...history],
      '',
      ['v1.5.1', 40, '202604'],
    ],
    [
      'skips earlier deployments of the running version',
      [j(40, 'v1.5.0', 'success'), j(35, 'v1.5.0', 'success'), j(30, 'v1.4.0', 'success')],
      '',
      ['v1.5.0', 30, null],
    ],
    ['a version asked for, as a tag', history, 'v1.3.0', ['v1.5.0', 20, '202603']],
    ['a version asked for, bare', history, '1.3.0', ['v1.5.0', 20, '202603']],
    [
      'the newest successful deployment of the version asked for',
      [j(40, 'v1.5.0', 'success'), j(31, 'v1.4.0', 'failure'), j(30, 'v1.4.0', 'success')],
      'v1.4.0',
      ['v1.5.0', 30, null],
    ],
    [
      'an earlier rollback to v1.4.0 counts as a v1.4.0 deployment',
      [j(50, 'v1.4.0', 'success'), j(40, 'v1.5.0', 'success'), j(30, 'v1.4.0', 'success')],
      '',
      ['v1.4.0', 40, null],
    ],
  ])('%s', (_what, list, version, [from, target, schema]) => {
    const plan = chooseRollbackTarget({ environment: 'production', version }, list, list.length);
    expect([plan.from!.deployment.payload!.tag, plan.target.deployment.id, plan.schema.version]).toEqual([from, target, schema]);
  });

  test.each<[string, Judged[], string, string]>([
    [
      'nothing recorded',
      [],
      '',
      'Rollback of production refused: there is no earlier successful deployment to go back to; no deployment of production is recorded, and none of the 0 newest production deployments records a successful one of another version.',
    ],
    [
      'only the running version',
      [j(40, 'v1.5.0', 'success'), j(30, 'v1.5.0', 'success')],
      '',
      'production runs v1.5.0 (deployment 40, which ended success)',
    ],
    [
      'a version never deployed there',
      history,
      'v1.2.0',
      'Rollback of production to v1.2.0 refused: none of the 3 newest production deployments records v1.2.0; production runs v1.5.0 (deployment 40, which ended success).',
    ],
    [
      'a version whose deployment failed',
      [j(40, 'v1.5.0', 'success'), { ...j(30, 'v1.4.0', 'failure'), ended: E('failure', '2026-03-01T10:00:00Z') }],
      'v1.4.0',
      'Rollback of production to v1.4.0 refused: it has no successful deployment there to go back to (its deployment 30 ended failure at 2026-03-01T10:00:00Z)',
    ],
    [
      'the version running now',
      history,
      'v1.5.0',
      'Rollback of production to v1.5.0 refused: production runs v1.5.0 (deployment 40, which ended success), so there is nothing to roll back.',
    ],
    [
      'a target that recorded no digest',
      [j(40, 'v1.5.0', 'success'), { deployment: dep(30, payload('v1.4.0', null, null)), ended: E('success') }],
      '',
      `its deployment 30 recorded no digest for ${HOST}/ms_core`,
    ],
  ])('refuses %s', (_what, list, version, message) => {
    expect(() => chooseRollbackTarget({ environment: 'production', version }, list, list.length)).toThrow(message);
  });

  test('schemaInPlace: the newest recorded, whatever the outcome', () => {
    expect(schemaInPlace([j(41, 'v1.5.1', 'failure'), j(40, 'v1.5.0', 'success', '202603')])).toEqual({
      version: '202603',
      deployment: 40,
      tag: 'v1.5.0',
    });
    expect(schemaInPlace([j(41, 'v1.5.1', 'failure')])).toEqual({ version: null });
  });

  test('outputs for gitops-dispatch and record-deployment', () => {
    expect(rollbackOutputs(chooseRollbackTarget({ environment: 'production', version: '' }, history, 3))).toEqual({
      tag: 'v1.4.0',
      version: '1.4.0',
      from: 'v1.5.0',
      'target-deployment': '30',
      projects: 'ms_core',
      artifacts: JSON.stringify({ digests: { [`${HOST}/ms_core:v1.4.0`]: D('4') } }),
      'schema-version': '202603',
      description: 'Rollback of production from v1.5.0 to v1.4.0; schema 202603 stays, no migration',
    });
  });
});

describe('readRollbackConfig', () => {
  test.each<[Record<string, string>, string]>([
    [{}, 'Input "environment": is required'],
    [{ ENVIRONMENT: 'prod\nx' }, 'Input "environment": is not an environment name'],
    [{ ENVIRONMENT: 'production', VERSION: 'v1.4.0\nmode=x' }, 'Input "version": is not a version or tag'],
  ])('refuses %j', (env, message) => {
    expect(() => readRollbackConfig(env)).toThrow(InputError);
    expect(() => readRollbackConfig(env)).toThrow(message);
  });
  test('accepts an environment and an optional version', () => {
    expect(readRollbackConfig({ ENVIRONMENT: 'production' })).toEqual({ environment: 'production', version: '' });
    expect(readRollbackConfig({ ENVIRONMENT: 'production', VERSION: 'orders/v1.4.0' })).toEqual({
      environment: 'production',
      version: 'orders/v1.4.0',
    });
  });
});

describe('the rollback-target step', () => {
  const st = (state: string): RecordedStatus => ({ state, createdAt: '2026-03-01T10:00:00Z', description: '' });
  const records: Array<[RecordedDeployment, RecordedStatus[]]> = [
    [dep(40, payload('v1.5.0', '202603')), [st('success')]],
    [dep(35, undefined), [st('success')]],
    [dep(30, payload('v1.4.0', '202602')), [st('inactive'), st('success')]],
    [dep(20, payload('v1.3.0')), [st('inactive'), st('success')]],
  ];
  function io(env: Record<string, string>, held: Parameters<typeof fakeImages>[0]) {
    const written: Record<string, string> = {};
    const lines: string[] = [];
    const summaries: StepSummary[] = [];
    const fake = fakeRecords(records);
    const value: StepIo = {
      env,
      tags: { isCheckout: async () => true, list: async () => [] },
      records: { records: async () => fake, images: async () => fakeImages(held) },
      setOutput: (n, v) => void (written[n] = v),
      info: (l) => void lines.push(l),
      summary: (s) => void summaries.push(s),
    };
    return { value, written, lines, summaries, fake };
  }
  const ecr = {
    [`${HOST}/ms_core`]: { digests: [D('3'), D('4'), D('5')], tags: { 'v1.3.0': D('3'), 'v1.4.0': D('4'), 'v1.5.0': D('5') } },
  };

  test('the previous version: outputs, log and summary; statuses read only until two successes', async () => {
    const r = io({ ENVIRONMENT: 'production' }, ecr);
    await runStep(['rollback-target'], r.value);
    expect(r.written).toMatchObject({ tag: 'v1.4.0', from: 'v1.5.0', 'schema-version': '202603', 'target-deployment': '30' });
    expect(r.lines).toEqual([
      `Rollback of production from v1.5.0 to v1.4.0; schema 202603 stays, no migration: v1.4.0 (deployment 30), images ${HOST}/ms_core@${D('4')} still in the registry.`,
    ]);
    expect(renderSummary(r.summaries[0]!)).toContain('| schema version | 202603 (recorded by deployment 40 of v1.5.0) stays in place |');
    expect(r.fake.asked).toEqual(['list production 1', 'statuses 40', 'statuses 30', 'statuses 20']);
  });

  test.each<[string, Record<string, string>, Parameters<typeof fakeImages>[0], string]>([
    [
      'its image is gone',
      { ENVIRONMENT: 'production' },
      { [`${HOST}/ms_core`]: { digests: [D('5')], tags: { 'v1.5.0': D('5') } } },
      `Rollback of production to v1.4.0 refused: its images are gone from the registry: ${HOST}/ms_core@${D('4')}.`,
    ],
    [
      'its tag was moved',
      { ENVIRONMENT: 'production', VERSION: 'v1.3.0' },
      { [`${HOST}/ms_core`]: { digests: [D('3')], tags: { 'v1.3.0': D('9') } } },
      `its tag does not name what it ran: ${HOST}/ms_core:v1.3.0 now names ${D('9')}, the deployment ran ${D('3')}.`,
    ],
  ])('refused: %s, nothing written', async (_what, env, held, message) => {
    const r = io(env, held);
    await expect(runStep(['rollback-target'], r.value)).rejects.toThrow(message);
    expect(r.written).toEqual({});
  });

  test('readHistory pages on until the target is among what was read', async () => {
    const many: Array<[RecordedDeployment, RecordedStatus[]]> = [
      [dep(40, payload('v1.5.0')), [st('success')]],
      [dep(39, payload('v1.5.0')), [st('success')]],
      [dep(30, payload('v1.4.0')), [st('success')]],
    ];
    const pagesOf = (records: ReturnType<typeof fakeRecords>) => records.asked.filter((a) => a.startsWith('list'));
    // pages of 2: the first holds only v1.5.0, so the second is read, and no third
    const paged = fakeRecords([...many, [dep(20, payload('v1.3.0')), [st('success')]]], 2);
    const { history } = await readHistory(paged, 'production', (h) => hasTarget(h, ''), 2);
    expect([history.map((h) => h.deployment.id), pagesOf(paged)]).toEqual([
      [40, 39, 30, 20],
      ['list production 1', 'list production 2'],
    ]);
    // the version asked for is found on the first page: one page
    const once = fakeRecords(many, 2);
    await readHistory(once, 'production', (h) => hasTarget(h, 'v1.5.0'), 2);
    expect(pagesOf(once)).toEqual(['list production 1']);
  });

  test('hasTarget', () => {
    const h = [j(40, 'v1.5.0', 'success'), j(30, 'v1.4.0', 'failure')];
    expect([hasTarget(h, ''), hasTarget([...h, j(20, 'v1.3.0', 'success')], ''), hasTarget(h, '1.5.0'), hasTarget(h, 'v1.4.0')]).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  test('readHistory skips deployments another tool made', async () => {
    const { history, scanned } = await readHistory(fakeRecords(records), 'production');
    expect([history.map((h) => h.deployment.id), scanned]).toEqual([[40, 30, 20], 4]);
  });
});
