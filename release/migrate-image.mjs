// deploy-kit release: picks the image the migration runs (a step of release/action.yml).
//
//   MIGRATE_IMAGE    the `migrate-image` input; wins when given
//   MIGRATE_SERVICE  which service's image (default: the first one)
//   IMAGES_JSON      image-tags' `json` output ({services: [{service, image, tags, pin}]})
//   DIGESTS_JSON     push-artifacts' `digests` output ({"<reference>": "sha256:…"})
//
// The service's pin reference, by digest when push-artifacts pushed or promoted it (so migrate-job
// runs exactly the pushed image and needs no registry round trip to resolve the tag). Writes `image`
// to GITHUB_OUTPUT; empty when there is none (migrate-job then uses its own default).
import { appendFileSync } from 'node:fs';

const fail = (message) => {
  console.log(`::error title=migration image::${message}`);
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

let image = (process.env.MIGRATE_IMAGE ?? '').trim();
if (!image) {
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
  image = digest ? `${pin.replace(/:[^:/@]+$/, '')}@${digest}` : pin;
}
if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `image=${image}\n`);
console.log(image ? `Migration image: ${image}` : 'Migration image: none (migrate-job uses its own default).');
