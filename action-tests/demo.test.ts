// `npm run demo` is one of the README's two commands: it must keep working. Runs scripts/demo.mjs as a
// user would (with the tools .ci/install-tools installed, so the local services are used) and checks
// its verdict line and exit code; a second run without any tools must fall back to the dry-run plan.
import { describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './harness.js';
import { runProcess } from './lib/process.mjs';

jest.setTimeout(240_000);

const demo = (env: Record<string, string | undefined>) => runProcess(process.execPath, [join(REPO_ROOT, 'scripts/demo.mjs')], { cwd: REPO_ROOT, env, timeoutMs: 200_000 });

describe('npm run demo', () => {
  test('with the tools installed: the alpha, rc and release run against the local services (the migration on PostgreSQL), production runs the rc digests', async () => {
    const { code, output } = await demo({ ...process.env, NODE_OPTIONS: '' });
    expect([code, output.split('\n').filter((l) => l.startsWith('demo:')).join('\n')]).toEqual([0, expect.stringContaining('as expected, against the local registry, moto (ECR, S3), golang-migrate on PostgreSQL, and the GitHub API fake; production runs the rc\'s digests')]);
    expect(output).toContain('OpenAPI contract violations: none');
  });

  test('without any tools: the dry-run plan, still exit 0', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'dk-demo-notools-'));
    try {
      const { code, output } = await demo({ PATH: '/usr/bin:/bin', HOME: empty, DEPLOY_KIT_TOOLS: join(empty, 'none'), NODE_OPTIONS: '' });
      expect([code, output.split('\n').filter((l) => l.startsWith('demo:')).join('\n')]).toEqual([0, expect.stringContaining('dry-run plan')]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
