// image-tags, run from its bundle (dist/image-tags/index.js) exactly as the runner runs it, on the
// real event payload fixtures of actions/image-tags/__tests__/fixtures/: seed naming (services,
// services-from over a real workspace, kinds), docker/metadata-action's DSL on every event, labels
// and annotations, DOCKER_METADATA_OUTPUT_*, bake files, the matrix, the pin, the explain table,
// `context: git` on a real repository, and the GitHub API through a local server whose answers are
// checked against GitHub's OpenAPI description (`repos/get`, `repos/get-commit`). Every expected
// failure: exit 1, one ::error:: naming the input (and line), nothing written.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, type Socket, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startGitHubFake } from './fakes/github/index.mjs';
import { parseWorkflowCommand } from './lib/runner.mjs';
import { REPO_ROOT, expectFailure, expectSuccess, readActionYml, runAction, type RunActionOptions, type RunResult } from './harness.js';

const ACTION = 'image-tags';
const FIXTURES = join(REPO_ROOT, 'actions/image-tags/__tests__/fixtures');
const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const TOKEN = 'ghs_ImageTagsActionTestToken0123456789abcdef';
const DECLARED_OUTPUTS = Object.keys(readActionYml(ACTION).outputs ?? {}).sort();
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;

// ---------------------------------------------------------------------------------------------
// GitHub's OpenAPI description, and a small validator for the answers of the local API server

type Schema = Record<string, unknown>;
const SPEC = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/@octokit/openapi/generated/api.github.com.json'), 'utf8')) as Schema;

function deref(schema: unknown): Schema | undefined {
  let s = schema as Schema | undefined;
  while (s && typeof s.$ref === 'string') {
    s = s.$ref
      .split('/')
      .slice(1)
      .reduce<unknown>((node, key) => (node as Schema)[key], SPEC) as Schema;
  }
  return s;
}

function jsonType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
}

/** Violations of `value` against an OpenAPI 3.0 schema: types, nullable, required, enums, allOf/anyOf/oneOf, items. */
function violations(schema: unknown, value: unknown, path = '$', out: string[] = []): string[] {
  const s = deref(schema);
  if (!s) return out;
  const alternatives = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (alternatives && !alternatives.some((alt) => violations(alt, value, path, []).length === 0))
    out.push(`${path}: matches none of the alternatives`);
  for (const sub of (s.allOf as unknown[] | undefined) ?? []) violations(sub, value, path, out);
  if (value === null) {
    if (!s.nullable && !alternatives && s.type !== undefined) out.push(`${path}: null is not allowed`);
    return out;
  }
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
  const t = jsonType(value);
  if (types.length > 0 && !types.includes(t) && !(t === 'integer' && types.includes('number'))) {
    out.push(`${path}: expected ${types.join('|')}, got ${t}`);
    return out;
  }
  if (Array.isArray(s.enum) && !s.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} is not one of the enum values`);
  if (t === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of (s.required as string[] | undefined) ?? []) if (!(key in object)) out.push(`${path}.${key}: required but missing`);
    for (const [key, sub] of Object.entries((s.properties as Record<string, unknown> | undefined) ?? {})) {
      if (key in object) violations(sub, object[key], `${path}.${key}`, out);
    }
  }
  if (Array.isArray(value) && s.items) value.forEach((item, i) => violations(s.items, item, `${path}[${i}]`, out));
  return out;
}

function responseSchema(path: string): unknown {
  const responses = ((SPEC.paths as Schema)[path] as Schema).get as Schema;
  return ((((responses.responses as Schema)['200'] as Schema).content as Schema)['application/json'] as Schema).schema;
}
const REPO_SCHEMA = responseSchema('/repos/{owner}/{repo}');
const COMMIT_SCHEMA = responseSchema('/repos/{owner}/{repo}/commits/{ref}');
const EXAMPLES = (SPEC.components as Schema).examples as Record<string, { value: Record<string, unknown> }>;

/** GET /repos/{owner}/{repo}: GitHub's documented example, made this repository's. */
function repositoryResponse(
  owner: string,
  repo: string,
  facts: { description: string | null; spdx: string | null; name?: string },
): Record<string, unknown> {
  const example = structuredClone(EXAMPLES['full-repository-default-response']!.value);
  delete example.source; // a fork's parent and source are optional; this repository is no fork
  delete example.parent;
  const name = facts.name ?? repo;
  const htmlUrl = `https://github.com/${owner}/${name}`;
  return {
    ...example,
    name,
    full_name: `${owner}/${name}`,
    description: facts.description,
    html_url: htmlUrl,
    clone_url: `${htmlUrl}.git`,
    default_branch: 'master',
    language: 'Go', // required by the schema, missing from the example
    license:
      facts.spdx === null
        ? null
        : {
            key: facts.spdx.toLowerCase(),
            name: `${facts.spdx} License`,
            url: `https://api.github.com/licenses/${facts.spdx.toLowerCase()}`,
            spdx_id: facts.spdx,
            node_id: 'MDc6TGljZW5zZW1pdA==',
          },
    fork: false,
  };
}

/** GET /repos/{owner}/{repo}/commits/{ref}: GitHub's documented example for this SHA and date. */
function commitResponse(sha: string, date: string): Record<string, unknown> {
  const example = structuredClone(EXAMPLES.commit!.value);
  delete example.files; // optional; the example's file entries lack required fields
  const commit = example.commit as Record<string, Record<string, unknown>>;
  return { ...example, sha, commit: { ...commit, committer: { ...commit.committer, date }, author: { ...commit.author, date } } };
}

// ---------------------------------------------------------------------------------------------
// The local GitHub API: repositories it knows, requests it saw

interface SeenRequest {
  method: string;
  path: string;
  authorization: string;
}

const api = {
  server: undefined as Server | undefined,
  url: '',
  closedUrl: '',
  requests: [] as SeenRequest[],
  served: [] as Array<{ path: string; body: unknown; schema: unknown }>,
  repos: new Map<string, Record<string, unknown>>(),
  commitDate: '2024-03-07T22:15:30Z',
};

function notFound(): object {
  return { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/repos#get-a-repository', status: '404' };
}

function handle(req: IncomingMessage): { status: number; body: unknown; schema?: unknown } {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  api.requests.push({ method: req.method ?? '', path: url.pathname, authorization: String(req.headers.authorization ?? '') });
  if (req.headers.authorization !== `token ${TOKEN}`) {
    return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } };
  }
  if (req.method !== 'GET') return { status: 404, body: notFound() };
  let m = /^\/repos\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (m) {
    const repo = api.repos.get(`${m[1]}/${m[2]}`);
    return repo ? { status: 200, body: repo, schema: REPO_SCHEMA } : { status: 404, body: notFound() };
  }
  m = /^\/repos\/([^/]+)\/([^/]+)\/commits\/([0-9a-f]{40})$/.exec(url.pathname);
  if (m && api.repos.has(`${m[1]}/${m[2]}`)) return { status: 200, body: commitResponse(m[3]!, api.commitDate), schema: COMMIT_SCHEMA };
  return { status: 404, body: notFound() };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

beforeAll(async () => {
  // docker/metadata-action's tests answer repoData() with repo.json; this server answers the same facts.
  api.repos.set(
    'docker/test-docker-action',
    repositoryResponse('octocat', 'test-docker-action', { name: 'Hello-World', description: 'This your first repo!', spdx: 'MIT' }),
  );
  api.repos.set(
    'example-org/sample-service',
    repositoryResponse('example-org', 'sample-service', { description: 'Sample service from the API', spdx: 'Apache-2.0' }),
  );
  api.server = createServer((req, res) => {
    const answer = handle(req);
    if (answer.schema) api.served.push({ path: req.url ?? '', body: answer.body, schema: answer.schema });
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'x-github-media-type': 'github.v3; format=json' });
    res.end(JSON.stringify(answer.body));
  });
  api.url = `http://127.0.0.1:${await listen(api.server)}`;
  // A port that was just free and is closed again: connections are refused.
  const probe = createServer();
  const closed = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  api.closedUrl = `http://127.0.0.1:${closed}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (api.server ? api.server.close(() => resolve()) : resolve()));
});

// ---------------------------------------------------------------------------------------------
// Running the action

/** A fixture `.env` + its payload as run options (event name, ref, SHA, repository, payload). */
function fixture(envFile: string): RunActionOptions {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(FIXTURES, envFile), 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const i = line.indexOf('=');
    env[line.slice(0, i)] = line.slice(i + 1);
  }
  const event = env.GITHUB_EVENT_PATH ? (JSON.parse(readFileSync(join(FIXTURES, env.GITHUB_EVENT_PATH), 'utf8')) as object) : {};
  return { eventName: env.GITHUB_EVENT_NAME, ref: env.GITHUB_REF, sha: env.GITHUB_SHA, repository: env.GITHUB_REPOSITORY, event };
}

/** Runs the action against the local API with the test token (leak-checked on every run). */
function run(options: RunActionOptions = {}): Promise<RunResult> {
  return runAction(ACTION, {
    ...options,
    token: TOKEN,
    secrets: [TOKEN, ...(options.secrets ?? [])],
    env: { GITHUB_API_URL: api.url, ...options.env },
  });
}

const lines = (text: string | undefined) => (text ?? '').split('\n').filter((l) => l !== '');

/** Success, every declared output written, json consistent with them, no runner problems. */
function expectOk(result: RunResult): void {
  expectSuccess(result);
  expect(Object.keys(result.outputs).sort()).toEqual(DECLARED_OUTPUTS);
  expect(result.problems).toEqual([]);
  expect(result.stderr).toBe('');
  const json = result.json as Record<string, unknown>;
  expect(json.tags).toEqual(lines(result.outputs.tags));
  expect(json['tag-names']).toEqual(lines(result.outputs['tag-names']));
  expect(json.version).toBe(result.outputs.version);
}

/** Labels without the created date (the run's clock), which must be an ISO timestamp. */
function labelsOf(result: RunResult): string[] {
  const all = lines(result.outputs.labels);
  const created = all.find((l) => l.startsWith('org.opencontainers.image.created='));
  expect(created?.split('=')[1]).toMatch(ISO);
  return all.filter((l) => l !== created);
}

/** The OCI labels metadata-action gives with repo.json's repository (created left out). */
function helloWorldLabels(revision: string, version: string): string[] {
  return [
    'org.opencontainers.image.description=This your first repo!',
    'org.opencontainers.image.licenses=MIT',
    `org.opencontainers.image.revision=${revision}`,
    'org.opencontainers.image.source=https://github.com/octocat/Hello-World',
    'org.opencontainers.image.title=Hello-World',
    'org.opencontainers.image.url=https://github.com/octocat/Hello-World',
    `org.opencontainers.image.version=${version}`,
  ];
}

/** The OCI labels of docker/test-docker-action as its own payloads carry it (event_pull_request.json's `repository`). */
function testDockerActionLabels(revision: string, version: string): string[] {
  return [
    'org.opencontainers.image.description=Test "Docker" Actions',
    'org.opencontainers.image.licenses=MIT',
    `org.opencontainers.image.revision=${revision}`,
    'org.opencontainers.image.source=https://github.com/docker/test-docker-action',
    'org.opencontainers.image.title=test-docker-action',
    'org.opencontainers.image.url=https://github.com/docker/test-docker-action',
    `org.opencontainers.image.version=${version}`,
  ];
}

/**
 * Runs `fn` with the local API answering GET /repos/{GITHUB_REPOSITORY} with the repository object the
 * event payload carries, when it carries that repository's (push and pull-request payloads do): on
 * GitHub the payload's `repository` and the API's answer are the same object. The standing answers
 * (repo.json's facts, as metadata-action's tests mock repoData()) are for payloads that carry none.
 */
async function withApiAgreeingWithPayload<T>(options: RunActionOptions, fn: () => Promise<T>): Promise<T> {
  const carried = (options.event as { repository?: Record<string, unknown> } | undefined)?.repository;
  const repository = options.repository ?? '';
  if (!carried || typeof carried.full_name !== 'string' || carried.full_name.toLowerCase() !== repository.toLowerCase()) return fn();
  const [owner, name] = carried.full_name.split('/') as [string, string];
  const license = carried.license as { spdx_id?: string } | null | undefined;
  const standing = api.repos.get(repository);
  api.repos.set(
    repository,
    repositoryResponse(owner, name, {
      description: (carried.description as string | null | undefined) ?? null,
      spdx: license?.spdx_id ?? null,
    }),
  );
  try {
    return await fn();
  } finally {
    if (standing) api.repos.set(repository, standing);
    else api.repos.delete(repository);
  }
}

/** Exit 1, one ::error:: with every part, nothing written (outputs, env, summary), no stack trace. */
function expectCleanFailure(result: RunResult, parts: readonly string[]): void {
  expectFailure(result, parts[0]!);
  expect(result.errors).toHaveLength(1);
  for (const part of parts) expect(result.errors[0]).toContain(part);
  expect(result.outputs).toEqual({});
  expect(result.env).toEqual({});
  expect(result.summary).toBe('');
  expect(result.stdout).not.toMatch(STACK_FRAME);
  expect(result.stderr).toBe('');
  expect(result.log).not.toContain('Unexpected error');
}

const TYPICAL_TAGS = [
  'type=schedule',
  'type=ref,event=branch',
  'type=ref,event=pr',
  'type=semver,pattern={{version}}',
  'type=semver,pattern={{major}}.{{minor}}',
  'type=sha',
].join('\n');
const SERVICES = 'core payments chat';

// ---------------------------------------------------------------------------------------------

describe('seed naming', () => {
  test('services on an rc tag: every service × (tag, pin), the pin per service, the matrix', async () => {
    const r = await run({ ...fixture('dk_tag_v1.2.3-rc.1.env'), inputs: { services: SERVICES, registry: ECR } });
    expectOk(r);
    const sha7 = 'fedcba9';
    expect(r.outputs.version).toBe('v1.2.3-rc.1');
    expect(lines(r.outputs.tags)).toEqual(
      ['core', 'payments', 'chat'].flatMap((s) => [`${ECR}/ms_${s}:v1.2.3-rc.1`, `${ECR}/ms_${s}:sha-${sha7}`]),
    );
    expect(lines(r.outputs['tag-names'])).toEqual(['v1.2.3-rc.1', `sha-${sha7}`]);
    expect(lines(r.outputs.pin)).toEqual(['core', 'payments', 'chat'].map((s) => `${ECR}/ms_${s}:sha-${sha7}`));
    expect(labelsOf(r)).toContain('org.opencontainers.image.version=v1.2.3-rc.1');
    expect(r.warnings).toEqual([]);
  });

  test('services-from over directories (cmd/ms/*): the last path element is the service', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'image-tags-ws-'));
    try {
      for (const dir of ['cmd/ms/core', 'cmd/ms/payments', 'cmd/ms/chat', 'cmd/cli/deployer'])
        mkdirSync(join(workspace, dir), { recursive: true });
      const r = await run({ ...fixture('dk_tag_v1.2.3.env'), cwd: workspace, inputs: { 'services-from': 'cmd/ms/*', registry: ECR } });
      expectOk(r);
      // sorted by path, as the glob lists them
      expect(JSON.parse(r.outputs.matrix!).include.map((e: { service: string }) => e.service)).toEqual(['chat', 'core', 'payments']);
      expect(lines(r.outputs.tags)).toContain(`${ECR}/ms_payments:v1.2.3`);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  test('services-from over binaries (bin_arm64/ms/ms_*): the ms_ prefix is removed once; listed services come first', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'image-tags-ws-'));
    try {
      mkdirSync(join(workspace, 'bin_arm64/ms'), { recursive: true });
      for (const file of ['ms_core', 'ms_payments', 'ms_ms_legacy']) writeFileSync(join(workspace, 'bin_arm64/ms', file), '\x7fELF');
      const r = await run({
        ...fixture('dk_tag_v1.2.3.env'),
        cwd: workspace,
        inputs: { services: 'chat', 'services-from': 'bin_arm64/ms/ms_*', registry: ECR, tag: 'v1.2.3' },
      });
      expectOk(r);
      const matrix = JSON.parse(r.outputs.matrix!) as { include: Array<{ service: string; image: string }> };
      expect(matrix.include.map((e) => e.image)).toEqual([`${ECR}/ms_chat`, `${ECR}/ms_core`, `${ECR}/ms_ms_legacy`, `${ECR}/ms_payments`]);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  test('services-from that matches nothing fails before anything is written', async () => {
    const r = await run({ ...fixture('dk_tag_v1.2.3.env'), inputs: { 'services-from': 'cmd/ms/*' } });
    expectCleanFailure(r, ['Input "services-from"', 'pattern "cmd/ms/*" matched nothing']);
  });

  test.each<[string, Record<string, string>, string[]]>([
    ['kind cli', { services: 'deployer cli_migrate', kind: 'cli' }, [`${ECR}/cli_deployer`, `${ECR}/cli_migrate`]],
    ['a custom template', { services: 'core', kind: 'team/svc-{name}' }, [`${ECR}/team/svc-core`]],
  ])('%s', async (_n, inputs, images) => {
    const r = await run({ ...fixture('dk_tag_v1.2.3.env'), inputs: { registry: ECR, ...inputs } });
    expectOk(r);
    expect((JSON.parse(r.outputs.matrix!) as { include: Array<{ image: string }> }).include.map((e) => e.image)).toEqual(images);
    expect(lines(r.outputs['tag-names'])).toEqual(['v1.2.3', 'sha-fedcba9']);
  });

  test('a branch push without tag: metadata-action default tags for every service, plus the pin', async () => {
    const r = await run({ ...fixture('dk_push_main.env'), inputs: { services: 'core', registry: ECR } });
    expectOk(r);
    expect(lines(r.outputs.tags)).toEqual([`${ECR}/ms_core:main`, `${ECR}/ms_core:sha-0123456`]);
    expect(r.outputs.version).toBe('main');
  });

  test('type=channel and a tag-based pin from parse-version rules', async () => {
    const r = await run({
      ...fixture('dk_tag_v1.2.3-rc.1.env'),
      inputs: {
        services: 'core',
        registry: ECR,
        tags: 'type=semver,pattern={{version}}\ntype=channel\ntype=channel,format=env-sha',
        pin: '{tag}-{sha7}',
      },
    });
    expectOk(r);
    expect(lines(r.outputs['tag-names'])).toEqual(['v1.2.3-rc.1', '1.2.3-rc.1', 'staging', 'staging-fedcba9', 'v1.2.3-rc.1-fedcba9']);
    expect(r.outputs.pin).toBe(`${ECR}/ms_core:v1.2.3-rc.1-fedcba9`);
  });
});

describe('docker/metadata-action DSL on real events', () => {
  test.each<[string, string, string[], string, typeof helloWorldLabels?]>([
    ['push to the default branch', 'dk_push_main.env', ['main', 'sha-0123456'], '0123456789abcdef0123456789abcdef01234567'],
    ['push to a feature branch', 'dk_push_feature_x.env', ['feature-x', 'sha-89abcde'], '89abcdef0123456789abcdef0123456789abcdef'],
    ['release tag v1.2.3', 'dk_tag_v1.2.3.env', ['1.2.3', '1.2', 'sha-fedcba9', 'latest'], 'fedcba9876543210fedcba9876543210fedcba98'],
    [
      'prerelease tag v1.2.3-rc.1: never latest (stable-only)',
      'dk_tag_v1.2.3-rc.1.env',
      ['1.2.3-rc.1', 'sha-fedcba9'],
      'fedcba9876543210fedcba9876543210fedcba98',
    ],
    // The payload carries docker/test-docker-action, and the API answers the same object (issue 18).
    [
      'pull_request',
      'event_pull_request.env',
      ['pr-15', 'sha-a9c8c58'],
      'a9c8c5828b91be19d9728548b24759e352367ef1',
      testDockerActionLabels,
    ],
    ['pull_request_target (ref rewritten to the PR)', 'event_pull_request_target.env', ['pr-15', 'sha-2665741'], ''],
    ['schedule', 'event_schedule.env', ['nightly', 'master', 'sha-860c190'], '860c1904a1ce19322e91ac35af1ab07466440c37'],
    ['release event', 'event_release_created.env', ['1.1.1', '1.1', 'sha-860c190', 'latest'], '860c1904a1ce19322e91ac35af1ab07466440c37'],
  ])('%s', async (_n, env, names, revision, repositoryLabels = helloWorldLabels) => {
    // (what `enable=${{ github.event_name != 'pull_request' }}` gives on a pull request)
    const options = fixture(env);
    const r = await withApiAgreeingWithPayload(options, () =>
      run({
        ...options,
        inputs: { images: 'ghcr.io/Example-Org/App\nname=docker.io/example/app,enable=false', tags: TYPICAL_TAGS },
      }),
    );
    expectOk(r);
    // images are lowercased as metadata-action does; a disabled image gets no tags
    expect(lines(r.outputs.tags)).toEqual(names.map((n) => `ghcr.io/example-org/app:${n}`));
    expect(lines(r.outputs['tag-names'])).toEqual(names);
    expect(r.outputs.version).toBe(names[0]);
    if (revision) expect(labelsOf(r)).toEqual(repositoryLabels(revision, names[0]!));
    // metadata-action mode: the tags are exactly the DSL's; the pin is separate
    expect(r.outputs.pin).toBe(`ghcr.io/example-org/app:${names.find((n) => n.startsWith('sha-'))}`);
  });

  test('several images: every image × every tag, and one pin per image', async () => {
    const r = await run({ ...fixture('event_schedule.env'), inputs: { images: 'ghcr.io/o/app\nname=docker.io/o/app,enable=true' } });
    expectOk(r);
    // metadata-action's default rules on a schedule: nightly and the branch
    expect(lines(r.outputs.tags)).toEqual([
      'ghcr.io/o/app:nightly',
      'ghcr.io/o/app:master',
      'docker.io/o/app:nightly',
      'docker.io/o/app:master',
    ]);
    expect(lines(r.outputs.pin)).toEqual(['ghcr.io/o/app:sha-860c190', 'docker.io/o/app:sha-860c190']);
  });

  test('latest-policy: metadata-action gives latest to a prerelease tag, as upstream does', async () => {
    const r = await run({ ...fixture('event_tag_v2.0.8-beta.67.env'), inputs: { images: 'user/app', 'latest-policy': 'metadata-action' } });
    expectOk(r);
    expect(lines(r.outputs['tag-names'])).toEqual(['v2.0.8-beta.67', 'latest']);
    const stable = await run({ ...fixture('event_tag_v2.0.8-beta.67.env'), inputs: { images: 'user/app' } });
    expect(lines(stable.outputs['tag-names'])).toEqual(['v2.0.8-beta.67']);
  });

  test('labels and annotations: extra entries, expressions, annotation levels', async () => {
    const r = await run({
      ...fixture('dk_tag_v1.2.3.env'),
      inputs: {
        images: 'user/app',
        tags: 'type=semver,pattern={{version}}',
        labels: 'maintainer=platform-team\norg.opencontainers.image.vendor=Example Org\norg.opencontainers.image.title=backend-{{tag}}',
        annotations: 'org.opencontainers.image.description=Release {{tag}}',
      },
      env: { DOCKER_METADATA_ANNOTATIONS_LEVELS: 'manifest,index' },
    });
    expectOk(r);
    const labels = labelsOf(r);
    expect(labels).toContain('maintainer=platform-team');
    expect(labels).toContain('org.opencontainers.image.vendor=Example Org');
    expect(labels).toContain('org.opencontainers.image.title=backend-v1.2.3');
    const annotations = lines(r.outputs.annotations);
    expect(annotations.filter((a) => a.startsWith('manifest:'))).toHaveLength(8);
    expect(annotations.filter((a) => a.startsWith('index:'))).toHaveLength(8);
    expect(annotations).toContain('index:org.opencontainers.image.description=Release v1.2.3');
    expect((r.json as { labels: Record<string, string> }).labels.maintainer).toBe('platform-team');
  });

  test('separators are read untrimmed: a space between tags, a comma between labels', async () => {
    const r = await run({
      ...fixture('dk_tag_v1.2.3.env'),
      inputs: { images: 'user/app', tags: 'type=semver,pattern={{version}}\ntype=sha', 'sep-tags': ' ', 'sep-labels': ',' },
    });
    expectSuccess(r);
    expect((r.json as { tags: string[] }).tags.join(' ')).toBe(r.outputs.tags);
    expect(r.outputs.tags).toBe('user/app:1.2.3 user/app:sha-fedcba9 user/app:latest');
    expect(r.outputs.labels!.split(',')).toHaveLength(8);
  });

  test('a quoted attribute with a comma (csv-parse, loaded on demand)', async () => {
    const r = await run({
      ...fixture('event_tag_v1.1.1.env'),
      inputs: { images: 'user/app', tags: 'type=match,"pattern=v(\\d{1,3}.\\d{1,3}).\\d{1,3}",group=1' },
    });
    expectOk(r);
    expect(lines(r.outputs['tag-names'])).toEqual(['1.1', 'latest']);
  });
});

describe('what the runner keeps', () => {
  test('DOCKER_METADATA_OUTPUT_* in GITHUB_ENV, equal to the outputs; none with DOCKER_METADATA_SET_OUTPUT_ENV=false', async () => {
    const r = await run({ ...fixture('dk_tag_v1.2.3.env'), inputs: { images: 'user/app' } });
    expectOk(r);
    expect(Object.keys(r.env).sort()).toEqual(
      [
        'ANNOTATIONS',
        'BAKE_FILE',
        'BAKE_FILE_ANNOTATIONS',
        'BAKE_FILE_LABELS',
        'BAKE_FILE_TAGS',
        'JSON',
        'LABELS',
        'TAGS',
        'TAG_NAMES',
        'VERSION',
      ].map((n) => `DOCKER_METADATA_OUTPUT_${n}`),
    );
    expect(r.env.DOCKER_METADATA_OUTPUT_TAGS).toBe(r.outputs.tags);
    expect(r.env.DOCKER_METADATA_OUTPUT_TAG_NAMES).toBe(r.outputs['tag-names']);
    expect(r.env.DOCKER_METADATA_OUTPUT_BAKE_FILE).toBe(r.outputs['bake-file']);
    expect(JSON.parse(r.env.DOCKER_METADATA_OUTPUT_JSON!)).toEqual(r.json);
    const off = await run({
      ...fixture('dk_tag_v1.2.3.env'),
      inputs: { images: 'user/app' },
      env: { DOCKER_METADATA_SET_OUTPUT_ENV: 'false' },
    });
    expectOk(off);
    expect(off.env).toEqual({});
  });

  test('bake files are written under RUNNER_TEMP in docker/bake-action form', async () => {
    const r = await run({
      ...fixture('dk_tag_v1.2.3.env'),
      keepTemp: true,
      inputs: { images: 'user/app', tags: 'type=semver,pattern={{version}}', 'bake-target': 'meta-helper' },
    });
    try {
      expectOk(r);
      const runnerTemp = join(r.tempDir, 'runner_temp');
      const read = (output: string) => {
        const path = r.outputs[output]!;
        expect(path.startsWith(`${runnerTemp}/`)).toBe(true);
        return JSON.parse(readFileSync(path, 'utf8')) as { target: Record<string, Record<string, unknown>> };
      };
      expect(r.outputs['bake-file-tags']!.endsWith('/docker-metadata-action-bake-tags.json')).toBe(true);
      expect(read('bake-file-tags')).toEqual({
        target: {
          'meta-helper': {
            tags: ['user/app:1.2.3', 'user/app:latest'],
            args: { DOCKER_META_IMAGES: 'user/app', DOCKER_META_VERSION: '1.2.3' },
          },
        },
      });
      expect(read('bake-file-labels').target['meta-helper']!.labels).toEqual((r.json as { labels: unknown }).labels);
      expect(read('bake-file-annotations').target['meta-helper']!.annotations).toEqual(lines(r.outputs.annotations));
      const both = read('bake-file').target['meta-helper']!;
      expect(Object.keys(both).sort()).toEqual(['args', 'labels', 'tags']);
    } finally {
      rmSync(r.tempDir, { recursive: true, force: true });
    }
  });

  test('the matrix output is usable as strategy.matrix: include entries of scalars, one per service', async () => {
    const r = await run({ ...fixture('dk_tag_v1.2.3.env'), inputs: { services: SERVICES, registry: ECR } });
    expectOk(r);
    const matrix = JSON.parse(r.outputs.matrix!) as Record<string, unknown>;
    expect(Object.keys(matrix)).toEqual(['include']);
    const include = matrix.include as Array<Record<string, unknown>>;
    expect(include).toHaveLength(3);
    for (const entry of include) {
      expect(Object.keys(entry).sort()).toEqual(['image', 'pin', 'service', 'tags']);
      for (const value of Object.values(entry)) expect(typeof value).toBe('string');
      expect(lines(entry.tags as string)).toEqual([`${entry.image}:v1.2.3`, `${entry.image}:sha-fedcba9`]);
      expect(entry.pin).toBe(`${entry.image}:sha-fedcba9`);
    }
  });

  test('the pin for migrate-job: one immutable reference; in metadata mode added to tags only with pin-in-tags', async () => {
    const seed = await run({ ...fixture('dk_tag_v1.2.3.env'), inputs: { services: 'core', registry: ECR } });
    expectOk(seed);
    expect(seed.outputs.pin).toBe(`${ECR}/ms_core:sha-fedcba9`);
    expect(lines(seed.outputs.tags)).toContain(seed.outputs.pin);
    const meta = await run({
      ...fixture('dk_tag_v1.2.3.env'),
      inputs: { images: 'user/app', tags: 'type=semver,pattern={{version}}', 'pin-in-tags': 'true', pin: 'sha-{sha}' },
    });
    expectOk(meta);
    expect(meta.outputs.pin).toBe('user/app:sha-fedcba9876543210fedcba9876543210fedcba98');
    expect(lines(meta.outputs.tags)).toEqual([
      'user/app:1.2.3',
      'user/app:latest',
      'user/app:sha-fedcba9876543210fedcba9876543210fedcba98',
    ]);
  });

  test('the step summary has the explain table: each rule, whether it fired, its tags, why not', async () => {
    const r = await run({
      ...fixture('dk_tag_v1.2.3-rc.1.env'),
      debug: true,
      inputs: {
        images: 'user/app',
        tags: 'type=ref,event=branch\ntype=semver,pattern={{version}}\ntype=raw,value=latest,enable={{is_default_branch}}',
      },
    });
    expectOk(r);
    expect(r.summary).toContain('### image-tags');
    expect(r.summary).toContain('| rule | fired? | tags | why not |');
    expect(r.summary).toContain(
      '| type=semver,pattern={{version}},value=,match=,enable=true,priority=900 (line 2) | yes | 1.2.3-rc.1 |  |',
    );
    expect(r.summary).toContain(
      '| type=ref,event=branch,enable=true,priority=600 (line 1) | no |  | ref refs/tags/v1.2.3-rc.1 is not a branch |',
    );
    expect(r.summary).toContain('enable={{is_default_branch}} evaluated to false');
    expect(r.summary).toMatch(/\| latest \| no \| {2}\| .*prerelease v1\.2\.3-rc\.1 never becomes latest/);
    // and under debug, in the log, after metadata-action's groups
    expect(r.log).toContain('##[debug]explain: ✗ type=ref,event=branch');
    expect(r.groups).toEqual(['Context info', 'Docker image version', 'Docker tags', 'Pin', 'Docker labels', 'Annotations']);
    // without debug logging the explain lines are not even written
    const quiet = await run({ ...fixture('dk_tag_v1.2.3-rc.1.env'), inputs: { images: 'user/app' } });
    expect(quiet.debug.filter((d) => d.startsWith('explain:'))).toEqual([]);
  });
});

describe('the GitHub API', () => {
  test('GET /repos/{owner}/{repo} with the token; the labels use its description and license', async () => {
    api.requests.length = 0;
    api.served.length = 0;
    const r = await run({
      ...fixture('dk_tag_v1.2.3.env'),
      repository: 'example-org/sample-service',
      inputs: { images: 'user/app', tags: 'type=semver,pattern={{version}}' },
    });
    expectOk(r);
    expect(api.requests).toEqual([{ method: 'GET', path: '/repos/example-org/sample-service', authorization: `token ${TOKEN}` }]);
    for (const served of api.served) expect([served.path, violations(served.schema, served.body)]).toEqual([served.path, []]);
    expect(labelsOf(r)).toEqual([
      'org.opencontainers.image.description=Sample service from the API',
      'org.opencontainers.image.licenses=Apache-2.0',
      'org.opencontainers.image.revision=fedcba9876543210fedcba9876543210fedcba98',
      'org.opencontainers.image.source=https://github.com/example-org/sample-service',
      'org.opencontainers.image.title=sample-service',
      'org.opencontainers.image.url=https://github.com/example-org/sample-service',
      'org.opencontainers.image.version=1.2.3',
    ]);
    expect(r.summary).toContain('**repository facts:** GitHub API (example-org/sample-service)');
    expect(r.warnings).toEqual([]);
  });

  test('a push payload of this repository (issue 18): its description, license, URL and default branch, no API request', async () => {
    api.requests.length = 0;
    const r = await run({
      ...fixture('dk_tag_v1.2.3.env'),
      repository: 'example-org/backend', // dk_tag.json's repository.full_name
      inputs: { images: 'user/app', tags: 'type=semver,pattern={{version}}' },
    });
    expectOk(r);
    expect(api.requests).toEqual([]);
    expect(labelsOf(r)).toEqual([
      'org.opencontainers.image.description=Backend services',
      'org.opencontainers.image.licenses=',
      'org.opencontainers.image.revision=fedcba9876543210fedcba9876543210fedcba98',
      'org.opencontainers.image.source=https://github.com/example-org/backend',
      'org.opencontainers.image.title=backend',
      'org.opencontainers.image.url=https://github.com/example-org/backend',
      'org.opencontainers.image.version=1.2.3',
    ]);
    expect(r.summary).toContain("**repository facts:** event payload (the push event carries example-org/backend's description");
    expect(r.warnings).toEqual([]);
  });

  test('the schema check can fail: a repository answer without a license or with a numeric name is rejected', () => {
    const good = repositoryResponse('o', 'r', { description: null, spdx: null });
    expect(violations(REPO_SCHEMA, good)).toEqual([]);
    const { license: _license, ...noLicense } = good;
    expect(violations(REPO_SCHEMA, { ...noLicense, name: 5 })).toEqual([
      '$.license: required but missing',
      '$.name: expected string, got integer',
    ]);
    expect(violations(COMMIT_SCHEMA, commitResponse('a'.repeat(40), api.commitDate))).toEqual([]);
  });

  test('{{commit_date}} with no commit in the payload: the date from GET /repos/{owner}/{repo}/commits/{sha}', async () => {
    api.requests.length = 0;
    api.served.length = 0;
    const r = await run({
      ...fixture('event_workflow_dispatch.env'),
      inputs: { images: 'user/app', tags: "type=raw,value={{commit_date 'YYYYMMDD-HHmmss'}}" },
    });
    expectOk(r);
    expect(lines(r.outputs['tag-names'])).toEqual(['20240307-221530']);
    expect(api.requests.map((q) => q.path).sort()).toEqual([
      '/repos/docker/test-docker-action',
      '/repos/docker/test-docker-action/commits/860c1904a1ce19322e91ac35af1ab07466440c37',
    ]);
    for (const served of api.served) expect([served.path, violations(served.schema, served.body)]).toEqual([served.path, []]);
  });

  test('a repository the API does not know (404): the payload repository, with a warning; still success', async () => {
    const r = await run({ ...fixture('dk_tag_v1.2.3.env'), repository: 'example-org/unknown', inputs: { images: 'user/app' } });
    expectOk(r);
    expect(r.warnings).toEqual([expect.stringContaining('Could not read example-org/unknown from the GitHub API')]);
    expect(r.warnings[0]).toContain('HTTP 404');
    expect(labelsOf(r)).toContain('org.opencontainers.image.description=Backend services'); // dk_tag.json's repository
  });

  test('the API unreachable (a closed port): the payload repository, with a warning, within a few seconds', async () => {
    const started = Date.now();
    const r = await run({ ...fixture('dk_tag_v1.2.3.env'), inputs: { images: 'user/app' }, env: { GITHUB_API_URL: api.closedUrl } });
    expectOk(r);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.warnings).toEqual([
      expect.stringMatching(
        /Could not read docker\/test-docker-action from the GitHub API at http:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\); the OCI labels and annotations use the event payload's repository instead\./,
      ),
    ]);
    expect(r.log).toMatch(/Retry GET \/repos\/docker\/test-docker-action: attempt 1 of 3 failed/);
    expect(labelsOf(r)).toContain('org.opencontainers.image.title=backend');
    expect(r.summary).toContain('event payload (the GitHub API did not answer');
  });

  test('an empty github-token asks nothing and says so', async () => {
    api.requests.length = 0;
    const r = await run({ ...fixture('dk_tag_v1.2.3.env'), inputs: { images: 'user/app', 'github-token': '' } });
    expectOk(r);
    expect(api.requests).toEqual([]);
    expect(r.warnings).toEqual([expect.stringContaining('github-token is empty')]);
  });

  test('a bad token (401) falls back too, and the token is never printed, even under debug', async () => {
    const other = 'ghp_AnotherSecretValue9876543210zyxwvu';
    const r = await run({
      ...fixture('dk_tag_v1.2.3.env'),
      debug: true,
      secrets: [other],
      inputs: { images: 'user/app', 'github-token': other },
    });
    expectOk(r);
    expect(r.masked).toContain(other);
    expect(r.warnings[0]).toContain('HTTP 401');
    expect(r.warnings[0]).toContain('Bad credentials');
  });
});

describe('a pull request payload (issue 18): the repository facts it carries, no API request', () => {
  test.each<[string, string, string]>([
    ['pull_request', 'event_pull_request.env', 'a9c8c5828b91be19d9728548b24759e352367ef1'],
    ['pull_request_target', 'event_pull_request_target.env', '266574110acf203503badf966df2ea24b5d732d7'],
  ])('%s of this repository, with the token: its description, license, URL and default branch; 0 API requests', async (event, env, sha) => {
    const options = fixture(env);
    api.requests.length = 0;
    const r = await withApiAgreeingWithPayload(options, () =>
      run({ ...options, inputs: { images: 'user/app', tags: 'type=ref,event=pr\ntype=edge\ntype=sha' } }),
    );
    expectOk(r);
    expect(api.requests).toEqual([]);
    // type=edge compares with the payload's default branch (master): not a branch ref here.
    expect(lines(r.outputs['tag-names'])).toEqual(['pr-15', `sha-${sha.slice(0, 7)}`]);
    expect(labelsOf(r)).toEqual(testDockerActionLabels(sha, 'pr-15'));
    expect(r.summary).toContain(`**repository facts:** event payload (the ${event} event carries docker/test-docker-action's description`);
    expect(r.warnings).toEqual([]);
  });

  test('a pull_request payload without the license key: GET /repos/{owner}/{repo} once, its answer in the labels', async () => {
    const options = fixture('event_pull_request.env');
    const event = structuredClone(options.event) as { repository: Record<string, unknown> };
    delete event.repository.license;
    api.requests.length = 0;
    const r = await withApiAgreeingWithPayload(options, () =>
      run({ ...options, event, inputs: { images: 'user/app', tags: 'type=ref,event=pr' } }),
    );
    expectOk(r);
    expect(api.requests).toEqual([{ method: 'GET', path: '/repos/docker/test-docker-action', authorization: `token ${TOKEN}` }]);
    expect(labelsOf(r)).toEqual(testDockerActionLabels('a9c8c5828b91be19d9728548b24759e352367ef1', 'pr-15'));
    expect(r.summary).toContain('**repository facts:** GitHub API (docker/test-docker-action)');
  });

  test("a pull_request payload of another repository than GITHUB_REPOSITORY: GET /repos/{owner}/{repo} once, for the step's repository", async () => {
    api.requests.length = 0;
    const r = await run({
      ...fixture('event_pull_request.env'),
      repository: 'example-org/sample-service',
      inputs: { images: 'user/app', tags: 'type=ref,event=pr' },
    });
    expectOk(r);
    expect(api.requests.map((q) => q.path)).toEqual(['/repos/example-org/sample-service']);
    expect(labelsOf(r)).toContain('org.opencontainers.image.description=Sample service from the API');
  });
});

describe('beside docker/metadata-action v6.2.0 on a pull request payload (its released bundle, same inputs, same API)', () => {
  /** The bundle and its action.yml (../shared/anchors, as bench/run.mjs finds it). */
  const anchor = process.env.DEPLOY_KIT_METADATA_ACTION ?? join(REPO_ROOT, '..', 'shared', 'anchors', 'metadata-action-v6.2.0');
  const present = existsSync(join(anchor, 'index.cjs.gz'));
  const peer = { root: '' };

  beforeAll(() => {
    if (!present) return;
    peer.root = mkdtempSync(join(tmpdir(), 'image-tags-peer-'));
    mkdirSync(join(peer.root, 'metadata-action', 'dist'), { recursive: true });
    copyFileSync(join(anchor, 'action.yml'), join(peer.root, 'metadata-action', 'action.yml'));
    writeFileSync(join(peer.root, 'metadata-action', 'dist', 'index.cjs'), gunzipSync(readFileSync(join(anchor, 'index.cjs.gz'))));
  });
  afterAll(() => {
    if (peer.root) rmSync(peer.root, { recursive: true, force: true });
  });

  /** The outputs both write, without the creation time (each run's clock). */
  const comparable = (r: RunResult) =>
    Object.fromEntries(
      ['version', 'tags', 'tag-names', 'labels', 'annotations'].map((name) => [
        name,
        lines(r.outputs[name]).filter((l) => !l.includes('org.opencontainers.image.created=')),
      ]),
    );

  // Without the bundle (a clone without ../shared, or DEPLOY_KIT_METADATA_ACTION) the comparison cannot
  // run and is skipped: the outputs are pinned by the tests above either way.
  (present ? test.each : test.skip.each)<[string, string, Record<string, string>, string[]]>([
    ['pull_request, the typical tags', 'event_pull_request.env', { tags: TYPICAL_TAGS }, []],
    [
      'pull_request, {{commit_date}}, {{base_ref}}, is_default_branch and a label',
      'event_pull_request.env',
      {
        tags: "type=ref,event=pr\ntype=raw,value={{base_ref}}-{{commit_date 'YYYYMMDD-HHmmss'}}\ntype=raw,value=default,enable={{is_default_branch}}",
        labels: 'org.opencontainers.image.vendor=Example {{base_ref}}',
      },
      ['/repos/docker/test-docker-action/commits/a9c8c5828b91be19d9728548b24759e352367ef1'],
    ],
    ['pull_request_target, the typical tags', 'event_pull_request_target.env', { tags: TYPICAL_TAGS }, []],
  ])('%s: the same outputs; metadata-action asks the API twice, image-tags only for a commit date', async (_n, env, inputs, ours) => {
    const options = fixture(env);
    const both = { ...options, inputs: { images: 'ghcr.io/example-org/app', ...inputs } };
    api.requests.length = 0;
    const mine = await withApiAgreeingWithPayload(options, () => run(both));
    const myRequests = api.requests.map((q) => q.path);
    api.requests.length = 0;
    const theirs = await withApiAgreeingWithPayload(options, () =>
      runAction('metadata-action', {
        ...both,
        root: peer.root,
        token: TOKEN,
        secrets: [TOKEN],
        env: { GITHUB_API_URL: api.url },
      }),
    );
    expectOk(mine);
    expectSuccess(theirs);
    expect(comparable(mine)).toEqual(comparable(theirs));
    expect(myRequests).toEqual(ours);
    expect(api.requests.map((q) => q.path).sort()).toEqual([
      `/repos/docker/test-docker-action`,
      `/repos/docker/test-docker-action/commits/${options.sha}`,
    ]);
  });
});

describe('trust (issue 20): bounded API calls, repository text that cannot forge workflow commands', () => {
  test('a server that accepts and never answers: the payload repository, with a warning naming the endpoint, within the 8 s budget', async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    });
    const port = await listen(silent as unknown as Server);
    try {
      const started = Date.now();
      const r = await run({
        ...fixture('dk_tag_v1.2.3.env'),
        inputs: { images: 'user/app' },
        env: { GITHUB_API_URL: `http://127.0.0.1:${port}` },
        timeoutMs: 30_000,
      });
      expectOk(r);
      // 8 s for both calls and every attempt, plus the process itself.
      expect(Date.now() - started).toBeLessThan(8_000 + 4_000);
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toMatch(
        new RegExp(
          `Could not read docker/test-docker-action from the GitHub API at http://127\\.0\\.0\\.1:${port} \\(GitHub API request GET 127\\.0\\.0\\.1:${port}/repos/docker/test-docker-action failed: no answer within \\d+\\.\\d s\\)`,
        ),
      );
      expect(labelsOf(r)).toContain('org.opencontainers.image.title=backend');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  }, 40_000);

  test('a plain-http remote GITHUB_API_URL: the token is not sent; a warning says why and the payload is used', async () => {
    const r = await run({
      ...fixture('dk_tag_v1.2.3.env'),
      inputs: { images: 'user/app' },
      env: { GITHUB_API_URL: 'http://ghes.example.invalid/api/v3' },
    });
    expectOk(r);
    expect(r.warnings).toEqual([
      expect.stringContaining('(Refused to send the GitHub token to http://ghes.example.invalid/api/v3 (GITHUB_API_URL))'),
    ]);
    expect(labelsOf(r)).toContain('org.opencontainers.image.title=backend');
  });

  test('a repository description (OpenAPI-checked fake) with CR/LF, `::add-mask::`, `::stop-commands::` and `##[error]`: one label line, no command', async () => {
    const forged = '\n::add-mask::forged-description\r::error::fake-description\r\n::stop-commands::tdesc\n##[error]v1-description';
    const fake = await startGitHubFake({
      repos: { 'docker/test-docker-action': { description: `Backend${forged}`, private: false } },
      tokens: { [TOKEN]: { login: 'image-tags' } },
    });
    try {
      const r = await run({ ...fixture('dk_tag_v1.2.3.env'), inputs: { images: 'user/app' }, env: { GITHUB_API_URL: fake.apiUrl } });
      expect(fake.describeViolations()).toBe('');
      expect(fake.requests.map((q) => q.operationId)).toEqual(['repos/get']);
      expectOk(r);
      expect(r.warnings).toEqual([]);
      expect(r.notices).toEqual([]);
      expect(r.masked).toEqual([TOKEN]);
      expect(r.problems).toEqual([]);
      const commands = `${r.stdout}\n${r.stderr}`
        .split(/\r\n|\r|\n/)
        .map((line) => parseWorkflowCommand(line))
        .filter((c): c is NonNullable<typeof c> => c !== undefined);
      expect(commands.filter((c) => !['group', 'endgroup', 'add-mask'].includes(c.command))).toEqual([]);
      expect(commands.filter((c) => c.command === 'add-mask').map((c) => c.data)).toEqual([TOKEN]);
      // The description is one label value on one line: it adds no label line of its own.
      const description = lines(r.outputs.labels).filter(
        (l) => l.includes('forged-description') || l.includes('fake-description') || l.includes('v1-description'),
      );
      expect(description).toEqual([
        'org.opencontainers.image.description=Backend ::add-mask::forged-description ::error::fake-description ::stop-commands::tdesc ##[error]v1-description',
      ]);
      expect(r.log).toContain('org.opencontainers.image.description=Backend ::add-mask::forged-description');
    } finally {
      await fake.close();
    }
  });
});

test('GitHub Enterprise Server 3.19 (its description, /api/v3): the repository read there; the labels link to GITHUB_SERVER_URL', async () => {
  const ghes = await startGitHubFake({
    flavor: 'ghes-3.19',
    repos: { 'docker/test-docker-action': { description: 'Backend', private: false } },
    tokens: { [TOKEN]: { login: 'image-tags' } },
  });
  try {
    const r = await run({
      ...fixture('dk_tag_v1.2.3.env'),
      inputs: { images: 'user/app' },
      env: { GITHUB_API_URL: ghes.apiUrl, GITHUB_SERVER_URL: ghes.serverUrl },
    });
    expectOk(r);
    expect(ghes.describeViolations()).toBe('');
    expect(ghes.requests.map((q) => [q.operationId, q.path])).toEqual([['repos/get', '/api/v3/repos/docker/test-docker-action']]);
    expect(labelsOf(r)).toEqual(
      expect.arrayContaining([
        'org.opencontainers.image.description=Backend',
        `org.opencontainers.image.url=${ghes.serverUrl}/docker/test-docker-action`,
        `org.opencontainers.image.source=${ghes.serverUrl}/docker/test-docker-action`,
      ]),
    );
    expect(labelsOf(r).join('\n')).not.toContain('github.com');
  } finally {
    await ghes.close();
  }
});

describe('context: git', () => {
  test('the ref, SHA and commit date come from the checkout (detached at a tag)', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'image-tags-git-'));
    try {
      const git = (...args: string[]) =>
        execFileSync('git', args, {
          cwd: workspace,
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH ?? '',
            HOME: workspace,
            GIT_AUTHOR_NAME: 't',
            GIT_AUTHOR_EMAIL: 't@example.com',
            GIT_COMMITTER_NAME: 't',
            GIT_COMMITTER_EMAIL: 't@example.com',
            GIT_COMMITTER_DATE: '2024-03-07T22:15:30Z',
            GIT_AUTHOR_DATE: '2024-03-07T22:15:30Z',
          },
        }).trim();
      git('init', '-q', '-b', 'main');
      writeFileSync(join(workspace, 'README'), 'x');
      git('add', 'README');
      git('commit', '-q', '-m', 'release');
      git('tag', 'v3.4.5');
      git('checkout', '-q', '--detach', 'v3.4.5');
      const sha = git('rev-parse', 'HEAD');
      const r = await run({
        ...fixture('dk_push_main.env'), // the workflow says: push to main
        cwd: workspace,
        inputs: {
          context: 'git',
          images: 'user/app',
          tags: "type=semver,pattern={{version}}\ntype=sha\ntype=raw,value={{commit_date 'YYYYMMDD'}}",
        },
      });
      expectOk(r);
      expect(lines(r.outputs['tag-names'])).toEqual(['3.4.5', '20240307', `sha-${sha.slice(0, 7)}`, 'latest']);
      expect(labelsOf(r)).toContain(`org.opencontainers.image.revision=${sha}`);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  test('context: git outside a checkout fails with what to check', async () => {
    const r = await run({ ...fixture('dk_push_main.env'), inputs: { context: 'git', images: 'user/app' } });
    expectCleanFailure(r, ['context: git could not read the checkout (git rev-parse HEAD failed)', 'actions/checkout']);
  });
});

describe('bad input: exit 1, the input and line named, nothing written', () => {
  test.each<[string, Record<string, string>, string[]]>([
    [
      'unknown tag type',
      { images: 'user/app', tags: 'type=semver,pattern={{version}}\ntype=semvr,pattern={{version}}' },
      ['Input "tags": line 2: unknown type "semvr"'],
    ],
    [
      'malformed key=value in flavor',
      { images: 'user/app', flavor: 'latest=auto\nprefix' },
      ['Input "flavor": line 2: "prefix" is not a key=value entry'],
    ],
    ['malformed quoting in tags', { images: 'user/app', tags: 'type=raw,"value=a' }, ['Input "tags": line 1:']],
    [
      'invalid semver pattern',
      { images: 'user/app', tags: 'type=sha\ntype=semver,pattern={{majr}}.{{minor}}' },
      ['Input "tags": line 2:', 'majr'],
    ],
    ['latest=maybe', { images: 'user/app', flavor: 'latest=maybe' }, ['Input "flavor": line 1: latest=maybe is not a valid latest mode']],
    ['an image name with a space', { images: 'ghcr.io/org/my app' }, ['Input "images": line 1: "ghcr.io/org/my app" contains whitespace']],
    [
      'an invalid service name (uppercase)',
      { services: 'core Payments', registry: ECR },
      ['Input "services": service "Payments"', 'use "payments"'],
    ],
    ['an invalid service name (characters)', { services: 'core pay$ments' }, ['Input "services": service "pay$ments"', 'use "pay-ments"']],
    [
      'an uppercase registry namespace',
      { services: 'core', registry: 'ghcr.io/MyOrg' },
      ['Input "registry": namespace "MyOrg"', 'try "myorg"'],
    ],
    ['images and services together', { images: 'user/app', services: 'core' }, ['Input "images": images cannot be combined with services']],
    ['an unknown pin variable', { services: 'core', pin: 'sha-{commit}' }, ['Input "pin": unknown variable {commit}']],
    [
      'an unknown latest-policy',
      { images: 'user/app', 'latest-policy': 'never' },
      ['Input "latest-policy"', '`stable-only`, `metadata-action`'],
    ],
    ['an unknown label expression', { images: 'user/app', labels: 'a=b\nc={{nope}}' }, ['Input "labels": line 2:']],
  ])('%s', async (_n, inputs, parts) => {
    const r = await run({ ...fixture('dk_tag_v1.2.3.env'), inputs });
    expectCleanFailure(r, parts);
  });

  test('an uppercase image name is lowercased as metadata-action does (not an error: `ghcr.io/${{ github.repository }}` relies on it)', async () => {
    const r = await run({
      ...fixture('dk_tag_v1.2.3.env'),
      inputs: { images: 'GHCR.io/Example-Org/App', tags: 'type=semver,pattern={{version}}' },
    });
    expectOk(r);
    expect(lines(r.outputs.tags)).toEqual(['ghcr.io/example-org/app:1.2.3', 'ghcr.io/example-org/app:latest']);
  });
});
