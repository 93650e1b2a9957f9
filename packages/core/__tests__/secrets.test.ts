import { beforeEach, describe, expect, jest, test } from '@jest/globals';
import type * as Runner from '../src/runner.js';

const setSecret = jest.fn<typeof Runner.setSecret>();
jest.unstable_mockModule('../src/runner.js', () => ({ setSecret }));

// The registry of secrets lives for the whole process (as on a runner), so each test uses its own values.
const { redact, registerSecret, registeredSecrets, safeUrl } = await import('../src/secrets.js');

beforeEach(() => {
  setSecret.mockReset();
});

describe('registerSecret', () => {
  test('registers a plain value once, however often it is given', () => {
    registerSecret('plainSecretValue1');
    registerSecret('plainSecretValue1');
    expect(setSecret.mock.calls).toEqual([['plainSecretValue1']]);
    expect(registeredSecrets()).toContain('plainSecretValue1');
  });

  test.each([undefined, null, ''])('ignores %j', (value) => {
    registerSecret(value);
    expect(setSecret).not.toHaveBeenCalled();
  });

  test('registers each line of a multi-line secret, trimmed, skipping short lines', () => {
    const pem = '-----BEGIN KEY-----\r\n  MIIBOgIBAAJBAKj34GkxFhD90vcN  \r\nab\r\n-----END KEY-----';
    registerSecret(pem);
    expect(setSecret.mock.calls.map(([value]) => value)).toEqual([
      pem,
      '-----BEGIN KEY-----',
      'MIIBOgIBAAJBAKj34GkxFhD90vcN',
      '-----END KEY-----',
      encodeURIComponent(pem),
    ]);
  });

  test('a line already registered is not registered again', () => {
    registerSecret('line-one-AAAA\nline-two-BBBB');
    setSecret.mockReset();
    registerSecret('line-two-BBBB\nline-three-CCCC');
    const values = setSecret.mock.calls.map(([value]) => value);
    expect(values).toContain('line-three-CCCC');
    expect(values).not.toContain('line-two-BBBB');
  });

  test('registers the URL-encoded form when it differs', () => {
    registerSecret('p@ss/word+1');
    expect(setSecret.mock.calls).toEqual([['p@ss/word+1'], ['p%40ss%2Fword%2B1']]);
  });

  test('a value that needs no URL encoding is registered only once', () => {
    registerSecret('AKIAEXAMPLEKEY123');
    expect(setSecret).toHaveBeenCalledTimes(1);
  });
});

describe('redact', () => {
  test.each<[string, string, string[], string]>([
    ['every occurrence', 'token=abc123 and again abc123', ['abc123'], 'token=*** and again ***'],
    ['longer secrets first, so no fragment is left', 'key=abcdef', ['abc', 'abcdef'], 'key=***'],
    ['nothing to redact', 'all clear', ['zzz'], 'all clear'],
    ['empty secrets are ignored', 'text', [''], 'text'],
  ])('%s', (_, text, secrets, expected) => {
    expect(redact(text, secrets)).toBe(expected);
  });

  test('uses the registered secrets by default', () => {
    registerSecret('registeredForRedact');
    expect(redact('Error: bad credentials registeredForRedact')).toBe('Error: bad credentials ***');
  });
});

describe('safeUrl', () => {
  test.each([
    ['https://example.com/path', 'https://example.com/path'],
    ['https://user:pa55@registry.example.com/v2/', 'https://***@registry.example.com/v2/'],
    ['https://x-access-token:ghs_token@github.com/acme/orders.git', 'https://***@github.com/acme/orders.git'],
    ['https://token@github.com/acme', 'https://***@github.com/acme'],
    [
      'https://bucket.s3.eu-west-1.amazonaws.com/app/1.2.3/app.tgz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F&X-Amz-Signature=deadbeef',
      'https://bucket.s3.eu-west-1.amazonaws.com/app/1.2.3/app.tgz?***',
    ],
    ['https://u:p@host/p?sig=1', 'https://***@host/p?***'],
    ['not a url?token=abc', 'not a url?***'],
    ['no-url-at-all', 'no-url-at-all'],
  ])('%s → %s', (url, expected) => {
    expect(safeUrl(url)).toBe(expected);
  });
});
