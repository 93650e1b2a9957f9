// Docker config files: the login read for a registry (migrate-job's digest lookup) and the private
// configs written for later steps or a docker CLI (push-artifacts).
import { afterEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerConfigDir, dockerConfigJson, readDockerConfigLogin, removeDockerConfig, writeDockerConfig } from '@deploy-kit/core/oci';

const temps: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'oci-docker-config-'));
  temps.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('readDockerConfigLogin', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const configWith = (auths: Record<string, unknown>) => {
    const dir = temp();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths }));
    return { DOCKER_CONFIG: dir };
  };

  test.each<[string, Record<string, unknown>, string, { username: string; password: string } | undefined]>([
    ['auth under the host', { 'registry.example.com': { auth: b64('ci:pw') } }, 'registry.example.com', { username: 'ci', password: 'pw' }],
    [
      'a password with a colon',
      { 'registry.example.com': { auth: b64('ci:p:w') } },
      'registry.example.com',
      { username: 'ci', password: 'p:w' },
    ],
    ['under an https:// key', { 'https://127.0.0.1:5000': { auth: b64('u:p') } }, '127.0.0.1:5000', { username: 'u', password: 'p' }],
    ['username and password fields', { 'ghcr.io': { username: 'bot', password: 'tok' } }, 'ghcr.io', { username: 'bot', password: 'tok' }],
    [
      'Docker Hub under its v1 URL',
      { 'https://index.docker.io/v1/': { auth: b64('me:hub') } },
      'docker.io',
      { username: 'me', password: 'hub' },
    ],
    ['another host only', { 'other.example.com': { auth: b64('x:y') } }, 'registry.example.com', undefined],
    ['an entry without credentials (a helper keeps them)', { 'registry.example.com': {} }, 'registry.example.com', undefined],
  ])('%s', (_, auths, registry, expected) => {
    expect(readDockerConfigLogin(registry, configWith(auths))).toEqual(expected);
  });

  test('no config, or one that is not JSON: no login', () => {
    expect(readDockerConfigLogin('registry.example.com', { DOCKER_CONFIG: temp() })).toBeUndefined();
    const dir = temp();
    writeFileSync(join(dir, 'config.json'), '{not json');
    expect(readDockerConfigLogin('registry.example.com', { DOCKER_CONFIG: dir })).toBeUndefined();
  });

  test('the config directory: DOCKER_CONFIG, else ~/.docker', () => {
    expect(dockerConfigDir({ DOCKER_CONFIG: '/x' })).toBe('/x');
    expect(dockerConfigDir({ HOME: '/home/runner' })).toBe('/home/runner/.docker');
  });
});

describe('writing', () => {
  test('config file: 0600 in a 0700 dir, docker login format; removal only of our own dirs', async () => {
    const base = temp();
    const dir = await writeDockerConfig(base, [{ host: 'r.example', username: 'AWS', password: 'pw' }]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({
      auths: { 'r.example': { auth: Buffer.from('AWS:pw').toString('base64') } },
    });
    // What is written is read back the same way.
    expect(readDockerConfigLogin('r.example', { DOCKER_CONFIG: dir })).toEqual({ username: 'AWS', password: 'pw' });
    await expect(removeDockerConfig(base)).rejects.toThrow(/refusing to remove/);
    await removeDockerConfig(dir);
    expect(() => statSync(dir)).toThrow();
    expect(dockerConfigJson([])).toBe('{\n  "auths": {}\n}\n');
  });
});
