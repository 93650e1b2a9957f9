import { describe, expect, test, beforeAll, afterAll } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterTls, credentialsFor, impersonation, proxyFromEnvironment, runExecPlugin } from '../src/kube/credentials.js';
import {
  inClusterConfig,
  kubeconfigSource,
  mergeKubeconfigs,
  parseKubeconfig,
  resolveContext,
  type KubeTarget,
} from '../src/kube/kubeconfig.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (server = 'https://k8s.example:6443', extra = '') => `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: ${server}
    certificate-authority: ca.pem
- name: staging
  cluster:
    server: https://staging.example
    insecure-skip-tls-verify: true
    tls-server-name: api.staging
users:
- name: ci
  user:
    token: abc-token-123
- name: files
  user:
    tokenFile: tokens/ci
    client-certificate: certs/client.pem
    client-key: /abs/client.key
contexts:
- name: prod
  context: { cluster: prod, user: ci, namespace: apps }
- name: staging
  context: { cluster: staging, user: files }
- name: broken
  context: { cluster: nowhere, user: ci }
- name: nouser
  context: { cluster: prod, user: ghost }
current-context: prod
${extra}`;

describe('parseKubeconfig', () => {
  test("paths are made absolute against the file's folder; absolute ones and inline text stay", async () => {
    const parsed = await parseKubeconfig(config(), '/etc/kube/config', '/etc/kube');
    expect(parsed.clusters[0].cluster['certificate-authority']).toBe('/etc/kube/ca.pem');
    expect(parsed.users[1].user).toMatchObject({
      tokenFile: '/etc/kube/tokens/ci',
      'client-certificate': '/etc/kube/certs/client.pem',
      'client-key': '/abs/client.key',
    });
    const inline = await parseKubeconfig(config(), 'the kubeconfig input');
    expect(inline.clusters[0].cluster['certificate-authority']).toBe('ca.pem');
  });
  test('an exec command with a slash is relative to the file; a bare name is looked up on PATH', async () => {
    const exec = (command: string) =>
      `apiVersion: v1\nusers:\n- name: u\n  user:\n    exec: { apiVersion: client.authentication.k8s.io/v1, command: ${command} }\n`;
    expect((await parseKubeconfig(exec('./bin/auth'), 'f', '/home/me/.kube')).users[0].user.exec?.command).toBe('/home/me/.kube/bin/auth');
    expect((await parseKubeconfig(exec('aws'), 'f', '/home/me/.kube')).users[0].user.exec?.command).toBe('aws');
  });
  test.each([
    ['clusters: [', 'the kubeconfig input is not valid YAML (error at line 1)'],
    ['- a\n- b', 'the kubeconfig input is not a kubeconfig (expected a map'],
    ['clusters: {}', 'the kubeconfig input: "clusters" is not a list'],
    ['users:\n- user: { token: x }', 'the kubeconfig input: users[0] has no name'],
    ['contexts:\n- name: a\n  context: nope', 'the kubeconfig input: contexts[0] ("a") has no "context" map'],
  ])('%j → %s', async (text, message) => {
    await expect(parseKubeconfig(text, 'the kubeconfig input')).rejects.toThrow(message);
  });
  test('a YAML error never quotes the line (it may hold a credential)', async () => {
    await expect(parseKubeconfig('users:\n- name: u\n  user:\n    token: "s3cr3t-token\n', 'the kubeconfig input')).rejects.toThrow(
      /^(?!.*s3cr3t).*$/s,
    );
  });
});

describe('mergeKubeconfigs and resolveContext', () => {
  test('the first file to name something wins, and the first current-context', async () => {
    const a = await parseKubeconfig(
      'clusters:\n- name: c\n  cluster: { server: https://a }\ncontexts:\n- name: x\n  context: { cluster: c }\n',
      'a',
    );
    const b = await parseKubeconfig(
      'clusters:\n- name: c\n  cluster: { server: https://b }\n- name: d\n  cluster: { server: https://d }\ncontexts:\n- name: y\n  context: { cluster: d }\ncurrent-context: y\n',
      'b',
    );
    const merged = mergeKubeconfigs([a, b]);
    expect(merged.clusters.map((c) => c.cluster.server)).toEqual(['https://a', 'https://d']);
    expect(merged['current-context']).toBe('y');
    expect(resolveContext(merged).server).toBe('https://d');
    expect(resolveContext(merged, 'x')).toMatchObject({ server: 'https://a', namespace: undefined, userName: '' });
  });
  test.each([
    [undefined, { context: 'prod', server: 'https://k8s.example:6443', namespace: 'apps', userName: 'ci' }],
    ['staging', { context: 'staging', server: 'https://staging.example', namespace: undefined, userName: 'files' }],
  ])('context %s', async (name, expected) => {
    expect(resolveContext(await parseKubeconfig(config(), 'f', '/k'), name)).toMatchObject(expected);
  });
  test.each([
    ['broken', 'context "broken" names cluster "nowhere", which it does not define'],
    ['nouser', 'context "nouser" names user "ghost", which it does not define'],
    ['qa', 'it has no context "qa" (its contexts: prod, staging, broken, nouser)'],
  ])('context %s → %s', async (name, message) => {
    expect(() => resolveContext(mergeKubeconfigs([]), 'x')).toThrow('it has no context "x" (its contexts: none)');
    const parsed = await parseKubeconfig(config(), 'f', '/k');
    expect(() => resolveContext(parsed, name)).toThrow(message);
  });
  test('no current-context, and a server that is not a URL', async () => {
    expect(() => resolveContext(mergeKubeconfigs([]))).toThrow('it has no current-context and no contexts');
    const parsed = await parseKubeconfig(config('k8s.example:6443'), 'f');
    expect(() => resolveContext(parsed)).toThrow('cluster "prod" has no valid server (expected https://host[:port])');
  });
});

describe('kubeconfigSource', () => {
  test('the input as YAML, as a path; KUBECONFIG merged in order; ~/.kube/config; in-cluster', async () => {
    const first = join(dir, 'first.yaml');
    const second = join(dir, 'second.yaml');
    writeFileSync(first, 'contexts:\n- name: one\n  context: { cluster: c1 }\n');
    writeFileSync(second, 'clusters:\n- name: c1\n  cluster: { server: https://one }\ncurrent-context: one\n');
    expect(kubeconfigSource(config(), {}).label).toBe('the kubeconfig input');
    expect(kubeconfigSource(first, {}).label).toBe(`the kubeconfig file ${first}`);
    const merged = await kubeconfigSource('', { KUBECONFIG: `${first}:${second}` }).load();
    expect(resolveContext(merged).server).toBe('https://one');
    await expect(kubeconfigSource('', { KUBECONFIG: `${first}:${join(dir, 'nope')}` }).load()).rejects.toThrow(
      `KUBECONFIG names ${join(dir, 'nope')}, which does not exist`,
    );
    await expect(kubeconfigSource(join(dir, 'nope'), {}).load()).rejects.toThrow(`the file ${join(dir, 'nope')} does not exist`);
    // A one-line value that is not a path (a base64 kubeconfig pasted as the secret) is never quoted back.
    const base64 = Buffer.from('apiVersion: v1\nusers:\n- name: u\n  user: { token: s3cr3t }\n').toString('base64');
    const notPath = kubeconfigSource(base64, {});
    expect(notPath.label).toBe('the kubeconfig input (one line, so read as a file path)');
    await expect(notPath.load()).rejects.toThrow(
      'the value is neither a kubeconfig (YAML starting with `apiVersion`, or JSON) nor the path of an existing file (a base64-encoded kubeconfig must be decoded first)',
    );
    await expect(notPath.load()).rejects.not.toThrow(base64);
    const home = join(dir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true });
    writeFileSync(join(home, '.kube', 'config'), readFileSync(second));
    expect(kubeconfigSource('', { HOME: home }).label).toBe(`the default kubeconfig (${join(home, '.kube', 'config')})`);
    const sa = join(dir, 'sa');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'sa-token');
    writeFileSync(join(sa, 'namespace'), 'migrations\n');
    const inCluster = await kubeconfigSource(
      '',
      { HOME: join(dir, 'nohome'), KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
      sa,
    ).load();
    expect(resolveContext(inCluster)).toMatchObject({
      server: 'https://10.0.0.1:443',
      namespace: 'migrations',
      user: { tokenFile: join(sa, 'token') },
    });
    expect(inClusterConfig({ KUBERNETES_SERVICE_HOST: 'fd00::1' }, sa)?.clusters[0].cluster.server).toBe('https://[fd00::1]:443');
    await expect(kubeconfigSource('', { HOME: join(dir, 'nohome') }, join(dir, 'no-sa')).load()).rejects.toThrow('no kubeconfig was given');
  });
});

function target(user: KubeTarget['user'], cluster: Partial<KubeTarget['cluster']> = {}): KubeTarget {
  return {
    context: 'c',
    server: 'https://127.0.0.1:6443',
    cluster: { server: 'https://127.0.0.1:6443', ...cluster },
    user,
    userName: 'u',
    config: { clusters: [], users: [], contexts: [] },
  };
}

describe('credentials', () => {
  test.each([
    [{ token: 'tok-1' }],
    [{ username: 'admin', password: 'pw' }],
    [{ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'aws' } }],
  ])('%j to a plain-http server that is not loopback is refused before anything is sent', async (user) => {
    const server = 'http://k8s.example.com:8080';
    await expect(credentialsFor({ ...target(user as KubeTarget['user'], { server }), server })).rejects.toThrow(
      'user "u" has credentials, and the server http://k8s.example.com:8080 is plain http: k8s.example.com:8080 would receive it over plain http',
    );
  });

  test('plain http to a loopback server, or anonymous, is allowed', async () => {
    const server = 'http://127.0.0.1:8080';
    expect((await credentialsFor({ ...target({ token: 't' }, { server }), server })).method).toBe('token');
    expect((await credentialsFor({ ...target({}, { server: 'http://k8s.example.com' }), server: 'http://k8s.example.com' })).method).toBe(
      'anonymous',
    );
  });

  test.each([
    [{ token: 'tok-1' }, 'token', { authorization: 'Bearer tok-1' }],
    [{ username: 'admin', password: 'pw' }, 'basic auth', { authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}` }],
    [{}, 'anonymous', {}],
    [
      { token: 't', as: 'jane', 'as-groups': ['dev', 'ops'] },
      'token',
      { authorization: 'Bearer t', 'impersonate-user': 'jane', 'impersonate-group': ['dev', 'ops'] },
    ],
  ])('%j → %s', async (user, method, headers) => {
    const credentials = await credentialsFor(target(user));
    expect(credentials.method).toBe(method);
    expect((await credentials.prepare()).headers).toEqual(headers);
  });
  test('impersonation: uid and extras', () => {
    expect(impersonation(target({ as: 'x', 'as-uid': '42', 'as-user-extra': { 'reason/why': ['ci'] } }))).toEqual({
      'impersonate-user': 'x',
      'impersonate-uid': '42',
      'impersonate-extra-reason%2Fwhy': ['ci'],
    });
  });
  test('a token file is read when used and again once it changed', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'first\n');
    const credentials = await credentialsFor(target({ tokenFile: file }));
    expect((await credentials.prepare()).headers.authorization).toBe('Bearer first');
    writeFileSync(file, 'second');
    const later = new Date(Date.now() + 5_000);
    (await import('node:fs')).utimesSync(file, later, later);
    expect((await credentials.prepare()).headers.authorization).toBe('Bearer second');
    rmSync(file);
    expect(credentials.invalidate()).toBe(true);
    await expect(credentials.prepare()).rejects.toThrow(`its tokenFile ${file} cannot be read (ENOENT)`);
  });
  test('TLS: CA data, a CA file, insecure, tls-server-name; unreadable files and half a client certificate are errors', async () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, 'CA FILE');
    expect(clusterTls(target({}, { 'certificate-authority-data': Buffer.from('CA DATA').toString('base64') })).ca?.toString()).toBe(
      'CA DATA',
    );
    expect(clusterTls(target({}, { 'certificate-authority': ca })).ca?.toString()).toBe('CA FILE');
    expect(clusterTls(target({}, { 'insecure-skip-tls-verify': true, 'tls-server-name': 'api' }))).toEqual({
      rejectUnauthorized: false,
      servername: 'api',
    });
    expect(() => clusterTls(target({}, { 'certificate-authority': join(dir, 'none.pem') }))).toThrow(
      `its certificate-authority file ${join(dir, 'none.pem')} cannot be read (ENOENT)`,
    );
    await expect(credentialsFor(target({ 'client-certificate-data': Buffer.from('CERT').toString('base64') }))).rejects.toThrow(
      'user "u" has a client certificate but no key',
    );
  });
  test.each([
    ['socks5://proxy:1080', 'its proxy-url uses socks5, which is not supported'],
    ['not a url', 'its proxy-url is not a URL'],
  ])('proxy-url %s', async (proxyUrl, message) => {
    await expect(credentialsFor(target({ token: 't' }, { 'proxy-url': proxyUrl }))).rejects.toThrow(message);
  });
});

describe('exec credential plugins', () => {
  /** A real plugin: a shell script that records each run and prints the ExecCredential it is given. */
  function plugin(name: string, output: string, exitCode = 0): { command: string; runs: () => number } {
    const script = join(dir, name);
    const counter = `${script}.runs`;
    writeFileSync(counter, '');
    writeFileSync(
      script,
      `#!/bin/sh\necho run >> '${counter}'\necho "$KUBERNETES_EXEC_INFO" > '${script}.info'\necho "plugin stderr: $1" >&2\ncat <<'EOF'\n${output}\nEOF\nexit ${exitCode}\n`,
    );
    chmodSync(script, 0o755);
    return { command: script, runs: () => readFileSync(counter, 'utf8').split('\n').filter(Boolean).length };
  }
  const credential = (status: object, apiVersion = 'client.authentication.k8s.io/v1') =>
    JSON.stringify({ apiVersion, kind: 'ExecCredential', status });

  test('a token until it expires, then the plugin runs again; a 401 runs it again at once', async () => {
    const soon = new Date(Date.now() + 11_000).toISOString();
    const p = plugin('expiring', credential({ token: 'exec-token', expirationTimestamp: soon }));
    const credentials = await credentialsFor(
      target({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: p.command, env: [{ name: 'X', value: '1' }] } }),
    );
    expect(credentials.method).toBe('exec plugin expiring');
    const [a, b] = await Promise.all([credentials.prepare(), credentials.prepare()]);
    expect(a.headers.authorization).toBe('Bearer exec-token');
    expect(b.headers.authorization).toBe('Bearer exec-token');
    expect(p.runs()).toBe(1);
    expect(credentials.invalidate()).toBe(true);
    await credentials.prepare();
    expect(p.runs()).toBe(2);
  });
  test('no expiry: one run serves the whole step', async () => {
    const p = plugin('forever', credential({ token: 't' }, 'client.authentication.k8s.io/v1beta1'));
    const credentials = await credentialsFor(target({ exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: p.command } }));
    for (let i = 0; i < 3; i++) await credentials.prepare();
    expect(p.runs()).toBe(1);
  });
  test('expired (within the margin): every use runs it', async () => {
    const p = plugin('expired', credential({ token: 't', expirationTimestamp: new Date(Date.now() + 1_000).toISOString() }));
    const credentials = await credentialsFor(target({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: p.command } }));
    await credentials.prepare();
    await credentials.prepare();
    expect(p.runs()).toBe(2);
  });
  test('KUBERNETES_EXEC_INFO carries the cluster when provideClusterInfo is set', async () => {
    const p = plugin('info', credential({ token: 't' }));
    const t = target(
      {},
      { 'certificate-authority-data': 'Q0E=', extensions: [{ name: 'client.authentication.k8s.io/exec', extension: { audience: 'x' } }] },
    );
    await runExecPlugin({ apiVersion: 'client.authentication.k8s.io/v1', command: p.command, provideClusterInfo: true }, t);
    expect(JSON.parse(readFileSync(`${p.command}.info`, 'utf8'))).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: {
        interactive: false,
        cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': 'Q0E=', config: { audience: 'x' } },
      },
    });
  });
  test.each([
    ['bad-json', 'not json', 0, 'its output is not an ExecCredential (not JSON)'],
    ['wrong-kind', JSON.stringify({ kind: 'Status' }), 0, 'its output is not an ExecCredential (kind "Status")'],
    [
      'wrong-version',
      credential({ token: 't' }, 'client.authentication.k8s.io/v1beta1'),
      0,
      'it answered with apiVersion client.authentication.k8s.io/v1beta1, the kubeconfig asks for client.authentication.k8s.io/v1',
    ],
    ['empty', credential({}), 0, 'its ExecCredential has neither status.token nor status.clientCertificateData and clientKeyData'],
    ['bad-expiry', credential({ token: 't', expirationTimestamp: 'soon' }), 0, 'its expirationTimestamp "soon" is not a date'],
    ['fails', 'nothing', 3, 'it exited with code 3: plugin stderr: arg1'],
  ])('%s → %s', async (name, output, exitCode, why) => {
    const p = plugin(name, output, exitCode);
    const error = await runExecPlugin(
      { apiVersion: 'client.authentication.k8s.io/v1', command: p.command, args: ['arg1'], installHint: 'install it' },
      target({}),
    ).catch((e: any) => e);
    expect(error.message).toBe(`The kubeconfig's exec credential plugin \`${p.command}\` failed`);
    expect(error.why).toBe(why);
    expect(error.check[0]).toBe('install it');
  });
  test('not installed, an unknown apiVersion, interactiveMode Always', async () => {
    const missing = await runExecPlugin(
      { apiVersion: 'client.authentication.k8s.io/v1', command: 'deploy-kit-no-such-plugin' },
      target({}),
    ).catch((e: any) => e);
    expect(missing.why).toBe('deploy-kit-no-such-plugin was not found');
    expect(missing.check[0]).toBe('`deploy-kit-no-such-plugin` is installed and on PATH on the runner');
    await expect(runExecPlugin({ apiVersion: 'client.authentication.k8s.io/v1alpha1', command: 'x' }, target({}))).rejects.toThrow(
      'its exec plugin\'s apiVersion "client.authentication.k8s.io/v1alpha1" is not supported',
    );
    const always = await runExecPlugin(
      { apiVersion: 'client.authentication.k8s.io/v1', command: 'x', interactiveMode: 'Always' },
      target({}),
    ).catch((e: any) => e);
    expect(always.why).toContain('interactiveMode: Always');
  });
});

describe("proxyFromEnvironment (kubectl's HTTPS_PROXY / NO_PROXY rules)", () => {
  const proxy = { url: 'http://proxy.corp:3128', source: 'HTTPS_PROXY' };
  test.each([
    ['https://api.eks.example:443', { HTTPS_PROXY: 'http://proxy.corp:3128' }, proxy],
    ['https://api.eks.example', { https_proxy: 'proxy.corp:3128' }, { url: 'http://proxy.corp:3128', source: 'https_proxy' }],
    ['http://api.example', { HTTPS_PROXY: 'http://proxy.corp:3128' }, undefined],
    ['https://api.example', {}, undefined],
    ['https://localhost:6443', { HTTPS_PROXY: 'http://proxy.corp:3128' }, undefined],
    ['https://127.0.0.5:6443', { HTTPS_PROXY: 'http://proxy.corp:3128' }, undefined],
    ['https://[::1]:6443', { HTTPS_PROXY: 'http://proxy.corp:3128' }, undefined],
    ['https://api.example', { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: '*' }, undefined],
    ['https://api.example', { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: 'other.com, example' }, undefined],
    ['https://example', { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: 'example' }, undefined],
    ['https://example', { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: '.example' }, proxy],
    ['https://a.example', { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: '*.example' }, undefined],
    ['https://notexample', { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: 'example' }, proxy],
    ['https://api.example:6443', { HTTPS_PROXY: 'http://proxy.corp:3128', no_proxy: 'api.example:443' }, proxy],
    ['https://api.example:6443', { HTTPS_PROXY: 'http://proxy.corp:3128', no_proxy: 'api.example:6443' }, undefined],
    ['https://10.1.2.3:6443', { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: '10.0.0.0/8' }, undefined],
    ['https://10.1.2.3:6443', { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: '10.1.2.3' }, undefined],
    ['https://11.1.2.3:6443', { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: '10.0.0.0/8,10.1.2.3' }, proxy],
    ['https://[fd00::5]:6443', { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: 'fd00::/8' }, undefined],
    ['https://[fd00::5]:6443', { HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: '[fd00::5]:6443' }, undefined],
  ])('%s %j', (server, env, expected) => expect(proxyFromEnvironment(server, env)).toEqual(expected));
  test('an unsupported proxy scheme is named with where it came from', async () => {
    const remote = { ...target({ token: 't' }, { server: 'https://api.example' }), server: 'https://api.example' };
    await expect(credentialsFor(remote, { HTTPS_PROXY: 'socks5://proxy:1080' })).rejects.toThrow(
      'HTTPS_PROXY uses socks5, which is not supported',
    );
    // A loopback server never goes through the environment's proxy, so it is not even looked at.
    await expect(credentialsFor(target({ token: 't' }), { HTTPS_PROXY: 'socks5://proxy:1080' })).resolves.toBeDefined();
  });
});
