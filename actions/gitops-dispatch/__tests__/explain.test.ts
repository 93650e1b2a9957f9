import { expect, test } from '@jest/globals';
import { ActionError } from '@deploy-kit/core';
import { explainApiError } from '../src/explain.js';
import { httpError } from './helpers.js';

const ctx = { doing: 'dispatch "W" in o/r', repository: 'o/r', ref: 'main', auth: 'token' as const };

test.each<[string, unknown, RegExp, RegExp]>([
  ['401', httpError(401, 'Bad credentials'), /invalid, expired or revoked/, /WORKFLOW_PAT/],
  [
    '403 integration',
    httpError(403, 'Resource not accessible by integration'),
    /lacks a permission on o\/r/,
    /GITHUB_TOKEN cannot dispatch workflows in another repository/,
  ],
  ['403 rate limit', httpError(403, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0' }), /rate limit is used up/, /poll-interval/],
  ['429 secondary', httpError(429, 'You have exceeded a secondary rate limit'), /secondary rate limit/, /poll-interval/],
  ['404', httpError(404, 'Not Found'), /does not exist, or the token cannot see it/, /repository-template/],
  ['422 no ref', httpError(422, 'No ref found for: main'), /The ref "main" does not exist in o\/r/, /`ref` input/],
  ['500', httpError(500, 'boom'), /server error after retries/, /githubstatus/],
  ['network', Object.assign(new Error('fetch failed'), { code: 'ECONNREFUSED' }), /could not be reached/, /GITHUB_API_URL/],
])('%s', (_, error, why, check) => {
  const e = explainApiError(error, ctx);
  expect(e).toBeInstanceOf(ActionError);
  expect(e.message.startsWith('Could not dispatch "W" in o/r: ')).toBe(true);
  expect(e.why).toMatch(why);
  expect(e.check.join('\n')).toMatch(check);
});

test('an App 404 points at the installation', () => {
  expect(explainApiError(httpError(404, 'Not Found'), { ...ctx, auth: 'app' }).check.join(' ')).toMatch(/The App is installed on o\/r/);
});

test('an ActionError passes through', () => {
  const e = new ActionError('x');
  expect(explainApiError(e, ctx)).toBe(e);
});

test('a 5xx from GitHub Enterprise Server points at that server, not githubstatus.com', () => {
  const onGhes = Object.assign(httpError(502, 'Bad Gateway'), { request: { url: 'https://ghes.example.com/api/v3/repos/o/r' } });
  expect(explainApiError(onGhes, ctx).check.join('\n')).toBe(
    'The GitHub Enterprise Server at ghes.example.com is up (its administrator, its status page), then re-run the job.',
  );
  const onDotcom = Object.assign(httpError(502, 'Bad Gateway'), { request: { url: 'https://api.github.com/repos/o/r' } });
  expect(explainApiError(onDotcom, ctx).check.join('\n')).toMatch(/githubstatus/);
});
