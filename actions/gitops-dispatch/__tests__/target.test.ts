import { describe, expect, test } from '@jest/globals';
import { InputError } from '@deploy-kit/core';
import {
  parseDispatchRef,
  parseRepository,
  parseWorkflowRef,
  refShortName,
  renderRepositoryTemplate,
  resolveRepository,
} from '../src/target.js';

const current = { owner: 'example-org', repo: 'sample-service' };

describe('parseRepository', () => {
  test.each([
    ['example-org/gitops-production', 'example-org', 'gitops-production'],
    [' example-org/gitops.staging ', 'example-org', 'gitops.staging'],
    ['o/r.git', 'o', 'r'],
    ['a1-b2/_x-y.z', 'a1-b2', '_x-y.z'],
  ])('%s', (raw, owner, repo) => {
    expect(parseRepository(raw, 'repository')).toEqual({ owner, repo, fullName: `${owner}/${repo}` });
  });

  test.each([
    ['gitops-production', 'is not an `owner/name` repository'],
    ['a/b/c', 'is not an `owner/name` repository'],
    ['-org/repo', 'is not a valid owner'],
    ['org--x/repo', 'is not a valid owner'],
    ['org/re po', 'is not a valid repository name'],
    ['org/..', 'is not a valid repository name'],
    [`${'a'.repeat(40)}/r`, 'is not a valid owner'],
  ])('rejects %s', (raw, problem) => {
    expect(() => parseRepository(raw, 'repository')).toThrow(InputError);
    expect(() => parseRepository(raw, 'repository')).toThrow(problem);
    expect(() => parseRepository(raw, 'repository')).toThrow(/^Input "repository": .*expected `owner\/name`/);
  });
});

describe('repository from environment', () => {
  test.each([
    ['development', '{owner}/gitops-{environment}', 'example-org/gitops-development'],
    ['staging', '{owner}/gitops-{environment}', 'example-org/gitops-staging'],
    ['production', '{owner}/gitops-{environment}', 'example-org/gitops-production'],
    ['production', 'platform/{repo}-deploy-{environment}', 'platform/sample-service-deploy-production'],
  ])('%s with %s', (environment, template, expected) => {
    expect(resolveRepository({ environment, repository: '', template, current }).fullName).toBe(expected);
  });

  test('an explicit repository wins over the template', () => {
    expect(
      resolveRepository({ environment: 'staging', repository: 'other/gitops', template: '{owner}/gitops-{environment}', current }).fullName,
    ).toBe('other/gitops');
  });

  test('neither environment nor repository: names environment and says what to pass', () => {
    expect(() => resolveRepository({ environment: '', repository: '', template: '{owner}/gitops-{environment}', current })).toThrow(
      /^Input "environment": is required when `repository` is not given; expected .*parse-version.*`repository: owner\/name`/,
    );
  });

  test('unknown placeholder', () => {
    expect(() => renderRepositoryTemplate('{org}/gitops-{environment}', { ...current, environment: 'x' }, 'repository-template')).toThrow(
      'Input "repository-template": unknown placeholder {org}; expected a repository template using {owner}, {environment}, {repo}',
    );
  });

  test('an empty owner (no GITHUB_REPOSITORY) is named', () => {
    expect(() =>
      renderRepositoryTemplate('{owner}/gitops-{environment}', { owner: '', repo: '', environment: 'staging' }, 'repository-template'),
    ).toThrow('{owner} is empty for this run (it comes from GITHUB_REPOSITORY)');
  });
});

describe('parseWorkflowRef', () => {
  test.each([
    ['Update Project List Version', { kind: 'name', name: 'Update Project List Version' }],
    ['update.yml', { kind: 'file', file: 'update.yml' }],
    ['deploy.YAML', { kind: 'file', file: 'deploy.YAML' }],
    ['.github/workflows/update.yml', { kind: 'file', file: 'update.yml' }],
    ['./.github/workflows/update.yaml', { kind: 'file', file: 'update.yaml' }],
    ['161335', { kind: 'id', id: 161335 }],
    ['Deploy to prod.yml please', { kind: 'name', name: 'Deploy to prod.yml please' }],
  ])('%s', (raw, expected) => {
    expect(parseWorkflowRef(raw, 'workflow')).toMatchObject(expected);
  });

  test.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['0', 'is not a valid workflow id'],
    ['.github/workflows/sub/x.yml', 'not in a subfolder'],
  ])('rejects %j', (raw, problem) => {
    expect(() => parseWorkflowRef(raw, 'workflow')).toThrow(problem);
  });
});

describe('parseDispatchRef', () => {
  test.each(['', 'main', 'v1.2.3', 'refs/heads/main', 'refs/tags/v1.2.3-rc.1', 'release/2026.03'])('accepts %j', (ref) => {
    expect(parseDispatchRef(ref, 'ref')).toBe(ref);
  });
  test.each([
    ['0a1b2c3d4e5f60718293a4b5c6d7e8f901234567', 'is a commit SHA'],
    ['feature branch', 'is not a valid git ref name'],
    ['a..b', 'is not a valid git ref name'],
    ['refs/pull/1/merge', 'is neither refs/heads'],
    ['x.lock', 'is not a valid git ref name'],
  ])('rejects %j', (ref, problem) => {
    expect(() => parseDispatchRef(ref, 'ref')).toThrow(problem);
  });
  test('short names for the branch filter', () => {
    expect(refShortName('refs/heads/main')).toBe('main');
    expect(refShortName('refs/tags/v1')).toBe('v1');
    expect(refShortName('main')).toBe('main');
  });
});
