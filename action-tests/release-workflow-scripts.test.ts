// The reusable workflows' own steps and shape (issue 16, items 5 and 6), without act:
//
// - release/aws-credentials.sh: exactly one source of AWS credentials (role, static keys, the runner's);
// - release/release-name.sh: what a run releases: a tag as it is, a branch of `branch-environments` as
//   `<branch>-<sha7>` of the pushed commit, never production from a branch, never a pull request;
// - release/notification.mjs: both image sets' outputs merged, and the Slack payload built as data;
// - the workflows: every input of the release composite is passed or listed in the README as left out
//   (with the reason), the Slack action pinned by the same SHA install-tools fetches, the notify job
//   holding nothing but the webhook, and deploy-kit's code never named by its public repository.
// The end-to-end runs of the same under act are in release-workflows-act.test.ts.
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from './harness.js';
import {
  buildNotification,
  digestLines,
  escapeSlack,
  mergeOutputs,
  parseRecord,
  rollbackText,
  ecsText,
  verificationText,
} from '../release/notification.mjs';

type Step = { id?: string; if?: string; uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, string> };
type Job = {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  environment?: string;
  env?: Record<string, string>;
  steps: Step[];
};
type Workflow = { on: { workflow_call: { inputs: Record<string, unknown>; secrets: Record<string, unknown> } }; jobs: Record<string, Job> };
const workflow = (file: string) => parseYaml(readFileSync(join(REPO_ROOT, '.github/workflows', file), 'utf8')) as Workflow;

/** Runs a release/ script with only `env` (and PATH), and a fresh GITHUB_OUTPUT; returns its outputs. */
function runScript(command: string[], env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-kit-wf-'));
  const output = join(dir, 'output');
  try {
    const r = spawnSync(command[0]!, command.slice(1), {
      env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, ...env },
      encoding: 'utf8',
    });
    let text = '';
    try {
      text = readFileSync(output, 'utf8');
    } catch {
      // no outputs written
    }
    const outputs: Record<string, string> = {};
    for (const m of text.matchAll(/^([\w-]+)<<(ghadelimiter_[0-9a-f]{32})\n([\s\S]*?)\n\2\n/gm)) outputs[m[1]!] = m[3]!;
    return { status: r.status, out: r.stdout + r.stderr, outputs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('release/aws-credentials.sh: exactly one source of AWS credentials', () => {
  const aws = (env: Record<string, string>) => runScript(['bash', join(REPO_ROOT, 'release/aws-credentials.sh')], env);
  test.each([
    [{ ROLE: 'arn:aws:iam::123456789012:role/release' }, 'role'],
    [{ HAS_ACCESS_KEY_ID: 'true', HAS_SECRET_ACCESS_KEY: 'true' }, 'keys'],
    [{ FROM_RUNNER: 'true', HAS_ACCESS_KEY_ID: 'false', HAS_SECRET_ACCESS_KEY: 'false' }, 'runner'],
  ])('%j → source %s', (env, source) => {
    const r = aws(env);
    expect([r.status, r.outputs]).toEqual([0, { source }]);
  });
  test.each([
    [{}, 'No AWS credentials: give exactly one of aws-role-arn'],
    [{ HAS_ACCESS_KEY_ID: 'false', HAS_SECRET_ACCESS_KEY: 'false', FROM_RUNNER: 'false' }, 'No AWS credentials'],
    [
      { ROLE: 'arn:aws:iam::1:role/r', HAS_ACCESS_KEY_ID: 'true', HAS_SECRET_ACCESS_KEY: 'true' },
      'More than one source of AWS credentials: aws-role-arn (arn:aws:iam::1:role/r), the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY secrets.',
    ],
    [
      { ROLE: 'arn:aws:iam::1:role/r', FROM_RUNNER: 'true' },
      'More than one source of AWS credentials: aws-role-arn (arn:aws:iam::1:role/r), aws-credentials-from-runner.',
    ],
    [
      { HAS_ACCESS_KEY_ID: 'true', HAS_SECRET_ACCESS_KEY: 'false' },
      'Static AWS keys are incomplete: the AWS_SECRET_ACCESS_KEY secret is empty or not passed.',
    ],
    [
      { HAS_ACCESS_KEY_ID: 'false', HAS_SECRET_ACCESS_KEY: 'true', ROLE: 'arn:aws:iam::1:role/r' },
      'Static AWS keys are incomplete: the AWS_ACCESS_KEY_ID secret',
    ],
  ])('%j → refused: %s', (env, message) => {
    const r = aws(env);
    expect([r.status, r.out, r.outputs]).toEqual([1, expect.stringContaining(`::error title=AWS credentials::${message}`), {}]);
  });
});

describe('release/release-name.sh: what a run releases', () => {
  const SHA = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
  const name = (env: Record<string, string>) =>
    runScript(['bash', join(REPO_ROOT, 'release/release-name.sh')], { GITHUB_SHA: SHA, ...env });
  test('a tag: itself, checked out by the ref input or the triggering ref, as before branch builds', () => {
    expect(name({ REF_TYPE: 'tag', TAG: 'v1.2.3-rc.1', ENVIRONMENT: 'staging', GITHUB_REF: 'refs/tags/v1.2.3-rc.1' }).outputs).toEqual({
      tag: 'v1.2.3-rc.1',
      environment: 'staging',
      ref: 'v1.2.3-rc.1',
      'checkout-ref': 'refs/tags/v1.2.3-rc.1',
    });
    expect(
      name({ REF_TYPE: 'tag', TAG: 'v1.2.3', ENVIRONMENT: 'production', INPUT_REF: 'v1.2.3', GITHUB_REF: 'refs/heads/main' }).outputs[
        'checkout-ref'
      ],
    ).toBe('v1.2.3');
  });
  test('a branch of branch-environments: <branch>-<sha7> of the pushed commit, the branch ref for the composite', () => {
    const r = name({
      REF_TYPE: 'branch',
      VERSION: 'main-0a1b2c3',
      ENVIRONMENT: 'staging',
      IS_PRODUCTION: 'false',
      GITHUB_REF: 'refs/heads/main',
    });
    expect([r.status, r.outputs]).toEqual([
      0,
      { tag: 'main-0a1b2c3', environment: 'staging', ref: 'refs/heads/main', 'checkout-ref': SHA },
    ]);
    expect(r.out).toContain(`Branch build main-0a1b2c3 of main at ${SHA} for staging.`);
  });
  test.each([
    [
      { REF_TYPE: 'branch', VERSION: 'develop-0a1b2c3', ENVIRONMENT: '', GITHUB_REF: 'refs/heads/develop' },
      'Branch develop deploys nowhere: release.yml releases tags, and pushes to the branches named in branch-environments (e.g. branch-environments: main=staging)',
    ],
    [
      { REF_TYPE: 'branch', VERSION: 'main-0a1b2c3', ENVIRONMENT: 'production', IS_PRODUCTION: 'true', GITHUB_REF: 'refs/heads/main' },
      'Branch main resolves to production, the production environment',
    ],
    [
      {
        REF_TYPE: 'branch',
        VERSION: 'main-0a1b2c3',
        ENVIRONMENT: 'staging',
        IS_PRODUCTION: 'false',
        GITHUB_REF: 'refs/heads/main',
        INPUT_REF: 'refs/heads/other',
      },
      'Input "ref": is refs/heads/other, a branch; a branch build releases only the commit that was pushed',
    ],
    [
      { REF_TYPE: 'pr', VERSION: 'pr-42-0a1b2c3', ENVIRONMENT: 'development', GITHUB_REF: 'refs/pull/42/merge' },
      'release.yml does not deploy pull requests',
    ],
  ])('%j → refused: %s', (env, message) => {
    const r = name(env);
    expect([r.status, r.out, r.outputs]).toEqual([1, expect.stringContaining(`::error title=release::${message}`), {}]);
  });
  test("a branch build whose rule names another environment than the caller's is still refused by the environment check", () => {
    const named = name({
      REF_TYPE: 'branch',
      VERSION: 'main-0a1b2c3',
      ENVIRONMENT: 'development',
      IS_PRODUCTION: 'false',
      GITHUB_REF: 'refs/heads/main',
    }).outputs;
    const r = runScript(['bash', join(REPO_ROOT, 'release/environment-check.sh')], {
      EXPECTED: 'staging',
      TAG: named.tag!,
      ENVIRONMENT: named.environment!,
    });
    expect([r.status, r.out]).toEqual([1, expect.stringContaining("staging's credentials would deploy to development")]);
  });
  test('release.yml runs it between parse-version and the environment check; promote.yml keeps tags only', () => {
    const steps = workflow('release.yml').jobs.plan!.steps;
    const at = steps.findIndex((s) => s.id === 'v');
    expect([steps[at - 1]!.id, steps[at - 1]!.uses, steps[at]!.run, steps[at + 1]!.run]).toEqual([
      'parsed',
      './.deploy-kit/parse-version',
      'bash .deploy-kit/release/release-name.sh',
      'bash .deploy-kit/release/environment-check.sh',
    ]);
    expect(Object.keys(workflow('promote.yml').on.workflow_call.inputs)).not.toContain('branch-environments');
  });
});

describe('release/notification.mjs', () => {
  const H = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
  const D1 = `sha256:${'1'.repeat(64)}`;
  const D2 = `sha256:${'2'.repeat(64)}`;
  test("mergeOutputs: both sets' references once each (main set first) and one digests object", () => {
    expect(
      mergeOutputs({
        images: `${H}/ms_core:v1\n${H}/ms_core:sha-0a1b2c3`,
        digests: JSON.stringify({ [`${H}/ms_core:v1`]: D1 }),
        cliImages: `${H}/cli_deployer:v1\n${H}/ms_core:v1`,
        cliDigests: JSON.stringify({ [`${H}/cli_deployer:v1`]: D2 }),
      }),
    ).toEqual({
      images: `${H}/ms_core:v1\n${H}/ms_core:sha-0a1b2c3\n${H}/cli_deployer:v1`,
      digests: JSON.stringify({ [`${H}/ms_core:v1`]: D1, [`${H}/cli_deployer:v1`]: D2 }),
    });
    expect(mergeOutputs({})).toEqual({ images: '', digests: '' });
    expect(() => mergeOutputs({ digests: '[1]' })).toThrow('DIGESTS is not a JSON object');
  });
  test('digestLines: one line per image and digest, its tags together, without the registry host', () => {
    expect(
      digestLines({
        [`${H}/ms_core:v1`]: D1,
        [`${H}/ms_core:sha-0a1b2c3`]: D1,
        [`${H}/cli_deployer:v1`]: D2,
        [`127.0.0.1:5000/team/ms_x:v1`]: D2,
      }),
    ).toEqual([`cli_deployer@${D2} (v1)`, `ms_core@${D1} (v1, sha-0a1b2c3)`, `team/ms_x@${D2} (v1)`]);
  });
  test("buildNotification: the release's fields; verification and rollback only when given; every value escaped", () => {
    const base = {
      result: 'success',
      workflow: 'release.yml',
      environment: 'staging',
      name: 'v1.2.3-rc.1',
      digests: { [`${H}/ms_core:v1.2.3-rc.1`]: D1 },
      gitopsRunUrl: 'https://github.com/example-org/gitops-staging/actions/runs/7',
      gitopsConclusion: 'success',
      migration: 'succeeded',
      serverUrl: 'https://github.com',
      repository: 'example-org/app',
      runId: '42',
    };
    const payload = buildNotification(base);
    expect(payload.text).toBe('example-org/app release v1.2.3-rc.1 to staging: success');
    expect(payload.blocks[0].text.text).toBe(':white_check_mark: example-org/app release v1.2.3-rc.1 to *staging*: *success*');
    expect(payload.blocks[1].fields.map((f: { text: string }) => f.text)).toEqual([
      '*Environment*\nstaging',
      '*Version*\nv1.2.3-rc.1',
      '*Result*\nsuccess',
      '*Migration*\nsucceeded',
      '*GitOps run*\n<https://github.com/example-org/gitops-staging/actions/runs/7|success>',
    ]);
    expect(payload.blocks[2].text.text).toBe(`*Images*\n\`\`\`ms_core@${D1} (v1.2.3-rc.1)\`\`\``);
    expect(payload.blocks[3].elements[0].text).toBe('<https://github.com/example-org/app/actions/runs/42|workflow run>');
    // The deployment record's fields (record-deployment), once the workflow passes them.
    const recorded = buildNotification({
      ...base,
      result: 'failure',
      verification: 'failure: https://staging.example.com/health answered 503',
      rollback: 'v1.2.3 → v1.2.2',
      promotedFrom: 'v1.2.3-rc.1',
    });
    expect(recorded.blocks[0].text.text.startsWith(':x: ')).toBe(true);
    expect(recorded.blocks[1].fields.map((f: { text: string }) => f.text.split('\n')[0])).toEqual([
      '*Environment*',
      '*Version*',
      '*Result*',
      '*Promoted from*',
      '*Migration*',
      '*GitOps run*',
      '*Verification*',
      '*Rollback*',
    ]);
    expect(recorded.blocks[1].fields.at(-1).text).toBe('*Rollback*\nv1.2.3 → v1.2.2');
    // A name or URL cannot add markup or a link of its own.
    const hostile = buildNotification({
      ...base,
      name: '<https://evil.example|click> & co',
      gitopsRunUrl: 'javascript:alert(1)',
      gitopsConclusion: '<b>',
    });
    expect(hostile.blocks[1].fields[1].text).toBe('*Version*\n&lt;https://evil.example|click&gt; &amp; co');
    expect(hostile.blocks[1].fields.at(-1).text).toBe('*GitOps run*\n&lt;b&gt;');
    expect(escapeSlack('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });
  // issue 16: the Verification and Rollback fields come from the deployment record (record-deployment's json).
  test('verificationText/rollbackText: one line per verified URL; the rollback from the payload; empty when there is none', () => {
    const record = {
      verification: [
        { url: 'https://staging.example.com/health', ok: true, attempts: 3, status: 200, version: '1.2.3-rc.1', problem: null },
        { url: 'https://api.staging.example.com/ping', ok: true, attempts: 1, status: 204, version: null, problem: null },
        {
          url: 'https://admin.staging.example.com/health',
          ok: false,
          attempts: 5,
          status: 200,
          version: '1.2.2',
          problem: 'answered HTTP 200 with version 1.2.2, not v1.2.3-rc.1 or 1.2.3-rc.1',
        },
      ],
    };
    expect(verificationText(record).split('\n')).toEqual([
      'success: https://staging.example.com/health answered 1.2.3-rc.1',
      'success: https://api.staging.example.com/ping answered HTTP 204',
      'failure: https://admin.staging.example.com/health answered HTTP 200 with version 1.2.2, not v1.2.3-rc.1 or 1.2.3-rc.1',
    ]);
    expect([verificationText({ verification: [] }), verificationText(undefined)]).toEqual(['', '']);
    expect(rollbackText({ payload: { tag: 'v1.2.2', 'rolled-back-from': 'v1.2.3' } })).toBe('v1.2.3 → v1.2.2');
    expect(rollbackText({ payload: { tag: 'v1.2.3' } })).toBe('');
    expect([parseRecord(''), parseRecord('not json'), parseRecord('[1]'), parseRecord('{"a":1}')]).toEqual([
      undefined,
      undefined,
      undefined,
      { a: 1 },
    ]);
    const r = runScript([process.execPath, join(REPO_ROOT, 'release/notification.mjs')], {
      RESULT: 'failure',
      ENVIRONMENT: 'staging',
      NAME: 'v1.2.3-rc.1',
      DEPLOYMENT: JSON.stringify(record),
    });
    const fields = (JSON.parse(r.outputs.notification!) as { blocks: Array<{ fields?: Array<{ text: string }> }> }).blocks[1]!.fields!.map(
      (f) => f.text,
    );
    expect(fields.at(-1)).toBe(`*Verification*\n${verificationText(record)}`);
  });
  test("the digests block stays within Slack's 3000 characters and says how many it left out", () => {
    const digests = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`${H}/ms_service${i}:v1`, D1]));
    const text = buildNotification({ result: 'success', name: 'v1', environment: 'staging', digests }).blocks[2].text.text as string;
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text).toMatch(/\n… and \d+ more$/);
  });
  test('run by the release job: writes images, digests and the one-line payload in the delimiter form', () => {
    const r = runScript([process.execPath, join(REPO_ROOT, 'release/notification.mjs')], {
      RESULT: 'success',
      WORKFLOW: 'promote.yml',
      ENVIRONMENT: 'production',
      NAME: 'v1.2.3',
      IMAGES: `${H}/ms_core:v1.2.3`,
      DIGESTS: JSON.stringify({ [`${H}/ms_core:v1.2.3`]: D1 }),
      PROMOTED_FROM: 'v1.2.3-rc.1',
      GITHUB_REPOSITORY: 'example-org/app',
    });
    expect([r.status, Object.keys(r.outputs)]).toEqual([0, ['images', 'digests', 'notification']]);
    expect(r.outputs.notification).not.toContain('\n');
    expect(JSON.parse(r.outputs.notification!).text).toBe('example-org/app promotion v1.2.3 to production: success');
    const bad = runScript([process.execPath, join(REPO_ROOT, 'release/notification.mjs')], { DIGESTS: 'not json' });
    expect([bad.status, bad.out]).toEqual([1, expect.stringContaining('::error title=release outputs::')]);
  });
});

describe('the reusable workflows fit real callers', () => {
  const composite = parseYaml(readFileSync(join(REPO_ROOT, 'release/action.yml'), 'utf8')) as { inputs: Record<string, unknown> };
  const readme = readFileSync(join(REPO_ROOT, 'release/README.md'), 'utf8');
  /** The composite inputs release/README.md lists as left out by `file`, with the count in its prose. */
  function leftOut(file: string): { names: string[]; section: string } {
    const start = readme.indexOf(`#### Composite inputs \`${file}\` does not take`);
    const section = readme.slice(start).split('\n### ')[0]!.split('\n#### ')[0]!;
    const names = section
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .flatMap((l) => [...l.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    return { names: [...new Set(names)], section };
  }
  test.each(['release.yml', 'promote.yml'])('%s passes every input of the release composite, or the README says why not', (file) => {
    const passed = Object.keys(workflow(file).jobs.release!.steps.find((s) => s.id === 'release')!.with!);
    const missing = Object.keys(composite.inputs).filter((i) => !passed.includes(i));
    const listed = leftOut(file);
    expect(missing.sort()).toEqual(listed.names.sort());
    expect(listed.section).toContain(`passes ${passed.length} of the composite's ${Object.keys(composite.inputs).length} inputs through`);
    expect(passed.filter((i) => !(i in composite.inputs))).toEqual([]);
  });

  test.each(['release.yml', 'promote.yml'])('%s: Slack only through the notify job, which holds nothing but the webhook', (file) => {
    const wf = workflow(file);
    const notify = wf.jobs.notify!;
    expect([notify.permissions, notify.environment, notify.if, notify.env]).toEqual([
      {},
      undefined,
      '${{ always() }}',
      { SLACK_CONFIGURED: "${{ secrets.SLACK_WEBHOOK_URL != '' }}" },
    ]);
    expect(notify.steps).toHaveLength(1);
    const step = notify.steps[0]!;
    const pinned = /^SLACK_ACTION_VERSION=([0-9a-f]{40})$/m.exec(readFileSync(join(REPO_ROOT, '.ci/install-tools'), 'utf8'))![1];
    expect([step.if, step.uses, step.with!.webhook, step.with!['webhook-type'], step.with!['payload-templated']]).toEqual([
      "env.SLACK_CONFIGURED == 'true'",
      `slackapi/slack-github-action@${pinned}`,
      '${{ secrets.SLACK_WEBHOOK_URL }}',
      'incoming-webhook',
      undefined,
    ]);
    expect(step.with!.payload).toMatch(
      /^\$\{\{ \(needs\.release\.result != 'skipped' && needs\.release\.outputs\.notification\) \|\| format\('\{\{"text":\{0\}\}\}', toJSON\(format\(/,
    );
    // Nowhere else: not in the release job, beside the AWS credentials, kubeconfig and token.
    const uses = Object.entries(wf.jobs).flatMap(([id, job]) => job.steps.filter((s) => s.uses?.startsWith('slackapi/')).map(() => id));
    expect(uses).toEqual(['notify']);
  });

  test.each(['release.yml', 'promote.yml'])(
    "%s: deploy-kit's code comes from the checkout of the repository it was called from, never a hard-coded one",
    (file) => {
      const wf = workflow(file);
      const text = readFileSync(join(REPO_ROOT, '.github/workflows', file), 'utf8');
      expect(text).not.toMatch(/^\s*-?\s*uses:\s*[\w.-]+\/deploy-kit\b/m);
      for (const [id, job] of Object.entries(wf.jobs)) {
        for (const step of job.steps) {
          if (step.uses?.includes('deploy-kit')) expect([id, step.uses]).toEqual([id, expect.stringMatching(/^\.\/\.deploy-kit\//)]);
          if (step.with?.path === '.deploy-kit') {
            // The token for a private copy in plan and release; the build job (the caller's code) gets no secret.
            const token = id === 'build' ? undefined : '${{ secrets.DEPLOY_KIT_TOKEN || github.token }}';
            expect([id, step.with.repository, step.with.ref, step.with.token]).toEqual([
              id,
              expect.stringMatching(/deploy-kit-repository|steps\.source\.outputs\.repository/),
              expect.stringMatching(/deploy-kit-sha|steps\.source\.outputs\.sha/),
              token,
            ]);
          }
        }
      }
    },
  );

  test('release.yml with a private copy: the build job takes the pack scripts from the plan job, never the token', () => {
    const wf = workflow('release.yml');
    expect([wf.jobs.plan!.env, (wf.jobs.plan as unknown as { outputs: Record<string, string> }).outputs['deploy-kit-private']]).toEqual([
      { DEPLOY_KIT_PRIVATE: "${{ secrets.DEPLOY_KIT_TOKEN != '' }}" },
      '${{ env.DEPLOY_KIT_PRIVATE }}',
    ]);
    const upload = wf.jobs.plan!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect([upload.if, upload.with!.name, upload.with!.path]).toEqual([
      "env.DEPLOY_KIT_PRIVATE == 'true' && inputs.build-command != ''",
      'deploy-kit-pack-${{ steps.source.outputs.sha }}',
      '.deploy-kit/release/build-output.sh\n.deploy-kit/release/lib.sh\n',
    ]);
    const steps = wf.jobs.build!.steps;
    const build = steps.findIndex((s) => (s as { name?: string }).name === 'Build');
    const checkout = steps.findIndex((s) => s.with?.path === '.deploy-kit');
    const download = steps.findIndex((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect([build < checkout, build < download, steps[checkout]!.if, steps[download]!.if, steps[download]!.with]).toEqual([
      true,
      true,
      "needs.plan.outputs.deploy-kit-private != 'true'",
      "needs.plan.outputs.deploy-kit-private == 'true'",
      { name: 'deploy-kit-pack-${{ needs.plan.outputs.deploy-kit-sha }}', path: '.deploy-kit/release' },
    ]);
    expect(JSON.stringify(wf.jobs.build)).not.toContain('secrets.');
  });

  test.each(['release.yml', 'promote.yml'])(
    "%s: the AWS credential step decides in the release job (the environment's secrets), before any AWS action",
    (file) => {
      const steps = workflow(file).jobs.release!.steps;
      const aws = steps.findIndex((s) => s.id === 'aws');
      const configure = steps.map((s, i) => (s.uses?.startsWith('aws-actions/configure-aws-credentials@') ? i : -1)).filter((i) => i >= 0);
      const firstRelease = steps.findIndex((s) => s.uses === './.deploy-kit/release');
      expect(configure.map((i) => steps[i]!.if)).toEqual(["steps.aws.outputs.source == 'role'", "steps.aws.outputs.source == 'keys'"]);
      expect(aws).toBeGreaterThan(-1);
      expect(configure.every((i) => i > aws && i < firstRelease)).toBe(true);
      expect(steps[configure[1]!]!.with).toEqual({
        'aws-access-key-id': '${{ secrets.AWS_ACCESS_KEY_ID }}',
        'aws-secret-access-key': '${{ secrets.AWS_SECRET_ACCESS_KEY }}',
        'aws-region': '${{ inputs.aws-region }}',
      });
      expect(Object.keys(workflow(file).on.workflow_call.secrets)).toEqual(
        expect.arrayContaining(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'DEPLOY_KIT_TOKEN', 'SLACK_WEBHOOK_URL']),
      );
    },
  );
});

test('ecsText: the ECS deploy from the payload (service, revision, rollout, the revision replaced, a rollback); empty without one (issue 19)', () => {
  const arn = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/myapp-production-task:${n}`;
  const record = (ecs: unknown) => ({ payload: { tag: 'v1.0.1', ecs } });
  expect(
    ecsText(
      record({
        service: 'myapp-production-service',
        'task-definition-arn': arn(43),
        'rollout-state': 'COMPLETED',
        'previous-task-definition-arn': arn(42),
        'rolled-back': false,
      }),
    ),
  ).toBe('myapp-production-service: myapp-production-task:43 (COMPLETED), was myapp-production-task:42');
  expect(
    ecsText(
      record({
        service: 'svc',
        'task-definition-arn': arn(7),
        'rollout-state': 'FAILED',
        'previous-task-definition-arn': arn(6),
        'rolled-back': true,
      }),
    ),
  ).toBe('svc: myapp-production-task:7 (FAILED), was myapp-production-task:6, rolled back');
  expect([ecsText(record(undefined)), ecsText(record({ service: 'svc', 'task-definition-arn': null })), ecsText(undefined)]).toEqual([
    '',
    '',
    '',
  ]);
  const message = JSON.stringify(
    buildNotification({ result: 'success', name: 'v1.0.1', environment: 'production', ecs: 'svc: task:43 (COMPLETED)' }),
  );
  expect(message).toContain('*ECS*\\nsvc: task:43 (COMPLETED)');
});
