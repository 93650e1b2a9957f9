import { describe, expect, test } from '@jest/globals';
import { dns1123Name, isDns1123Label, labelValue, migrationJobName, nameHash } from '../src/naming.js';
import { formatArgv, parseArgv, splitWords } from '../src/argv.js';

describe('migrationJobName', () => {
  test.each([
    ['orders', 'v1.2.3', 'orders-migrate-v1-2-3'],
    ['orders', 'v1.2.3-rc.1', 'orders-migrate-v1-2-3-rc-1'],
    ['My_App', 'V2.0.0+build.5', 'my-app-migrate-v2-0-0-build-5'],
    ['payments', 'sha-abc1234', 'payments-migrate-sha-abc1234'],
    ['--a--', '__b__', 'a-migrate-b'],
  ])('%s + %s → %s', (release, tag, expected) => {
    const name = migrationJobName(release, tag);
    expect(name).toBe(expected);
    expect(isDns1123Label(name)).toBe(true);
  });

  test('a name longer than 63 characters is cut and ends in a hash of the full name', () => {
    const release = 'a-very-long-release-name-for-the-payments-service';
    const tag = 'v10.20.30-rc.40';
    const name = migrationJobName(release, tag);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(isDns1123Label(name)).toBe(true);
    expect(name).toMatch(new RegExp(`-${nameHash(`${release}-migrate-${tag}`)}$`));
    expect(name.startsWith('a-very-long-release-name-for-the-payments-service-migr')).toBe(true);
  });

  test('two long names that differ only at the end stay different', () => {
    const a = migrationJobName('x'.repeat(60), 'v1.2.3');
    const b = migrationJobName('x'.repeat(60), 'v1.2.4');
    expect(a).not.toBe(b);
    expect(a.length).toBe(63);
  });

  test('tags that sanitise alike get different names once truncated (hash of the raw text)', () => {
    expect(dns1123Name(`${'r'.repeat(60)}-v1.2.3`)).not.toBe(dns1123Name(`${'r'.repeat(60)}-v1-2-3`));
  });

  test.each([
    ['', 'v1'],
    ['orders', '...'],
  ])('release %j tag %j has nothing to name the Job with', (release, tag) => {
    expect(() => migrationJobName(release, tag)).toThrow(/no letters or digits/);
  });

  test.each([
    ['abc', true],
    ['a-b', true],
    ['-ab', false],
    ['ab-', false],
    ['Ab', false],
    ['a.b', false],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['', false],
  ])('isDns1123Label(%j) = %s', (value, ok) => expect(isDns1123Label(value)).toBe(ok));

  test.each([
    ['v1.2.3', 'v1.2.3'],
    ['v1.2.3+build/5', 'v1.2.3-build-5'],
    ['-x-', 'x'],
  ])('labelValue(%j) = %j', (raw, value) => expect(labelValue(raw)).toBe(value));

  test('long label values are cut to 63 with a hash', () => {
    const value = labelValue('x'.repeat(100));
    expect(value.length).toBe(63);
    expect(value).toMatch(/^x+-[0-9a-f]{8}$/);
  });
});

describe('argv', () => {
  test.each([
    ['migrate up', ['migrate', 'up']],
    ['  /app/migrate   -path db   up ', ['/app/migrate', '-path', 'db', 'up']],
    [`atlas migrate apply --url "postgres://u@h/db?x=1 2"`, ['atlas', 'migrate', 'apply', '--url', 'postgres://u@h/db?x=1 2']],
    [`sh -c 'echo $HOME && exit 3'`, ['sh', '-c', 'echo $HOME && exit 3']],
    [`a "b \\"c\\"" d\\ e`, ['a', 'b "c"', 'd e']],
    [`a '' b`, ['a', '', 'b']],
  ])('splitWords(%j)', (text, words) => expect(splitWords(text)).toEqual(words));

  test.each([
    [`a "b`, /unclosed double quote/],
    [`a 'b`, /unclosed single quote/],
    ['a \\', /lone backslash/],
  ])('splitWords(%j) fails', (text, message) => expect(() => splitWords(text)).toThrow(message));

  test('JSON arrays are exact argv', () => {
    expect(parseArgv('command', '["/app/migrate", "up", "a b"]')).toEqual(['/app/migrate', 'up', 'a b']);
    expect(parseArgv('command', '')).toEqual([]);
  });

  test.each([
    ['["a", 1]', 'Input "command": is a JSON array with items that are not strings'],
    ['["a"', 'Input "command": looks like a JSON array but is not valid JSON'],
    ['a "b', 'Input "command": has an unclosed double quote'],
  ])('parseArgv(%j) names the input', (raw, message) => expect(() => parseArgv('command', raw)).toThrow(message));

  test('formatArgv quotes only what needs it', () => {
    expect(formatArgv(['migrate', '-path', 'db dir', "it's", ''])).toBe(`migrate -path 'db dir' 'it'\\''s' ''`);
  });
});
