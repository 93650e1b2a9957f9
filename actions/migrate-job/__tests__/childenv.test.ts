// The migration tool's environment (backend: command): explicit, never the action's inputs or the runner's tokens.
import { describe, expect, test } from '@jest/globals';
import { commandEnvironment, parseEnvFromRunner, selectVariables } from '../src/childenv.js';

const RUNNER = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/runner',
  LANG: 'C.UTF-8',
  HTTPS_PROXY: 'http://proxy:3128',
  INPUT_KUBECONFIG: 'apiVersion: v1 … token: secret',
  INPUT_TOOL: 'golang-migrate@v4.19.1',
  STATE_x: '1',
  ACTIONS_RUNTIME_TOKEN: 'runtime-token',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-token',
  ACTIONS_CACHE_URL: 'https://cache',
  GITHUB_TOKEN: 'ghs_token',
  GITHUB_REPOSITORY: 'org/repo',
  DATABASE_URL: 'postgres://db/app',
  PGPASSWORD: 'pw',
  PGHOST: 'db',
  AWS_REGION: 'eu-west-1',
  AWS_SECRET_ACCESS_KEY: 'aws-secret',
  UNRELATED: 'x',
};

describe('commandEnvironment', () => {
  test.each([
    ['nothing asked for: the basics only', { set: {} }, ['HOME', 'HTTPS_PROXY', 'LANG', 'PATH']],
    [
      'the env input is set on top',
      { set: { DATABASE_URL: 'postgres://other', MODE: 'up' } },
      ['DATABASE_URL', 'HOME', 'HTTPS_PROXY', 'LANG', 'MODE', 'PATH'],
    ],
    ['names from env-from-runner', { set: {}, pass: ['DATABASE_URL', 'NOT_SET'] }, ['DATABASE_URL', 'HOME', 'HTTPS_PROXY', 'LANG', 'PATH']],
    [
      'prefixes from env-from-runner',
      { set: {}, pass: ['PG*', 'AWS_*'] },
      ['AWS_REGION', 'AWS_SECRET_ACCESS_KEY', 'HOME', 'HTTPS_PROXY', 'LANG', 'PATH', 'PGHOST', 'PGPASSWORD'],
    ],
    [
      "a prefix that also matches the runner's secrets passes none of them",
      { set: {}, pass: ['I*', 'G*', 'A*', 'S*'] },
      ['AWS_REGION', 'AWS_SECRET_ACCESS_KEY', 'GITHUB_REPOSITORY', 'HOME', 'HTTPS_PROXY', 'LANG', 'PATH'],
    ],
  ])('%s', (_what, options, names) => {
    expect(Object.keys(commandEnvironment(options, RUNNER)).sort()).toEqual(names);
  });

  test("the env input wins over the runner's value; the installed tool comes first on PATH", () => {
    const env = commandEnvironment(
      { set: { DATABASE_URL: 'postgres://from-input' }, pass: ['DATABASE_URL'], path: ['/tmp/tool/bin'] },
      RUNNER,
    );
    expect(env.DATABASE_URL).toBe('postgres://from-input');
    expect(env.PATH).toBe(`/tmp/tool/bin${process.platform === 'win32' ? ';' : ':'}/usr/bin:/bin`);
  });

  test('never an INPUT_, STATE_ or runner token, whatever is asked', () => {
    const env = commandEnvironment({ set: {}, pass: selectVariables(['I*', 'S*', 'A*', 'G*'], RUNNER) }, RUNNER);
    for (const name of Object.keys(env)) expect(name).not.toMatch(/^(INPUT_|STATE_|ACTIONS_|GITHUB_TOKEN$)/);
  });
});

describe('parseEnvFromRunner', () => {
  test.each([[['DATABASE_URL']], [['PG*', 'AWS_*', 'DATABASE_URL']], [[]]])('%j is accepted', (entries) => {
    expect(parseEnvFromRunner('env-from-runner', entries)).toEqual(entries);
  });
  test.each([
    [['*'], 'is `*`, which would pass the whole environment'],
    [['1DB'], '"1DB" is not a variable name or a prefix ending in `*`'],
    [['DB*X'], '"DB*X" is not a variable name'],
    [['INPUT_KUBECONFIG'], '"INPUT_KUBECONFIG" names the action\'s inputs or the runner\'s tokens'],
    [['INPUT_*'], '"INPUT_*" names the action\'s inputs'],
    [['GITHUB_TOKEN'], '"GITHUB_TOKEN" names the action\'s inputs'],
    [['ACTIONS_RUNTIME_TOKEN'], '"ACTIONS_RUNTIME_TOKEN" names'],
    [['ACTIONS_*'], '"ACTIONS_*" names'],
    [['STATE_*'], '"STATE_*" names'],
  ])('%j → %s', (entries, message) => {
    expect(() => parseEnvFromRunner('env-from-runner', entries)).toThrow(`Input "env-from-runner": ${message}`);
  });
});
