/**
 * The image a release's migration runs (the release composite's choice between image-tags and
 * migrate-job): the `migrate-image` input when given; else the chosen service's pin reference from
 * image-tags' `json`, by digest when push-artifacts pushed or promoted it (its `digests` output), so
 * migrate-job runs exactly the pushed image and needs no registry round trip to resolve the tag.
 * The result is one image reference (no whitespace or control characters), or '' when there is
 * none (migrate-job then uses its own default). Pure: the caller reads the step's environment and
 * writes the output.
 */
import { ActionError, InputError } from '../errors.js';
import { readImageTagsJson, type ImageTagsJsonRead } from './image-tags-json.js';
import { ImageReferenceError, isDigest, parseImageReference, pinnedReference, type ImageReference } from './reference.js';

export interface MigrationImageRequest {
  /** The `migrate-image` input: wins when given. */
  migrateImage?: string;
  /** The `migrate-service` input: which service's image (default: the first). */
  migrateService?: string;
  /** image-tags' `json` output (text); empty when image-tags did not run. */
  imagesJson?: string;
  /** push-artifacts' `digests` output (text, `{"<reference>": "sha256:…"}`); empty when nothing was pushed. */
  digestsJson?: string;
}

export interface MigrationImage {
  /** One image reference, or '' for none. */
  image: string;
  /** Where it came from, for the log. */
  from: 'input' | 'pin' | 'pin by digest' | 'none';
  /** The service whose pin it is. */
  service?: string;
}

const REFERENCE_FORM =
  '[registry/]repository[:tag][@sha256:<64 hex>] on one line, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/ms_core:sha-0a1b2c3';

function reference(text: string): ImageReference | ImageReferenceError {
  try {
    return parseImageReference(text);
  } catch (error) {
    if (error instanceof ImageReferenceError) return error;
    throw error;
  }
}

function readDigests(text: string): Record<string, string> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ActionError(`push-artifacts' digests output is not JSON (${(error as Error).message}).`, {
      check: "pass push-artifacts' `digests` output unchanged",
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new ActionError("push-artifacts' digests output is not an object of reference → digest.", {
      check: "pass push-artifacts' `digests` output unchanged",
    });
  }
  return parsed as Record<string, string>;
}

export function pickMigrationImage(request: MigrationImageRequest): MigrationImage {
  const given = (request.migrateImage ?? '').trim();
  if (given !== '') {
    const ref = reference(given);
    if (ref instanceof ImageReferenceError)
      throw new InputError('migrate-image', `is not one image reference: it ${ref.message}`, REFERENCE_FORM, request.migrateImage);
    return { image: given, from: 'input' };
  }
  const images: ImageTagsJsonRead =
    (request.imagesJson ?? '').trim() === '' ? { services: [] } : readImageTagsJson(request.imagesJson!, "image-tags' json output");
  const digests = readDigests(request.digestsJson ?? '');
  const wanted = (request.migrateService ?? '').trim();
  const services = images.services;
  let entry: (typeof services)[number] | undefined = services[0];
  if (wanted !== '') {
    entry = services.find((s) => s.service === wanted || s.image === wanted || (s.image ?? '').endsWith(`/${wanted}`));
    if (!entry) {
      throw new InputError(
        'migrate-service',
        `no service "${wanted}" among image-tags' services (${services.map((s) => s.service).join(', ') || 'none'})`,
        "one of image-tags' services (or its image)",
        wanted,
      );
    }
  }
  const pin = (entry?.pin ?? '').split('\n')[0]!.trim();
  if (pin === '') return { image: '', from: 'none', service: entry?.service };
  const digest = digests[pin];
  const of = `image-tags' pin of ${entry?.service ?? 'the first service'}${digest ? " with push-artifacts' digest" : ''}`;
  const ref = reference(pin);
  if (ref instanceof ImageReferenceError || (digest !== undefined && !isDigest(digest))) {
    throw new ActionError(`The migration image "${digest ? `${pin}@${digest}` : pin}" (${of}) is not one image reference.`, {
      why: ref instanceof ImageReferenceError ? `it ${ref.message}` : `the digest "${digest}" is not sha256:<64 lowercase hex>`,
      check: ['the image-tags and push-artifacts outputs are passed unchanged', 'or set `migrate-image`'],
    });
  }
  return digest
    ? { image: pinnedReference(ref, digest), from: 'pin by digest', service: entry?.service }
    : { image: pin, from: 'pin', service: entry?.service };
}
