// `npm run demo` is one of the README's two commands: it must keep working. Runs scripts/demo.mjs as a
// user would (it provisions its services itself, so the local services are used) and checks its
// verdict line and exit code; `--plan` gives the dry-run plan, and so does a machine where the
// services cannot be installed, saying why.
import { describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './harness.js';
import { runProcess } from './lib/process.mjs';

jest.setTimeout(240_000);

const demo = (env: Record<string, string | undefined>, args: string[] = []) =>
  runProcess(process.execPath, [join(REPO_ROOT, 'scripts/demo.mjs'), ...args], { cwd: REPO_ROOT, env, timeoutMs: 200_000 });

describe('npm run demo', () => {
  test('with the tools installed: the alpha, rc and release run against the local services (the migration on PostgreSQL), production runs the rc digests', async () => {
    const { code, output } = await demo({ ...process.env, NODE_OPTIONS: '' });
    expect([
      code,
      output
        .split('\n')
        .filter((l) => l.startsWith('demo:'))
        .join('\n'),
    ]).toEqual([
      0,
      expect.stringContaining(
        "as expected, against the local registry, moto (ECR, S3), golang-migrate on PostgreSQL, and the GitHub API fake; production runs the rc's digests",
      ),
    ]);
    expect(output).toContain('OpenAPI contract violations: none');
  });

  test('--plan: the dry-run plan without installing or starting any service, still exit 0', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'dk-demo-notools-'));
    try {
      const { code, output } = await demo({ PATH: '/usr/bin:/bin', HOME: empty, DEPLOY_KIT_TOOLS: join(empty, 'none'), NODE_OPTIONS: '' }, [
        '--plan',
      ]);
      expect([
        code,
        output
          .split('\n')
          .filter((l) => l.startsWith('demo:'))
          .join('\n'),
      ]).toEqual([0, expect.stringContaining('dry-run plan for the pushes (the plan was asked for (--plan))')]);
      expect(output).not.toContain('tools: ');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('services that cannot be installed: the dry-run plan, saying why, still exit 0', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'dk-demo-notools-'));
    try {
      // A tools cache that cannot be created stands for any machine where the install fails.
      const { code, output } = await demo({ PATH: '/usr/bin:/bin', HOME: empty, DEPLOY_KIT_TOOLS: '/dev/null/tools', NODE_OPTIONS: '' });
      const verdict = output
        .split('\n')
        .filter((l) => l.startsWith('demo:'))
        .join('\n');
      expect([code, verdict]).toEqual([
        0,
        expect.stringContaining('as a dry-run plan for the pushes (the local services could not be installed ('),
      ]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
