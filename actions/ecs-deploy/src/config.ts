/**
 * ecs-deploy's inputs validated into one DeployConfig before any AWS call: the service, where the task
 * definition comes from (the service's current one, `task-definition`, or `task-definition-file`), the
 * release's images by digest (image-tags' `json` + push-artifacts' `json`, core's readers), and the
 * wait. Reading the file is part of the validation: a missing or malformed file fails here.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InputError, readInputs, readRawInput, type RawInputReader } from '@deploy-kit/core';
import { resolveAwsRegion } from '@deploy-kit/core/aws';
import { deployedImages, readArtifacts } from '@deploy-kit/core/oci/released-images';
import { inputs } from './io.js';
import type { ReleaseImage, TaskDefinitionJson } from './render.js';

export type TaskDefinitionSource =
  { kind: 'service' } | { kind: 'reference'; reference: string } | { kind: 'file'; path: string; definition: TaskDefinitionJson };

export interface DeployConfig {
  region: string;
  cluster: string;
  service: string;
  source: TaskDefinitionSource;
  /** The release's images by digest; empty: deploy the task definition as it is. */
  images: ReleaseImage[];
  /** Container name → service name or image repository. */
  containers: Record<string, string>;
  forceNewDeployment: boolean;
  wait: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  stoppedTaskLimit: number;
  rollbackOnFailure: boolean;
  dryRun: boolean;
}

const FILE_FORM = "a JSON file holding a task definition: `aws ecs describe-task-definition`'s answer or its `taskDefinition`";

/** A task definition file's content: the describe answer (`{"taskDefinition": {…}}`) or the definition itself. */
export function readTaskDefinitionFile(path: string, text: string): TaskDefinitionJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError('task-definition-file', `${path} is not valid JSON (${(error as Error).message})`, FILE_FORM, path);
  }
  const object = value as Record<string, unknown> | null;
  const definition = (
    object && typeof object === 'object' && 'taskDefinition' in object ? object.taskDefinition : object
  ) as TaskDefinitionJson;
  if (!definition || typeof definition !== 'object' || Array.isArray(definition) || !Array.isArray(definition.containerDefinitions))
    throw new InputError('task-definition-file', `${path} has no \`containerDefinitions\` list`, FILE_FORM, path);
  if (typeof definition.family !== 'string' || definition.family === '')
    throw new InputError('task-definition-file', `${path} has no \`family\``, FILE_FORM, path);
  return definition;
}

export async function getInputs(
  read: RawInputReader = readRawInput,
  env: Record<string, string | undefined> = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Promise<DeployConfig> {
  const values = await readInputs(inputs, read);
  const region = resolveAwsRegion(values.region, env);
  if (values.taskDefinition && values.taskDefinitionFile)
    throw new InputError(
      'task-definition-file',
      'is given together with `task-definition`',
      'one source of the task definition: `task-definition`, `task-definition-file`, or neither (the service’s current one)',
      values.taskDefinitionFile,
    );
  let source: TaskDefinitionSource = { kind: 'service' };
  if (values.taskDefinition) source = { kind: 'reference', reference: values.taskDefinition };
  if (values.taskDefinitionFile) {
    const path = isAbsolute(values.taskDefinitionFile)
      ? values.taskDefinitionFile
      : resolve(env.GITHUB_WORKSPACE || process.cwd(), values.taskDefinitionFile);
    let text: string;
    try {
      text = readFile(path);
    } catch (error) {
      throw new InputError(
        'task-definition-file',
        `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        FILE_FORM,
        values.taskDefinitionFile,
      );
    }
    source = { kind: 'file', path: values.taskDefinitionFile, definition: readTaskDefinitionFile(values.taskDefinitionFile, text) };
  }

  let images: ReleaseImage[] = [];
  if (values.images.trim() !== '' || values.artifacts.trim() !== '') {
    const artifacts = readArtifacts(values.artifacts);
    const all = deployedImages(values.images, artifacts);
    const missing = all.filter((i) => !i.digest);
    if (values.artifacts.trim() === '' || missing.length > 0)
      throw new InputError(
        'artifacts',
        values.artifacts.trim() === ''
          ? 'is empty, so the images have no digest'
          : `has no digest for ${missing.map((i) => i.image).join(', ')}`,
        "push-artifacts' `json` output, which holds the digest of every pushed tag: images go into the task definition by digest",
        values.artifacts,
      );
    if (all.length === 0)
      throw new InputError('images', 'names no image', "image-tags' `json` output with at least one service", values.images);
    images = all as ReleaseImage[];
  } else if (source.kind === 'service' || (source.kind === 'reference' && !/:\d+$/.test(source.reference))) {
    // Deploying as it is (a rollback) needs one exact revision: a family would deploy whatever is newest.
    throw new InputError(
      'task-definition',
      source.kind === 'service'
        ? 'is empty and no `images` are given, so there is nothing to deploy'
        : 'names a family, not a revision, and no `images` are given',
      'with `images` + `artifacts`: the release to put in; without them: the exact revision to deploy as it is (`orders:42` or its ARN)',
      source.kind === 'reference' ? source.reference : '',
    );
  }
  if (Object.keys(values.containers).length > 0 && images.length === 0)
    throw new InputError('containers', 'is given without `images`', 'a map of container=service used to put the release’s images in', '');

  return {
    region,
    cluster: values.cluster || 'default',
    service: values.service,
    source,
    images,
    containers: values.containers,
    forceNewDeployment: values.forceNewDeployment,
    wait: values.wait,
    timeoutMs: values.timeout ?? 30 * 60_000,
    pollIntervalMs: values.pollInterval ?? 15_000,
    stoppedTaskLimit: values.stoppedTaskLimit ?? 1,
    rollbackOnFailure: values.rollbackOnFailure,
    dryRun: values.dryRun,
  };
}
