/**
 * The release gate (the `gate` step of release/action.yml; release/README.md "The release gate"):
 * how push-artifacts publishes the images. A plain release tag (channel `release`, `vX.Y.Z`) with
 * `promote: auto` (or `always`) promotes the newest `vX.Y.Z-rc.N` by digest, so production runs
 * exactly what staging tested, and is refused when there is no such rc tag in the checkout.
 *
 * With `require-staging: deployment` (the composite's default) the rc chosen so must also have a
 * successful deployment to staging whose images are still in ECR by digest (staging.ts); `tag` is the
 * rc tag alone; `none` promotes the newest rc when there is one and pushes the rebuild when not.
 *
 * The step's values come from its env (the composite never puts `${{ }}` into a script), checked
 * here before git is asked anything; the decision is a pure function of them and the checkout's tags.
 */
import { ActionError, InputError, type StepSummary } from '@deploy-kit/core';
import { DIGEST_PATTERN, TAG_PATTERN } from '@deploy-kit/core/oci/reference';

export type Promote = 'auto' | 'always' | 'never';
export type PushMode = 'push' | 'docker';

export interface GateConfig {
  promote: Promote;
  /** An explicit tag or digest to promote from; '' when not given. */
  promoteFrom: string;
  /** push-artifacts' mode when not promoting. */
  mode: PushMode;
  /** `skip-push: true`: nothing is pushed, so nothing is gated. */
  skipPush: boolean;
  /** The git checkout whose tags are listed. */
  checkoutPath: string;
  /** parse-version's outputs. */
  tagPrefix: string;
  tag: string;
  channel: string;
  major: string;
  minor: string;
  patch: string;
}

/**
 * The step's env (release/action.yml's `gate` step): PROMOTE, PROMOTE_FROM, MODE, SKIP_PUSH,
 * CHECKOUT_PATH (default GITHUB_WORKSPACE), and parse-version's TAG_PREFIX, TAG, CHANNEL, MAJOR,
 * MINOR, PATCH. Values are taken as given (no trimming, exact case), as the composite passes them.
 */
export function readGateConfig(env: Record<string, string | undefined>): GateConfig {
  const promote = env.PROMOTE || 'auto';
  if (promote !== 'auto' && promote !== 'always' && promote !== 'never') {
    throw new InputError('promote', 'is not a known value', 'one of `auto`, `always`, `never`', promote);
  }
  const mode = env.MODE || 'push';
  if (mode !== 'push' && mode !== 'docker') {
    throw new InputError('mode', 'is not a known value', 'one of `push`, `docker` (promotion is decided by `promote`)', mode);
  }
  // promote-from names an image in each target repository: a tag (Docker's tag grammar) or a digest.
  // One line by construction, so it also cannot smuggle a line into any file it is written to.
  const promoteFrom = env.PROMOTE_FROM ?? '';
  if (promoteFrom !== '' && !DIGEST_PATTERN.test(promoteFrom) && !TAG_PATTERN.test(promoteFrom)) {
    throw new InputError(
      'promote-from',
      'is not an image tag or digest',
      "the tested tag (`v1.2.3-rc.2`, Docker's tag grammar [A-Za-z0-9_][A-Za-z0-9._-]{0,127}) or a digest (`sha256:` and 64 lowercase hex digits)",
      promoteFrom,
    );
  }
  return {
    promote,
    promoteFrom,
    mode,
    skipPush: (env.SKIP_PUSH || 'false') === 'true',
    checkoutPath: env.CHECKOUT_PATH || env.GITHUB_WORKSPACE || '.',
    tagPrefix: env.TAG_PREFIX ?? '',
    tag: env.TAG ?? '',
    channel: env.CHANNEL ?? '',
    major: env.MAJOR ?? '',
    minor: env.MINOR ?? '',
    patch: env.PATCH ?? '',
  };
}

export type RequireStaging = 'deployment' | 'tag' | 'none';

export interface StagingPolicy {
  require: RequireStaging;
  /** The environment whose deployments are the evidence (`staging`). */
  environment: string;
}

/**
 * REQUIRE_STAGING and STAGING_ENVIRONMENT. The composite always sets REQUIRE_STAGING from its input
 * (default `deployment`, and an empty value reads as that default); a caller of the bundle that
 * predates the variable and does not set it keeps the gate it had, `tag`.
 */
export function readStagingPolicy(env: Record<string, string | undefined>): StagingPolicy {
  const require = env.REQUIRE_STAGING === undefined ? 'tag' : env.REQUIRE_STAGING || 'deployment';
  if (require !== 'deployment' && require !== 'tag' && require !== 'none') {
    throw new InputError('require-staging', 'is not a known value', 'one of `deployment`, `tag`, `none`', require);
  }
  const environment = env.STAGING_ENVIRONMENT || 'staging';
  if (!/^[A-Za-z0-9._\-/ ]+$/.test(environment)) {
    throw new InputError(
      'staging-environment',
      'is not an environment name',
      'the GitHub environment release candidates deploy to, e.g. `staging`',
      environment,
    );
  }
  return { require, environment };
}

/** The checkout's tags, behind an interface so the gate's decisions are tested without git. */
export interface CheckoutTags {
  /** Whether `dir` is a git checkout (`git rev-parse --git-dir` succeeds). */
  isCheckout(dir: string): Promise<boolean>;
  /** `git tag --list -- <pattern>` in `dir`. */
  list(dir: string, pattern: string): Promise<string[]>;
}

export interface GateDecision {
  /** push-artifacts' mode: `promote`, or the `mode` given. */
  mode: PushMode | 'promote';
  /** What to promote from; '' unless promoting. */
  promoteFrom: string;
  /** Why, for the log line. */
  reason: string;
}

/**
 * The `<base>-rc.N` tag with the highest N (a number without leading zeros), compared as numbers of
 * any length; the first of equals wins. undefined when there is none.
 */
export function newestReleaseCandidate(base: string, tags: readonly string[]): string | undefined {
  let best: { tag: string; n: bigint } | undefined;
  for (const tag of tags) {
    if (!tag.startsWith(`${base}-rc.`)) continue;
    const n = tag.slice(base.length + '-rc.'.length);
    if (!/^(?:0|[1-9][0-9]*)$/.test(n)) continue;
    if (best === undefined || BigInt(n) > best.n) best = { tag, n: BigInt(n) };
  }
  return best?.tag;
}

/**
 * The tag policy's decision (`require-staging: tag`, and the rc `deployment` then checks); with
 * `none` a release tag without an rc tag, or outside a checkout, pushes the rebuild instead of failing.
 */
export async function decideGate(config: GateConfig, git: CheckoutTags, requireStaging: RequireStaging = 'tag'): Promise<GateDecision> {
  const { promote, mode } = config;
  if (config.skipPush) return { mode, promoteFrom: '', reason: 'skip-push: nothing is pushed or promoted' };
  if (promote === 'never') return { mode, promoteFrom: '', reason: 'promote: never (pushes a rebuild, no gate)' };
  if (config.promoteFrom !== '') return { mode: 'promote', promoteFrom: config.promoteFrom, reason: 'promote-from given' };
  if (config.channel === 'release') {
    const base = `${config.tagPrefix}${config.major}.${config.minor}.${config.patch}`;
    const dir = config.checkoutPath;
    const ungated = {
      mode,
      promoteFrom: '',
      reason: `require-staging: none, and no release candidate ${base}-rc.N to promote (pushes a rebuild)`,
    };
    if (requireStaging === 'none' && !(await git.isCheckout(dir))) return ungated;
    if (!(await git.isCheckout(dir))) {
      throw new ActionError(
        `Production release ${config.tag} is blocked: it must promote a tested release candidate ${base}-rc.N, but ${dir} is not a git checkout, so its tags cannot be listed. Run actions/checkout with fetch-depth: 0 (or fetch-tags: true) before this action, or give promote-from; promote: never skips this gate.`,
      );
    }
    const rc = newestReleaseCandidate(base, await git.list(dir, `${base}-rc.*`));
    if (rc === undefined && requireStaging === 'none') return ungated;
    if (rc === undefined) {
      throw new ActionError(
        `Production release ${config.tag} is blocked: no release candidate ${base}-rc.N was found (git tag --list '${base}-rc.*' is empty in ${dir}). Release ${base}-rc.1 to staging first, so production runs the image staging tested. Check that the checkout fetched tags (actions/checkout with fetch-depth: 0), or give promote-from; promote: never skips this gate.`,
      );
    }
    return { mode: 'promote', promoteFrom: rc, reason: `newest release candidate of ${base}` };
  }
  if (promote === 'always') {
    throw new ActionError(
      `promote: always, but ${config.tag || 'this ref'} (channel ${config.channel || 'none'}) is not a release tag and no promote-from was given; say which tag or digest to promote from.`,
    );
  }
  return { mode, promoteFrom: '', reason: `promote: ${promote}` };
}

/** The one log line. */
export function gateLogLine(decision: GateDecision): string {
  return decision.mode === 'promote'
    ? `Release gate: promoting ${decision.promoteFrom} by digest (${decision.reason}); no rebuild is pushed.`
    : `Release gate: mode ${decision.mode} (${decision.reason}).`;
}

export function gateSummary(config: GateConfig, decision: GateDecision, evidence?: string): StepSummary {
  return {
    title: 'release gate',
    table: {
      header: ['tag', 'channel', 'promote', 'push-artifacts mode', 'from'],
      rows: [[config.tag, config.channel, config.promote, decision.mode, decision.promoteFrom]],
    },
    ...(evidence ? { sections: [evidence] } : {}),
  };
}
