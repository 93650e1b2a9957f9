import { describe, expect, test } from '@jest/globals';
import {
  type ReleaseImage,
  type TaskDefinitionJson,
  registerInputOf,
  renderTaskDefinition,
  repositoryOf,
  taskDefinitionDiff,
} from '../src/render.js';

const REG = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const images: ReleaseImage[] = [
  { service: 'ms_core', image: `${REG}/ms_core`, digest: D1, tags: ['v1.2.3'] },
  { service: 'ms_payments', image: `${REG}/ms_payments`, digest: D2, tags: ['v1.2.3'] },
];

function definition(containers: Array<{ name: string; image: string }>): TaskDefinitionJson {
  return {
    taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/orders:7',
    family: 'orders',
    revision: 7,
    status: 'ACTIVE',
    compatibilities: ['EC2', 'FARGATE'],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.ecr-auth' }],
    registeredAt: '2026-01-01T00:00:00Z',
    registeredBy: 'arn:aws:iam::123456789012:user/x',
    cpu: '256',
    memory: '512',
    networkMode: 'awsvpc',
    containerDefinitions: containers.map((c) => ({ ...c, essential: true, portMappings: [{ containerPort: 8080 }] })),
  };
}

describe('renderTaskDefinition: which container gets which image', () => {
  test.each([
    ['by container name = service', [{ name: 'ms_core', image: 'placeholder:latest' }], {}, [['ms_core', 'ms_core', 'name']]],
    ['by image repository', [{ name: 'web', image: `${REG}/ms_core:v1.2.2` }], {}, [['web', 'ms_core', 'repository']]],
    [
      'by repository pinned by an old digest',
      [{ name: 'web', image: `${REG}/ms_core@sha256:${'9'.repeat(64)}` }],
      {},
      [['web', 'ms_core', 'repository']],
    ],
    [
      'by the containers map (service name)',
      [{ name: 'app', image: 'nginx:1' }],
      { app: 'ms_payments' },
      [['app', 'ms_payments', 'containers']],
    ],
    [
      'by the containers map (repository)',
      [{ name: 'app', image: 'nginx:1' }],
      { app: `${REG}/ms_core` },
      [['app', 'ms_core', 'containers']],
    ],
    [
      'every container whose image is one of ours; a sidecar is left alone',
      [
        { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable' },
        { name: 'api', image: `${REG}/ms_core:v1` },
        { name: 'worker', image: `${REG}/ms_core:v1` },
        { name: 'ms_payments', image: `${REG}/ms_payments:v1` },
      ],
      {},
      [
        ['api', 'ms_core', 'repository'],
        ['worker', 'ms_core', 'repository'],
        ['ms_payments', 'ms_payments', 'name'],
      ],
    ],
    [
      'the name wins over the repository',
      [{ name: 'ms_payments', image: `${REG}/ms_core:v1` }],
      {},
      [['ms_payments', 'ms_payments', 'name']],
    ],
  ] as const)('%s', (_title, containers, map, expected) => {
    const rendered = renderTaskDefinition(definition([...containers]), images, { containers: { ...map } });
    expect(rendered.changes.map((c) => [c.container, c.service, c.matchedBy])).toEqual(expected);
    for (const c of rendered.changes) {
      const image = images.find((i) => i.service === c.service)!;
      expect(c.to).toBe(`${image.image}@${image.digest}`);
      expect(rendered.input.containerDefinitions!.find((d) => d.name === c.container)!.image).toBe(c.to);
    }
    expect(rendered.changed).toBe(true);
  });

  test('the register input drops what ECS sets itself, keeps the rest and the tags', () => {
    const rendered = renderTaskDefinition(definition([{ name: 'ms_core', image: 'x' }]), images, {
      tags: [{ key: 'team', value: 'orders' }],
    });
    expect(Object.keys(rendered.input).sort()).toEqual(['containerDefinitions', 'cpu', 'family', 'memory', 'networkMode', 'tags']);
    expect(rendered.input.containerDefinitions![0]!.portMappings).toEqual([{ containerPort: 8080 }]);
    expect(rendered.unused.map((i) => i.service)).toEqual(['ms_payments']);
  });

  test('the base is not modified', () => {
    const base = definition([{ name: 'ms_core', image: 'x' }]);
    renderTaskDefinition(base, images);
    expect(base.containerDefinitions![0]!.image).toBe('x');
  });

  test('a container already at the digest is unchanged', () => {
    const rendered = renderTaskDefinition(definition([{ name: 'ms_core', image: `${REG}/ms_core@${D1}` }]), images);
    expect(rendered.changed).toBe(false);
    expect(rendered.changes[0]!.from).toBe(rendered.changes[0]!.to);
  });

  test.each([
    [
      'no container runs our images',
      [{ name: 'web', image: 'nginx:1' }],
      {},
      /None of the containers of orders:7 runs one of the release's images/,
    ],
    [
      'the map names a missing container',
      [{ name: 'web', image: 'nginx:1' }],
      { api: 'ms_core' },
      /names the container "api", which orders:7 does not have/,
    ],
    [
      'the map names an image not in the release',
      [{ name: 'web', image: 'nginx:1' }],
      { web: 'ms_chat' },
      /maps "web" to "ms_chat", which is not one of the release's images/,
    ],
  ] as const)('refused: %s', (_t, containers, map, message) => {
    expect(() => renderTaskDefinition(definition([...containers]), images, { containers: { ...map }, source: 'orders:7' })).toThrow(
      message,
    );
  });
});

test.each([
  [`${REG}/ms_core:v1`, `${REG}/ms_core`],
  [`${REG}/ms_core@${D1}`, `${REG}/ms_core`],
  ['nginx', 'nginx'],
  ['not a reference!', undefined],
])('repositoryOf(%s)', (image, expected) => expect(repositoryOf(image)).toBe(expected));

describe('taskDefinitionDiff', () => {
  test('shows each changed image with context, and nothing else', () => {
    const base = definition([
      { name: 'ms_core', image: `${REG}/ms_core:v1` },
      { name: 'sidecar', image: 'busybox' },
    ]);
    const rendered = renderTaskDefinition(base, images);
    const diff = taskDefinitionDiff(registerInputOf(base), rendered.input);
    expect(diff.filter((l) => l.startsWith('-'))).toEqual([`-       "image": "${REG}/ms_core:v1",`]);
    expect(diff.filter((l) => l.startsWith('+'))).toEqual([`+       "image": "${REG}/ms_core@${D1}",`]);
    expect(diff[0]).toMatch(/^@@ line \d+ @@$/);
    expect(diff.filter((l) => l.startsWith('  ')).length).toBeLessThanOrEqual(4);
  });

  test('no change, no lines', () => {
    const base = definition([{ name: 'ms_core', image: 'x' }]);
    expect(taskDefinitionDiff(registerInputOf(base), registerInputOf(base))).toEqual([]);
  });

  test('two changes far apart are two hunks', () => {
    const base = definition([
      { name: 'ms_core', image: 'a' },
      { name: 'mid', image: 'b' },
      { name: 'ms_payments', image: 'c' },
    ]);
    const diff = taskDefinitionDiff(registerInputOf(base), renderTaskDefinition(base, images).input);
    expect(diff.filter((l) => l.startsWith('@@'))).toHaveLength(2);
  });
});
