/**
 * The task definition with the release's images in it (aws-actions/amazon-ecs-render-task-definition,
 * made to take every image of the release by digest): each container is matched to one of our images
 * by the `containers` map, else by its name (the service name), else by its image's repository; every
 * container whose image is one of ours gets `<repository>@<digest>`, the others are left as they are.
 * The result is RegisterTaskDefinition's input: the described task definition without the fields ECS
 * sets itself (ARN, revision, status, registration times, requiresAttributes, compatibilities).
 * Pure: the flow (flow.ts) reads and registers.
 */
import { ActionError, type DeployedImage } from '@deploy-kit/core';
import { parseImageReference } from '@deploy-kit/core/oci/reference';

/** A task definition as DescribeTaskDefinition answers it (or a file holds it), read as plain JSON. */
export type TaskDefinitionJson = Record<string, unknown> & { containerDefinitions?: Array<Record<string, unknown>> };

/** Fields DescribeTaskDefinition answers that RegisterTaskDefinition does not take. */
export const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequested',
] as const;

/** An image of the release with its digest (record-deployment's payload shape, digest required). */
export type ReleaseImage = DeployedImage & { digest: string };

export type MatchedBy = 'containers' | 'name' | 'repository';

export interface ContainerChange {
  container: string;
  service: string;
  matchedBy: MatchedBy;
  from: string;
  to: string;
}

export interface Rendered {
  /** RegisterTaskDefinition's input. */
  input: TaskDefinitionJson;
  /** Every container that runs one of our images (changed or already at the digest). */
  changes: ContainerChange[];
  /** Whether any container's image differs from the base. */
  changed: boolean;
  /** Our images no container runs (another ECS service's, e.g.). */
  unused: ReleaseImage[];
}

/** The described task definition as RegisterTaskDefinition's input (read-only fields dropped; tags kept when there are any). */
export function registerInputOf(definition: TaskDefinitionJson, tags: unknown[] = []): TaskDefinitionJson {
  const input: TaskDefinitionJson = {};
  for (const [key, value] of Object.entries(definition)) {
    if ((READ_ONLY_FIELDS as readonly string[]).includes(key) || value === null || value === undefined) continue;
    input[key] = value;
  }
  if (tags.length > 0) input.tags = tags;
  return input;
}

/** The repository of an image reference (`host/path`, host lower-cased), or undefined when it is not one. */
export function repositoryOf(image: string): string | undefined {
  try {
    const ref = parseImageReference(image);
    return ref.host ? `${ref.host}/${ref.path}` : ref.path;
  } catch {
    return undefined;
  }
}

/**
 * `definition` with our images in. `containers` maps a container name to one of our images, named by
 * its service or its repository; a container it names must exist. Fails when no container runs any of
 * our images: that deploy would change nothing the release built.
 */
export function renderTaskDefinition(
  definition: TaskDefinitionJson,
  images: readonly ReleaseImage[],
  options: { containers?: Record<string, string>; tags?: unknown[]; source?: string } = {},
): Rendered {
  const input = structuredClone(registerInputOf(definition, options.tags));
  const defs = input.containerDefinitions ?? [];
  const names = defs.map((d) => String(d.name ?? ''));
  const mapped = options.containers ?? {};
  const source = options.source ?? 'the task definition';
  const byKey = (key: string) => images.find((i) => i.service === key || repositoryOf(i.image) === repositoryOf(key));
  for (const [container, key] of Object.entries(mapped)) {
    if (!names.includes(container))
      throw new ActionError(`Input "containers" names the container "${container}", which ${source} does not have`, {
        why: `its containers are ${names.map((n) => `"${n}"`).join(', ') || 'none'}`,
        check: ['the container names in `containers` (container=service lines)'],
      });
    if (!byKey(key))
      throw new ActionError(`Input "containers" maps "${container}" to "${key}", which is not one of the release's images`, {
        why: `the images are ${images.map((i) => `${i.service} (${i.image})`).join(', ') || 'none'}`,
        check: ["each value is a service name from image-tags' `json` or an image repository"],
      });
  }
  const changes: ContainerChange[] = [];
  for (const def of defs) {
    const name = String(def.name ?? '');
    const current = typeof def.image === 'string' ? def.image : '';
    let image: ReleaseImage | undefined;
    let matchedBy: MatchedBy | undefined;
    if (mapped[name] !== undefined) [image, matchedBy] = [byKey(mapped[name]!), 'containers'];
    if (!image) {
      image = images.find((i) => i.service === name || i.image.split('/').at(-1) === name);
      if (image) matchedBy = 'name';
    }
    if (!image) {
      const repository = repositoryOf(current);
      image = repository === undefined ? undefined : images.find((i) => repositoryOf(i.image) === repository);
      if (image) matchedBy = 'repository';
    }
    if (!image || !matchedBy) continue;
    const to = `${image.image}@${image.digest}`;
    def.image = to;
    changes.push({ container: name, service: image.service, matchedBy, from: current, to });
  }
  if (changes.length === 0) {
    throw new ActionError(`None of the containers of ${source} runs one of the release's images`, {
      why: `containers ${defs.map((d) => `"${String(d.name)}" (${String(d.image)})`).join(', ') || 'none'}; images ${images.map((i) => `${i.service} (${i.image})`).join(', ')}`,
      check: [
        'a container is matched by its name (the service name, e.g. `ms_core`) or by its image repository',
        'or map it explicitly: `containers: web=ms_core`',
      ],
    });
  }
  const used = new Set(changes.map((c) => c.service));
  return {
    input,
    changes,
    changed: changes.some((c) => c.from !== c.to),
    unused: images.filter((i) => !used.has(i.service)),
  };
}

/** JSON with sorted keys and two-space indentation, so two task definitions compare line by line. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v !== null && typeof v === 'object' && !(v instanceof Date)
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(value), null, 2);
}

/**
 * The rendered task definition against its base, as diff lines (`-`/`+` with `context` lines around
 * each change, `@@ line N @@` before each hunk). Rendering replaces string values only, so the two
 * canonical texts have the same lines but for the changed values and are compared line by line; a
 * difference in shape (never produced by renderTaskDefinition) is shown whole.
 */
export function taskDefinitionDiff(base: TaskDefinitionJson, rendered: TaskDefinitionJson, context = 2): string[] {
  const a = canonicalJson(base).split('\n');
  const b = canonicalJson(rendered).split('\n');
  if (a.length !== b.length) return [...a.map((l) => `- ${l}`), ...b.map((l) => `+ ${l}`)];
  const changed = a.map((line, i) => line !== b[i]);
  const out: string[] = [];
  let shownTo = -1;
  for (let i = 0; i < a.length; i++) {
    if (!changed[i]) continue;
    const from = Math.max(i - context, shownTo + 1);
    if (from > shownTo + 1 || out.length === 0) out.push(`@@ line ${from + 1} @@`);
    for (let k = from; k < i; k++) out.push(`  ${a[k]}`);
    let j = i;
    const minus: string[] = [];
    const plus: string[] = [];
    while (j < a.length && changed[j]) {
      minus.push(`- ${a[j]}`);
      plus.push(`+ ${b[j]}`);
      j++;
    }
    out.push(...minus, ...plus);
    let k = j;
    for (; k < Math.min(a.length, j + context) && !changed[k]; k++) out.push(`  ${a[k]}`);
    shownTo = k - 1;
    i = j - 1;
  }
  return out;
}
