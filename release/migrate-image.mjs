// deploy-kit release: picks the image the migration runs (a step of release/action.yml).
//
//   MIGRATE_IMAGE    the `migrate-image` input; wins when given
//   MIGRATE_SERVICE  which service's image (default: the first one)
//   IMAGES_JSON      image-tags' `json` output ({services: [{service, image, tags, pin}]})
//   DIGESTS_JSON     push-artifacts' `digests` output ({"<reference>": "sha256:…"})
//
// The service's pin reference, by digest when push-artifacts pushed or promoted it (so migrate-job
// runs exactly the pushed image and needs no registry round trip to resolve the tag). Writes `image`
// to GITHUB_OUTPUT in the delimiter form; empty when there is none (migrate-job then uses its own
// default). The image must be one image reference (no whitespace or control characters), so neither
// the output file nor migrate-job's input can be given a second line.
import { appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

// % CR LF escaped as the runner expects in a command's data: a quoted value cannot end the line.
const escapeData = (text) => String(text).replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const fail = (message) => {
  console.log(`::error title=migration image::${escapeData(message)}`);
  process.exit(1);
};
const parse = (name, raw) => {
  if (!raw.trim()) return {};
  try {
    return JSON.parse(raw);
  } catch (e) {
    return fail(`${name} is not JSON (${e.message}).`);
  }
};

// [registry[:port]/]path[:tag][@sha256:…], Docker's reference grammar (distribution/reference), lowercase path.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:]+\\])(?::[0-9]+)?';
const IMAGE_REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(?:@sha256:[0-9a-f]{64})?$`);
const isImageReference = (text) => text.length <= 1024 && IMAGE_REFERENCE.test(text);

/** `name<<DELIM\nvalue\nDELIM\n` with a random delimiter the value does not contain. */
function outputEntry(name, value) {
  const delimiter = `ghadelimiter_${randomBytes(16).toString('hex')}`;
  if (value.includes(delimiter)) throw new Error(`The value of output ${name} contains its delimiter; refusing to write it.`);
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

function pick() {
  const given = process.env.MIGRATE_IMAGE ?? '';
  if (given.trim()) {
    const image = given.trim();
    if (!isImageReference(image)) {
      fail(`Input "migrate-image": is not one image reference; expected [registry/]repository[:tag][@sha256:<64 hex>] on one line, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/ms_core:sha-0a1b2c3. Got: ${given}`);
    }
    return image;
  }
  const wanted = (process.env.MIGRATE_SERVICE ?? '').trim();
  const services = parse("image-tags' json output", process.env.IMAGES_JSON ?? '').services ?? [];
  const digests = parse("push-artifacts' digests output", process.env.DIGESTS_JSON ?? '');
  let entry = services[0];
  if (wanted) {
    entry = services.find((s) => s.service === wanted || s.image === wanted || String(s.image ?? '').endsWith(`/${wanted}`));
    if (!entry) fail(`Input "migrate-service": no service "${wanted}" among image-tags' services (${services.map((s) => s.service).join(', ') || 'none'}).`);
  }
  const pin = String(entry?.pin ?? '').split('\n')[0].trim();
  const digest = pin ? digests[pin] : undefined;
  const image = digest ? `${pin.replace(/:[^:/@]+$/, '')}@${digest}` : pin;
  if (image && !isImageReference(image)) {
    fail(`The migration image "${image}" (image-tags' pin of ${entry?.service ?? 'the first service'}${digest ? " with push-artifacts' digest" : ''}) is not one image reference; check the image-tags and push-artifacts outputs, or set migrate-image.`);
  }
  return image;
}

const image = pick();
if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, outputEntry('image', image));
console.log(image ? `Migration image: ${image}` : 'Migration image: none (migrate-job uses its own default).');
