// deploy-kit: the release job's last step (`report`) in .github/workflows/release.yml and promote.yml,
// run with `if: always()`. From env (never ${{ }} in a script):
//
//   RESULT               job.status: success, failure or cancelled
//   WORKFLOW             release.yml or promote.yml
//   ENVIRONMENT, NAME    the plan's environment and release name (the tag, or `<branch>-<sha7>`)
//   IMAGES, DIGESTS      the release composite's `images` (one per line) and `digests` (JSON object)
//   CLI_IMAGES, CLI_DIGESTS   the same of the second image set (`cli-*` inputs); empty without one
//   PROMOTED_FROM, GITOPS_RUN_URL, GITOPS_CONCLUSION, MIGRATION   the composite's outputs
//   DEPLOYMENT           the release composite's `deployment` output (record-deployment's `json`): the
//                        verification result and, for a rollback, what it rolled back from; empty or
//                        not JSON: left out (the release recorded nothing, e.g. `record-deployment: false`)
//   VERIFICATION, ROLLBACK    given, they replace what DEPLOYMENT says; empty: taken from it, or left out
//   GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID           the runner's, for the run's link
//
// Writes, in the file-command delimiter form: `images` and `digests` of both image sets together (the
// workflow's outputs), and `notification`, the Slack incoming-webhook payload (one JSON line) the notify
// job hands to slackapi/slack-github-action. The payload is built here as data, never as a template:
// every value is JSON-encoded and Slack-escaped (& < >), so a name or URL cannot add markup or links.
// No library: Block Kit is plain JSON, and slack-github-action does the sending.
import { appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

/** Slack's mrkdwn escaping of text: only &, < and > are control characters. */
export const escapeSlack = (text) => String(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** A link in mrkdwn, only for an http(s) URL without the characters that would end it. */
function link(url, label) {
  return /^https?:\/\/[^\s<>|]+$/.test(url) ? `<${url}|${escapeSlack(label)}>` : escapeSlack(label);
}

/** A JSON object from an output, `{}` for an empty one; a non-object is an error naming the output. */
export function parseDigests(name, raw) {
  if (!raw || !raw.trim()) return {};
  const value = JSON.parse(raw);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${name} is not a JSON object`);
  return value;
}

const oneLine = (text) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The verification result from record-deployment's `json` output, one line per URL:
 * `success: <url> answered 1.2.3-rc.1` or `failure: <url> answered HTTP 200 with version …, not …`.
 * Empty when nothing was verified (no `verify-url`, or the deploy failed before it).
 */
export function verificationText(record) {
  const checks = Array.isArray(record?.verification) ? record.verification : [];
  return checks
    .map((v) => {
      const answered = v.version ? `answered ${v.version}` : v.status ? `answered HTTP ${v.status}` : 'answered';
      return v.ok
        ? `success: ${oneLine(v.url)} ${oneLine(answered)}`
        : `failure: ${oneLine(v.url)} ${oneLine(v.problem || 'did not answer')}`;
    })
    .join('\n');
}

/** What a rollback replaced (`v1.2.3 → v1.2.2`), from the payload's `rolled-back-from`; empty for a release. */
export function rollbackText(record) {
  const payload = record?.payload;
  const from = payload && typeof payload['rolled-back-from'] === 'string' ? payload['rolled-back-from'] : '';
  return from ? `${oneLine(from)} → ${oneLine(payload.tag)}` : '';
}

/**
 * The ECS deploy from the payload's `ecs` entry (`delivery: ecs`): `<service>: <family:revision>
 * (<rollout state>)`, with the revision it replaced and whether the service was rolled back; empty
 * when the release did not deploy to ECS.
 */
export function ecsText(record) {
  const ecs = record?.payload?.ecs;
  if (!ecs || typeof ecs !== 'object' || typeof ecs['task-definition-arn'] !== 'string') return '';
  const short = (arn) => oneLine(String(arn).split('/').pop());
  let text = `${oneLine(ecs.service || 'service')}: ${short(ecs['task-definition-arn'])}`;
  if (ecs['rollout-state']) text += ` (${oneLine(ecs['rollout-state'])})`;
  if (typeof ecs['previous-task-definition-arn'] === 'string') text += `, was ${short(ecs['previous-task-definition-arn'])}`;
  if (ecs['rolled-back'] === true) text += ', rolled back';
  return text;
}

/** record-deployment's `json` output as an object; undefined when empty or not a JSON object. */
export function parseRecord(raw) {
  if (!raw || !raw.trim()) return undefined;
  try {
    const value = JSON.parse(raw);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Both image sets' references (one per line, main set first, each once) and digests (one object). */
export function mergeOutputs({ images = '', digests = '', cliImages = '', cliDigests = '' }) {
  const lines = [...images.split('\n'), ...cliImages.split('\n')].map((l) => l.trim()).filter(Boolean);
  const merged = { ...parseDigests('DIGESTS', digests), ...parseDigests('CLI_DIGESTS', cliDigests) };
  return { images: [...new Set(lines)].join('\n'), digests: Object.keys(merged).length ? JSON.stringify(merged) : '' };
}

/**
 * One line per image: `repository@digest (tag, tag)`, the registry host left out; the same digest under
 * several tags (the release tag and the sha- pin) is one line.
 */
export function digestLines(digests) {
  const byImage = new Map();
  for (const [reference, digest] of Object.entries(digests)) {
    const path = reference.slice(reference.indexOf('/') + 1);
    const colon = path.lastIndexOf(':');
    const repository = colon > 0 ? path.slice(0, colon) : path;
    const tag = colon > 0 ? path.slice(colon + 1) : '';
    const key = `${repository}@${digest}`;
    if (!byImage.has(key)) byImage.set(key, []);
    if (tag) byImage.get(key).push(tag);
  }
  return [...byImage].sort(([a], [b]) => a.localeCompare(b)).map(([key, tags]) => (tags.length ? `${key} (${tags.join(', ')})` : key));
}

const ICON = { success: ':white_check_mark:', failure: ':x:', cancelled: ':warning:' };
/** Slack's limit on a section's text is 3000 characters; the digests block stays well inside it. */
const MAX_DIGEST_TEXT = 2800;

/** The Slack incoming-webhook payload (Block Kit) for a release's result. */
export function buildNotification(f) {
  const result = f.result || 'unknown';
  const name = f.name || '(no name)';
  const environment = f.environment || '(no environment)';
  const runUrl = f.serverUrl && f.repository && f.runId ? `${f.serverUrl}/${f.repository}/actions/runs/${f.runId}` : '';
  const what = f.workflow === 'promote.yml' ? 'promotion' : 'release';
  const headline = `${ICON[result] ?? ':grey_question:'} ${escapeSlack(f.repository || 'deploy-kit')} ${what} ${escapeSlack(name)} to *${escapeSlack(environment)}*: *${escapeSlack(result)}*`;
  const fields = [
    ['Environment', escapeSlack(environment)],
    ['Version', escapeSlack(name)],
    ['Result', escapeSlack(result)],
    f.promotedFrom && ['Promoted from', escapeSlack(f.promotedFrom)],
    f.migration && ['Migration', escapeSlack(f.migration)],
    f.gitopsRunUrl && ['GitOps run', `${link(f.gitopsRunUrl, f.gitopsConclusion || 'run')}`],
    f.ecs && ['ECS', escapeSlack(f.ecs)],
    // The deployment record's fields (record-deployment); shown once the workflow passes them.
    f.verification && ['Verification', escapeSlack(f.verification)],
    f.rollback && ['Rollback', escapeSlack(f.rollback)],
  ].filter(Boolean);
  const blocks = [
    { type: 'section', text: { type: 'mrkdwn', text: headline } },
    { type: 'section', fields: fields.map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${value}` })) },
  ];
  const lines = digestLines(f.digests ?? {});
  if (lines.length) {
    const shown = [];
    let size = 0;
    for (const line of lines) {
      if (size + line.length + 1 > MAX_DIGEST_TEXT) break;
      shown.push(line);
      size += line.length + 1;
    }
    const more = lines.length - shown.length;
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Images*\n\`\`\`${escapeSlack(shown.join('\n'))}\`\`\`${more ? `\n… and ${more} more` : ''}` },
    });
  }
  if (runUrl) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: link(runUrl, 'workflow run') }] });
  const text = `${f.repository || 'deploy-kit'} ${what} ${name} to ${environment}: ${result}`;
  return { text, blocks };
}

/** `name<<DELIM\nvalue\nDELIM\n` with a random delimiter the value does not contain. */
function outputEntry(name, value) {
  const delimiter = `ghadelimiter_${randomBytes(16).toString('hex')}`;
  if (value.includes(delimiter)) throw new Error(`The value of output ${name} contains its delimiter; refusing to write it.`);
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

function main(env) {
  const escapeData = (text) => String(text).replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
  let merged;
  try {
    merged = mergeOutputs({ images: env.IMAGES, digests: env.DIGESTS, cliImages: env.CLI_IMAGES, cliDigests: env.CLI_DIGESTS });
  } catch (error) {
    console.log(`::error title=release outputs::The release's digests output is not a JSON object (${escapeData(error.message)}).`);
    process.exit(1);
  }
  const record = parseRecord(env.DEPLOYMENT);
  const payload = buildNotification({
    result: env.RESULT,
    workflow: env.WORKFLOW,
    environment: env.ENVIRONMENT,
    name: env.NAME,
    digests: merged.digests ? JSON.parse(merged.digests) : {},
    promotedFrom: env.PROMOTED_FROM,
    gitopsRunUrl: env.GITOPS_RUN_URL,
    gitopsConclusion: env.GITOPS_CONCLUSION,
    migration: env.MIGRATION,
    verification: env.VERIFICATION || verificationText(record),
    rollback: env.ROLLBACK || rollbackText(record),
    ecs: ecsText(record),
    serverUrl: env.GITHUB_SERVER_URL,
    repository: env.GITHUB_REPOSITORY,
    runId: env.GITHUB_RUN_ID,
  });
  const file = env.GITHUB_OUTPUT;
  if (!file) throw new Error('GITHUB_OUTPUT is not set');
  appendFileSync(
    file,
    outputEntry('images', merged.images) + outputEntry('digests', merged.digests) + outputEntry('notification', JSON.stringify(payload)),
  );
  console.log(payload.text);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.env);
