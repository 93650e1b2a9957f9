// A stateful GitHub REST API fake on 127.0.0.1 for the action-tests, the benchmark and the demo.
//
// State: repositories (branches and tags with files), workflows (from the .github/workflows files of
// the default branch), personal access tokens, GitHub Apps with installations, workflow runs that a
// dispatch creates and that move queued → in_progress → completed (by time, or by how often they are
// read), their jobs and steps (from the workflow file, with `${{ inputs.x }}` rendered), ETags and
// conditional requests (304, not counted against the rate limit), rate-limit headers and budgets,
// and injected failures (5xx, 403 secondary rate limit, 429); releases with generated notes and
// assets, uploaded on the uploads host (`upload_url`: the fake's own loopback origin, under
// /api/uploads in GHES mode as GHES serves it; with `uploadsHost: 'separate'`, a second loopback
// server, standing in for an uploads host the token must not go to).
//
// Contract: every request is matched to an operation of GitHub's OpenAPI description
// (@octokit/openapi: api.github.com.json, or ghes-3.17.json / ghes-3.19.json in GHES mode) by method and path
// template; its path and query parameters and JSON body are validated against it, and so is every
// response the fake sends (status and body). Any mismatch is recorded in `fake.violations` (and a
// bad request is answered 422), so a test that asserts `violations` is empty fails on it.
import { createHash, createPublicKey, createVerify, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { loadContract } from './openapi.mjs';

const DOCS = 'https://docs.github.com/rest';
const DEFAULT_LIFECYCLE = { mode: 'time', appearAfterMs: 0, queuedMs: 150, runningMs: 300, conclusion: 'success' };
const DEFAULT_PERMISSIONS = { actions: 'write', contents: 'read', metadata: 'read' };
/** A personal access token may also write deployments unless its spec says otherwise. */
const DEFAULT_PAT_PERMISSIONS = { ...DEFAULT_PERMISSIONS, deployments: 'write' };
const LEVEL = { none: 0, read: 1, write: 2, admin: 3 };
const API_VERSIONS = { 'api.github.com': ['2022-11-28', '2026-03-10'], ghes: ['2022-11-28'] };

/** What each operation needs from the token (besides seeing the repository). */
const NEEDS = {
  'actions/list-repo-workflows': ['actions', 'read'],
  'actions/get-workflow': ['actions', 'read'],
  'actions/create-workflow-dispatch': ['actions', 'write'],
  'actions/list-workflow-runs': ['actions', 'read'],
  'actions/get-workflow-run': ['actions', 'read'],
  'actions/list-jobs-for-workflow-run': ['actions', 'read'],
  'actions/cancel-workflow-run': ['actions', 'write'],
  'repos/get-content': ['contents', 'read'],
  'git/get-ref': ['contents', 'read'],
  'repos/list-deployments': ['deployments', 'read'],
  'repos/get-deployment': ['deployments', 'read'],
  'repos/create-deployment': ['deployments', 'write'],
  'repos/list-deployment-statuses': ['deployments', 'read'],
  'repos/create-deployment-status': ['deployments', 'write'],
  'git/list-matching-refs': ['contents', 'read'],
  'repos/get-release-by-tag': ['contents', 'read'],
  'repos/list-releases': ['contents', 'read'],
  'repos/list-release-assets': ['contents', 'read'],
  'repos/generate-release-notes': ['contents', 'write'],
  'repos/create-release': ['contents', 'write'],
  'repos/update-release': ['contents', 'write'],
  'repos/delete-release-asset': ['contents', 'write'],
  'repos/upload-release-asset': ['contents', 'write'],
};

const iso = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
const sha1 = (text) => createHash('sha1').update(text).digest('hex');
const b64url = (s) => Buffer.from(s, 'base64url');

function userObject(api, server, login, id, type = 'User') {
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: `${api}/users/${encodeURIComponent(login)}`,
    html_url: `${server}/${encodeURIComponent(login)}`,
    followers_url: `${api}/users/${login}/followers`,
    following_url: `${api}/users/${login}/following{/other_user}`,
    gists_url: `${api}/users/${login}/gists{/gist_id}`,
    starred_url: `${api}/users/${login}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/users/${login}/subscriptions`,
    organizations_url: `${api}/users/${login}/orgs`,
    repos_url: `${api}/users/${login}/repos`,
    events_url: `${api}/users/${login}/events{/privacy}`,
    received_events_url: `${api}/users/${login}/received_events`,
    type,
    site_admin: false,
  };
}

function renderExpressions(text, context) {
  return String(text).replace(/\$\{\{([\s\S]*?)\}\}/g, (_w, expr) => {
    for (const alt of expr.split('||').map((s) => s.trim())) {
      let m;
      let value;
      if ((m = /^'((?:[^']|'')*)'$/.exec(alt))) value = m[1].replace(/''/g, "'");
      else if ((m = /^(?:github\.event\.)?inputs(?:\.([\w-]+)|\[\s*'([^']+)'\s*\])$/.exec(alt))) value = context.inputs[m[1] ?? m[2]];
      else if ((m = /^github\.([\w]+)$/.exec(alt))) value = context.github[m[1]];
      if (value !== undefined && value !== null && value !== '' && value !== false) return String(value);
    }
    return '';
  });
}

export async function startGitHubFake(options = {}) {
  const flavor = options.flavor ?? 'api.github.com';
  const ghes = flavor.startsWith('ghes');
  const contract = loadContract(flavor);
  // null: a GHES whose X-GitHub-Enterprise-Version header is stripped (e.g. by a proxy).
  const enterpriseVersion =
    ghes && options.enterpriseVersion !== null ? (options.enterpriseVersion ?? `${flavor.slice('ghes-'.length)}.3`) : undefined;
  const rateLimit = { limit: 5000, windowMs: 3_600_000, ...options.rateLimit };

  const state = {
    repos: new Map(),
    tokens: new Map(),
    apps: [],
    runs: new Map(),
    nextRunId: 30_000_001,
    nextJobId: 70_000_001,
    nextWorkflowId: 160_001,
    nextRepoId: 700_000_101,
    deployments: new Map(),
    nextDeploymentId: 910_000_001,
    nextDeploymentStatusId: 920_000_001,
    releases: new Map(),
    nextReleaseId: 930_000_001,
    nextAssetId: 940_000_001,
  };
  const requests = [];
  const violations = [];
  const injections = [];
  let origin = '';
  let uploadsOrigin = '';
  const apiBase = () => (ghes ? `${origin}/api/v3` : origin);
  /** Where `upload_url` points: GHES serves uploads at /api/uploads on its own host. */
  const uploadsBase = () => (ghes ? `${uploadsOrigin}/api/uploads` : uploadsOrigin);
  /** Assets get GitHub's `digest` (sha256:…) unless the fake stands in for a server that reports none. */
  const assetDigests = options.assetDigests ?? true;
  const serverBase = () => options.serverUrl ?? (ghes ? origin : 'https://github.com');

  // ---- state builders ------------------------------------------------------------------------

  function addRepo(fullName, spec = {}) {
    const [owner, name] = fullName.split('/');
    const defaultBranch = spec.defaultBranch ?? 'main';
    const refs = new Map();
    const branches = spec.branches ?? { [defaultBranch]: spec.files ?? {} };
    for (const [branch, files] of Object.entries(branches))
      refs.set(`heads/${branch}`, { type: 'branch', name: branch, sha: sha1(`${fullName}@${branch}`), files: { ...files } });
    for (const [tag, files] of Object.entries(spec.tags ?? {}))
      refs.set(`tags/${tag}`, { type: 'tag', name: tag, sha: sha1(`${fullName}@tag:${tag}`), files: { ...files } });
    const repo = {
      id: state.nextRepoId++,
      owner,
      name,
      fullName,
      private: spec.private ?? true,
      archived: spec.archived ?? false,
      description: spec.description ?? null,
      defaultBranch,
      refs,
      workflows: new Map(),
      lifecycle: { ...DEFAULT_LIFECYCLE, ...options.lifecycle, ...spec.lifecycle },
      workflowSpecs: spec.workflows ?? {},
      // Commit status contexts (context → state) every deployment is checked against unless it sends required_contexts: [].
      commitStatuses: spec.commitStatuses ?? {},
      created: Date.parse('2024-05-01T10:00:00Z'),
    };
    state.repos.set(fullName.toLowerCase(), repo);
    syncWorkflows(repo);
    return repo;
  }

  /** GitHub lists the workflows whose files are on the default branch. */
  function syncWorkflows(repo) {
    const files = repo.refs.get(`heads/${repo.defaultBranch}`)?.files ?? {};
    for (const path of Object.keys(files)) {
      if (!/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path) || repo.workflows.has(path)) continue;
      const file = path.slice(path.lastIndexOf('/') + 1);
      const spec = repo.workflowSpecs[file] ?? {};
      let doc;
      try {
        doc = parseYaml(files[path]);
      } catch {
        doc = undefined;
      }
      repo.workflows.set(path, {
        id: spec.id ?? state.nextWorkflowId++,
        path,
        file,
        name: (doc && typeof doc.name === 'string' && doc.name) || path,
        state: spec.state ?? 'active',
        lifecycle: { ...repo.lifecycle, ...spec.lifecycle },
        created: repo.created,
      });
    }
  }

  function addToken(token, spec = {}) {
    const id = spec.userId ?? 1000 + state.tokens.size;
    state.tokens.set(token, {
      kind: 'pat',
      login: spec.login ?? 'deploy-bot',
      userId: id,
      repos: spec.repos ?? '*',
      permissions: { ...DEFAULT_PAT_PERMISSIONS, ...spec.permissions },
      role: spec.role ?? 'write',
      scopes: spec.scopes,
      rate: {
        limit: spec.rateLimit ?? rateLimit.limit,
        remaining: spec.rateLimit ?? rateLimit.limit,
        resetAt: Date.now() + rateLimit.windowMs,
      },
    });
  }

  function addApp(spec) {
    const publicKey = typeof spec.publicKey === 'string' ? createPublicKey(spec.publicKey) : spec.publicKey;
    state.apps.push({
      id: spec.id,
      slug: spec.slug ?? `app-${spec.id}`,
      clientId: spec.clientId,
      publicKey,
      installations: (spec.installations ?? []).map((i) => ({
        id: i.id,
        account: i.account,
        repositories: i.repositories ?? '*',
        permissions: { ...DEFAULT_PERMISSIONS, ...i.permissions },
        suspended: false,
      })),
    });
  }

  for (const [name, spec] of Object.entries(options.repos ?? {})) addRepo(name, spec);
  for (const [token, spec] of Object.entries(options.tokens ?? {})) addToken(token, spec);
  for (const app of options.apps ?? []) addApp(app);

  // ---- helpers -------------------------------------------------------------------------------

  class HttpError extends Error {
    constructor(status, message, headers = {}) {
      super(message);
      this.status = status;
      this.headers = headers;
    }
  }
  const notFound = () => new HttpError(404, 'Not Found');

  function repoFor(params) {
    const repo = state.repos.get(`${params.owner}/${params.repo}`.toLowerCase());
    if (!repo) throw notFound();
    return repo;
  }

  function visible(principal, repo) {
    if (principal.kind === 'app') return false;
    if (principal.kind === 'installation') return principal.repos.has(repo.fullName.toLowerCase());
    if (
      principal.scopes !== undefined &&
      repo.private &&
      !principal.scopes
        .split(',')
        .map((s) => s.trim())
        .includes('repo')
    )
      return false;
    return principal.repos === '*' || principal.repos.map((r) => r.toLowerCase()).includes(repo.fullName.toLowerCase());
  }

  function requireRepo(principal, params, operationId) {
    const repo = repoFor(params);
    if (!visible(principal, repo)) throw notFound();
    const need = NEEDS[operationId];
    if (need) {
      const [scope, level] = need;
      const has = LEVEL[principal.permissions[scope] ?? 'none'] ?? 0;
      const role = principal.kind === 'pat' && level === 'write' && principal.role === 'read';
      if (has < LEVEL[level] || role) {
        throw new HttpError(
          403,
          principal.kind === 'installation' ? 'Resource not accessible by integration' : 'Resource not accessible by personal access token',
        );
      }
    }
    return repo;
  }

  function findRef(repo, ref) {
    const r = String(ref).replace(/^refs\//, '');
    return repo.refs.get(r) ?? repo.refs.get(`heads/${r}`) ?? repo.refs.get(`tags/${r}`);
  }

  function workflowById(repo, id) {
    for (const w of repo.workflows.values()) if (String(w.id) === String(id) || w.file === String(id)) return w;
    return undefined;
  }

  function workflowDoc(repo, workflow, ref) {
    const text = ref.files[workflow.path];
    if (text === undefined) return undefined;
    try {
      return parseYaml(text);
    } catch {
      return null;
    }
  }

  // ---- API objects ---------------------------------------------------------------------------

  function ownerObject(repo) {
    return userObject(apiBase(), serverBase(), repo.owner, 800_000_001, 'Organization');
  }

  function minimalRepo(repo) {
    const a = `${apiBase()}/repos/${repo.fullName}`;
    return {
      id: repo.id,
      node_id: `R_${repo.id}`,
      name: repo.name,
      full_name: repo.fullName,
      owner: ownerObject(repo),
      private: repo.private,
      html_url: `${serverBase()}/${repo.fullName}`,
      description: repo.description,
      fork: false,
      url: a,
      archive_url: `${a}/{archive_format}{/ref}`,
      assignees_url: `${a}/assignees{/user}`,
      blobs_url: `${a}/git/blobs{/sha}`,
      branches_url: `${a}/branches{/branch}`,
      collaborators_url: `${a}/collaborators{/collaborator}`,
      comments_url: `${a}/comments{/number}`,
      commits_url: `${a}/commits{/sha}`,
      compare_url: `${a}/compare/{base}...{head}`,
      contents_url: `${a}/contents/{+path}`,
      contributors_url: `${a}/contributors`,
      deployments_url: `${a}/deployments`,
      downloads_url: `${a}/downloads`,
      events_url: `${a}/events`,
      forks_url: `${a}/forks`,
      git_commits_url: `${a}/git/commits{/sha}`,
      git_refs_url: `${a}/git/refs{/sha}`,
      git_tags_url: `${a}/git/tags{/sha}`,
      hooks_url: `${a}/hooks`,
      issue_comment_url: `${a}/issues/comments{/number}`,
      issue_events_url: `${a}/issues/events{/number}`,
      issues_url: `${a}/issues{/number}`,
      keys_url: `${a}/keys{/key_id}`,
      labels_url: `${a}/labels{/name}`,
      languages_url: `${a}/languages`,
      merges_url: `${a}/merges`,
      milestones_url: `${a}/milestones{/number}`,
      notifications_url: `${a}/notifications{?since,all,participating}`,
      pulls_url: `${a}/pulls{/number}`,
      releases_url: `${a}/releases{/id}`,
      stargazers_url: `${a}/stargazers`,
      statuses_url: `${a}/statuses/{sha}`,
      subscribers_url: `${a}/subscribers`,
      subscription_url: `${a}/subscription`,
      tags_url: `${a}/tags`,
      teams_url: `${a}/teams`,
      trees_url: `${a}/git/trees{/sha}`,
    };
  }

  function fullRepo(repo, principal) {
    const role = principal.kind === 'pat' ? principal.role : principal.permissions.contents === 'write' ? 'write' : 'read';
    const base = minimalRepo(repo);
    const out = {
      ...base,
      clone_url: `${serverBase()}/${repo.fullName}.git`,
      git_url: `git://${new URL(serverBase()).host}/${repo.fullName}.git`,
      ssh_url: `git@${new URL(serverBase()).host}:${repo.fullName}.git`,
      svn_url: `${serverBase()}/${repo.fullName}`,
      mirror_url: null,
      homepage: null,
      language: null,
      forks: 0,
      forks_count: 0,
      stargazers_count: 0,
      watchers_count: 0,
      watchers: 0,
      size: 42,
      default_branch: repo.defaultBranch,
      open_issues: 0,
      open_issues_count: 0,
      has_issues: true,
      has_projects: false,
      has_wiki: false,
      has_pages: false,
      has_discussions: false,
      has_downloads: true,
      archived: repo.archived,
      disabled: false,
      visibility: repo.private ? 'private' : 'public',
      pushed_at: iso(repo.created),
      created_at: iso(repo.created),
      updated_at: iso(repo.created),
      license: null,
      network_count: 0,
      subscribers_count: 1,
      allow_forking: false,
      is_template: false,
      topics: [],
    };
    // Users get their role on the repository; GitHub does not send it to installation tokens.
    if (principal.kind === 'pat') out.permissions = { admin: false, maintain: false, push: role !== 'read', triage: true, pull: true };
    return out;
  }

  function workflowObject(repo, w) {
    return {
      id: w.id,
      node_id: `W_${w.id}`,
      name: w.name,
      path: w.path,
      state: w.state,
      created_at: iso(w.created),
      updated_at: iso(w.created),
      url: `${apiBase()}/repos/${repo.fullName}/actions/workflows/${w.id}`,
      html_url: `${serverBase()}/${repo.fullName}/blob/${repo.defaultBranch}/${w.path}`,
      badge_url: `${serverBase()}/${repo.fullName}/workflows/${encodeURIComponent(w.name)}/badge.svg`,
    };
  }

  /** Where a run is in its life: by time since creation, or by how often it was read. */
  function phase(run, now = Date.now()) {
    const lc = run.lifecycle;
    if (run.cancelledAt !== undefined) return { status: 'completed', conclusion: 'cancelled', changedAt: run.cancelledAt };
    if (lc.mode === 'reads') {
      const r = run.reads;
      if (r < lc.queuedReads) return { status: 'queued', conclusion: null, changedAt: run.created };
      if (r < lc.queuedReads + lc.runningReads) return { status: 'in_progress', conclusion: null, changedAt: (run.startedAt ??= now) };
      return { status: 'completed', conclusion: lc.conclusion, changedAt: (run.completedAt ??= now) };
    }
    const t = now - run.created;
    if (t < lc.queuedMs) return { status: 'queued', conclusion: null, changedAt: run.created };
    if (t < lc.queuedMs + lc.runningMs) return { status: 'in_progress', conclusion: null, changedAt: run.created + lc.queuedMs };
    return { status: 'completed', conclusion: lc.conclusion, changedAt: run.created + lc.queuedMs + lc.runningMs };
  }

  function isVisible(run, now = Date.now()) {
    const lc = run.lifecycle;
    if (lc.mode === 'reads') return run.listReads >= (lc.appearAfterReads ?? 0);
    return now - run.created >= (lc.appearAfterMs ?? 0);
  }

  function runObject(run) {
    const repo = run.repo;
    const p = phase(run);
    const a = `${apiBase()}/repos/${repo.fullName}/actions/runs/${run.id}`;
    const started = p.status === 'queued' ? run.created : (run.startedAt ?? run.created + (run.lifecycle.queuedMs ?? 0));
    return {
      id: run.id,
      name: run.workflow.name,
      node_id: `WFR_${run.id}`,
      check_suite_id: run.id + 1,
      check_suite_node_id: `CS_${run.id + 1}`,
      head_branch: run.headBranch,
      head_sha: run.headSha,
      path: run.workflow.path,
      run_number: run.runNumber,
      run_attempt: 1,
      event: 'workflow_dispatch',
      display_title: run.displayTitle,
      status: p.status,
      conclusion: p.conclusion,
      workflow_id: run.workflow.id,
      url: a,
      html_url: `${serverBase()}/${repo.fullName}/actions/runs/${run.id}`,
      pull_requests: [],
      created_at: iso(run.created),
      updated_at: iso(p.changedAt),
      run_started_at: iso(started),
      actor: run.actor,
      triggering_actor: run.actor,
      jobs_url: `${a}/jobs`,
      logs_url: `${a}/logs`,
      check_suite_url: `${apiBase()}/repos/${repo.fullName}/check-suites/${run.id + 1}`,
      artifacts_url: `${a}/artifacts`,
      cancel_url: `${a}/cancel`,
      rerun_url: `${a}/rerun`,
      previous_attempt_url: null,
      workflow_url: `${apiBase()}/repos/${repo.fullName}/actions/workflows/${run.workflow.id}`,
      head_commit: {
        id: run.headSha,
        tree_id: sha1(`tree:${run.headSha}`),
        message: 'Update deployment',
        timestamp: iso(repo.created),
        author: { name: 'Deploy Bot', email: 'deploy-bot@example.com' },
        committer: { name: 'Deploy Bot', email: 'deploy-bot@example.com' },
      },
      repository: minimalRepo(repo),
      head_repository: minimalRepo(repo),
    };
  }

  function jobsOf(run) {
    const p = phase(run);
    const lc = run.lifecycle;
    const doc = run.doc && typeof run.doc === 'object' ? run.doc : {};
    const jobDefs = doc.jobs && typeof doc.jobs === 'object' ? Object.entries(doc.jobs) : [['build', { steps: [] }]];
    const context = { inputs: run.inputs, github: { actor: run.actor.login, ref_name: run.headBranch, event_name: 'workflow_dispatch' } };
    const failJob = lc.failJob ?? jobDefs[0][0];
    return jobDefs.map(([key, def], index) => {
      const id = (run.jobIds[index] ??= state.nextJobId++);
      const name = def && def.name ? renderExpressions(def.name, context) : key;
      const stepNames = [
        'Set up job',
        ...(Array.isArray(def?.steps) ? def.steps : []).map((s) =>
          s && s.name ? renderExpressions(s.name, context) : s && s.uses ? `Run ${s.uses}` : `Run ${String(s?.run ?? '').split('\n')[0]}`,
        ),
        'Complete job',
      ];
      let status = p.status;
      let conclusion = p.conclusion;
      if (p.status === 'completed' && p.conclusion !== 'success' && key !== failJob && p.conclusion !== 'cancelled') conclusion = 'success';
      const failing = conclusion === 'failure' ? (lc.failStep ? stepNames.indexOf(lc.failStep) : stepNames.length - 2) : -1;
      const steps =
        status === 'queued'
          ? []
          : stepNames.map((stepName, i) => {
              const done = status === 'completed' || i === 0;
              let stepConclusion = done
                ? failing >= 0 && i === failing
                  ? 'failure'
                  : failing >= 0 && i > failing && i < stepNames.length - 1
                    ? 'skipped'
                    : conclusion === 'cancelled' && i > 0
                      ? 'cancelled'
                      : 'success'
                : null;
              if (status !== 'completed' && i === 0) stepConclusion = 'success';
              return {
                name: stepName,
                status: done ? 'completed' : i === 1 ? 'in_progress' : 'queued',
                conclusion: stepConclusion,
                number: i + 1,
                started_at: done || i === 1 ? iso(run.created) : null,
                completed_at: done ? iso(p.changedAt) : null,
              };
            });
      const a = `${apiBase()}/repos/${run.repo.fullName}`;
      return {
        id,
        run_id: run.id,
        run_url: `${a}/actions/runs/${run.id}`,
        run_attempt: 1,
        node_id: `J_${id}`,
        head_sha: run.headSha,
        head_branch: run.headBranch,
        url: `${a}/actions/jobs/${id}`,
        html_url: `${serverBase()}/${run.repo.fullName}/actions/runs/${run.id}/job/${id}`,
        status,
        conclusion,
        created_at: iso(run.created),
        started_at: iso(run.created),
        completed_at: status === 'completed' ? iso(p.changedAt) : null,
        name,
        steps,
        check_run_url: `${a}/check-runs/${id}`,
        labels: ['ubuntu-latest'],
        runner_id: status === 'queued' ? null : 7,
        runner_name: status === 'queued' ? null : 'GitHub Actions 7',
        runner_group_id: status === 'queued' ? null : 1,
        runner_group_name: status === 'queued' ? null : 'GitHub Actions',
        workflow_name: run.workflow.name,
      };
    });
  }

  function installationObject(app, inst) {
    const account = state.repos.size ? userObject(apiBase(), serverBase(), inst.account, 800_000_001, 'Organization') : null;
    return {
      id: inst.id,
      account,
      repository_selection: inst.repositories === '*' ? 'all' : 'selected',
      access_tokens_url: `${apiBase()}/app/installations/${inst.id}/access_tokens`,
      repositories_url: `${apiBase()}/installation/repositories`,
      html_url: `${serverBase()}/organizations/${inst.account}/settings/installations/${inst.id}`,
      app_id: app.id,
      app_slug: app.slug,
      target_id: 800_000_001,
      target_type: 'Organization',
      permissions: inst.permissions,
      events: [],
      created_at: '2024-05-01T10:00:00Z',
      updated_at: '2024-05-01T10:00:00Z',
      single_file_name: null,
      has_multiple_single_files: false,
      single_file_paths: [],
      suspended_by: null,
      suspended_at: null,
    };
  }

  // ---- deployments ---------------------------------------------------------------------------

  function deploymentFor(principal, params, operationId) {
    const repo = requireRepo(principal, params, operationId);
    const d = state.deployments.get(Number(params.deployment_id));
    if (!d || d.repo !== repo) throw notFound();
    return d;
  }

  function creatorObject(principal) {
    if (principal.kind === 'installation') return userObject(apiBase(), serverBase(), principal.login, 41_898_282, 'Bot');
    return userObject(apiBase(), serverBase(), principal.login, principal.userId);
  }

  function deploymentObject(d) {
    const a = `${apiBase()}/repos/${d.repo.fullName}`;
    return {
      url: `${a}/deployments/${d.id}`,
      id: d.id,
      node_id: `DE_${d.id}`,
      sha: d.sha,
      ref: d.ref,
      task: d.task,
      payload: d.payload,
      original_environment: d.environment,
      environment: d.environment,
      description: d.description,
      creator: creatorObject(d.creator),
      created_at: iso(d.created),
      updated_at: iso(d.updated),
      statuses_url: `${a}/deployments/${d.id}/statuses`,
      repository_url: a,
      transient_environment: d.transient,
      production_environment: d.production,
      performed_via_github_app: null,
    };
  }

  function addStatus(d, principal, body) {
    const now = Date.now();
    const s = {
      id: state.nextDeploymentStatusId++,
      state: body.state,
      description: body.description ?? '',
      environment: body.environment ?? d.statuses.at(-1)?.environment ?? d.environment,
      logUrl: body.log_url ?? body.target_url ?? '',
      environmentUrl: body.environment_url ?? '',
      creator: principal,
      created: now,
    };
    d.statuses.push(s);
    d.updated = now;
    return s;
  }

  // target_url is required and a URI in the description, so GitHub's '' for "none given" is a
  // contract violation the fake reports; deploy-kit always sends a log_url.
  function statusObject(d, s) {
    const a = `${apiBase()}/repos/${d.repo.fullName}`;
    return {
      url: `${a}/deployments/${d.id}/statuses/${s.id}`,
      id: s.id,
      node_id: `DES_${s.id}`,
      state: s.state,
      creator: creatorObject(s.creator),
      description: s.description,
      environment: s.environment,
      target_url: s.logUrl,
      created_at: iso(s.created),
      updated_at: iso(s.created),
      deployment_url: `${a}/deployments/${d.id}`,
      repository_url: a,
      ...(s.environmentUrl ? { environment_url: s.environmentUrl } : {}),
      ...(s.logUrl ? { log_url: s.logUrl } : {}),
      performed_via_github_app: null,
    };
  }

  // ---- releases ------------------------------------------------------------------------------

  function releaseFor(principal, params, operationId) {
    const repo = requireRepo(principal, params, operationId);
    const release = state.releases.get(Number(params.release_id));
    if (!release || release.repo !== repo) throw notFound();
    return release;
  }

  function assetObject(release, a) {
    const full = release.repo.fullName;
    return {
      url: `${apiBase()}/repos/${full}/releases/assets/${a.id}`,
      browser_download_url: `${serverBase()}/${full}/releases/download/${encodeURIComponent(release.tag)}/${encodeURIComponent(a.name)}`,
      id: a.id,
      node_id: `RA_${a.id}`,
      name: a.name,
      label: a.label ?? null,
      state: 'uploaded',
      content_type: a.contentType,
      size: a.data.length,
      digest: assetDigests ? `sha256:${createHash('sha256').update(a.data).digest('hex')}` : null,
      download_count: 0,
      created_at: iso(a.created),
      updated_at: iso(a.created),
      uploader: creatorObject(a.uploader),
    };
  }

  function releaseObject(r) {
    const full = r.repo.fullName;
    const a = `${apiBase()}/repos/${full}/releases/${r.id}`;
    return {
      url: a,
      html_url: `${serverBase()}/${full}/releases/tag/${encodeURIComponent(r.tag)}`,
      assets_url: `${a}/assets`,
      upload_url: `${uploadsBase()}/repos/${full}/releases/${r.id}/assets{?name,label}`,
      tarball_url: `${apiBase()}/repos/${full}/tarball/${encodeURIComponent(r.tag)}`,
      zipball_url: `${apiBase()}/repos/${full}/zipball/${encodeURIComponent(r.tag)}`,
      id: r.id,
      node_id: `RE_${r.id}`,
      tag_name: r.tag,
      target_commitish: r.targetCommitish,
      name: r.name,
      body: r.body,
      draft: r.draft,
      prerelease: r.prerelease,
      immutable: false,
      created_at: iso(r.created),
      published_at: r.draft ? null : iso(r.updated),
      updated_at: iso(r.updated),
      author: creatorObject(r.author),
      assets: r.assets.map((x) => assetObject(r, x)),
    };
  }

  /** GitHub's generated notes, reduced to what the fake knows: the range, and the tags in it. */
  function generatedNotes(repo, tag, previous) {
    const compare = previous
      ? `${serverBase()}/${repo.fullName}/compare/${previous}...${tag}`
      : `${serverBase()}/${repo.fullName}/commits/${tag}`;
    return `## What's Changed\n* Changes of ${tag} (fake notes) by @deploy-bot\n\n**Full Changelog**: ${compare}`;
  }

  const validationFailed = (resource, field, code) => {
    const error = new HttpError(422, 'Validation Failed');
    error.body = { message: 'Validation Failed', errors: [{ resource, code, field }], documentation_url: DOCS };
    return error;
  };

  // ---- authentication ------------------------------------------------------------------------

  function verifyJwt(jwt) {
    const parts = jwt.split('.');
    if (parts.length !== 3) return { error: 'A JSON web token could not be decoded' };
    let header;
    let payload;
    try {
      header = JSON.parse(b64url(parts[0]).toString());
      payload = JSON.parse(b64url(parts[1]).toString());
    } catch {
      return { error: 'A JSON web token could not be decoded' };
    }
    if (header.alg !== 'RS256') return { error: `JWT algorithm ${header.alg} is not supported; use RS256` };
    const app = state.apps.find(
      (a) => a.id === payload.iss || String(a.id) === String(payload.iss) || (a.clientId && a.clientId === payload.iss),
    );
    if (!app) return { error: 'Integration not found' };
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.iat !== 'number' || payload.iat > now + 60)
      return { error: "'Issued at' claim ('iat') must be an Integer representing a time in the past" };
    if (typeof payload.exp !== 'number' || payload.exp <= now)
      return {
        error: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
      };
    if (payload.exp - now > 600) return { error: "'Expiration time' claim ('exp') is too far in the future" };
    const ok = createVerify('RSA-SHA256').update(`${parts[0]}.${parts[1]}`).verify(app.publicKey, b64url(parts[2]));
    if (!ok) return { error: 'A JSON web token could not be decoded' };
    return { app };
  }

  function authenticate(req) {
    const header = req.headers.authorization;
    if (!header) return { kind: 'anonymous' };
    const m = /^(token|bearer)\s+(\S+)$/i.exec(header);
    if (!m) throw new HttpError(401, 'Bad credentials');
    const value = m[2];
    if (value.split('.').length === 3) {
      const { app, error } = verifyJwt(value);
      if (error) throw new HttpError(401, error);
      return { kind: 'app', app };
    }
    const token = state.tokens.get(value);
    if (!token || token.revoked || (token.expiresAt && token.expiresAt < Date.now())) throw new HttpError(401, 'Bad credentials');
    return token;
  }

  // ---- operations ----------------------------------------------------------------------------

  function listRunsFor(repo, workflow, query) {
    let runs = [...state.runs.values()].filter((r) => r.repo === repo && r.workflow === workflow && isVisible(r));
    const q = (k) => query[k]?.[0];
    if (q('event')) runs = runs.filter(() => q('event') === 'workflow_dispatch');
    if (q('branch')) runs = runs.filter((r) => r.headBranch === q('branch'));
    if (q('actor')) runs = runs.filter((r) => r.actor.login === q('actor'));
    if (q('status')) runs = runs.filter((r) => phase(r).status === q('status') || phase(r).conclusion === q('status'));
    if (q('head_sha')) runs = runs.filter((r) => r.headSha === q('head_sha'));
    if (q('created')) {
      const c = q('created');
      const created = (r) => Math.floor(r.created / 1000) * 1000;
      let m;
      if ((m = /^(>=|<=|>|<)(.+)$/.exec(c))) {
        const t = Date.parse(m[2]);
        if (Number.isNaN(t)) throw new HttpError(422, `Invalid created filter: ${c}`);
        const cmp = { '>=': (x) => x >= t, '<=': (x) => x <= t, '>': (x) => x > t, '<': (x) => x < t }[m[1]];
        runs = runs.filter((r) => cmp(created(r)));
      } else if ((m = /^(.+)\.\.(.+)$/.exec(c))) {
        const [a, b] = [Date.parse(m[1]), Date.parse(m[2])];
        runs = runs.filter((r) => created(r) >= a && created(r) <= b);
      } else if (!Number.isNaN(Date.parse(c))) {
        const day = c.slice(0, 10);
        runs = runs.filter((r) => iso(r.created).startsWith(day));
      } else throw new HttpError(422, `Invalid created filter: ${c}`);
    }
    runs.sort((a, b) => b.created - a.created || b.id - a.id);
    const perPage = Math.min(100, Number(q('per_page') ?? 30));
    const page = Number(q('page') ?? 1);
    const slice = runs.slice((page - 1) * perPage, page * perPage);
    return { total: runs.length, slice };
  }

  const operations = {
    'repos/get': ({ principal, params }) => ({ status: 200, body: fullRepo(requireRepo(principal, params, 'repos/get'), principal) }),

    'actions/list-repo-workflows': ({ principal, params, query }) => {
      const repo = requireRepo(principal, params, 'actions/list-repo-workflows');
      const all = [...repo.workflows.values()];
      const perPage = Math.min(100, Number(query.per_page?.[0] ?? 30));
      const page = Number(query.page?.[0] ?? 1);
      return {
        status: 200,
        body: { total_count: all.length, workflows: all.slice((page - 1) * perPage, page * perPage).map((w) => workflowObject(repo, w)) },
      };
    },

    'actions/get-workflow': ({ principal, params }) => {
      const repo = requireRepo(principal, params, 'actions/get-workflow');
      const w = workflowById(repo, params.workflow_id);
      if (!w) throw notFound();
      return { status: 200, body: workflowObject(repo, w) };
    },

    'repos/get-content': ({ principal, params, query }) => {
      const repo = requireRepo(principal, params, 'repos/get-content');
      const refName = query.ref?.[0] ?? repo.defaultBranch;
      const ref = findRef(repo, refName);
      if (!ref) throw new HttpError(404, `No commit found for the ref ${refName}`);
      const text = ref.files[params.path];
      if (text === undefined) throw notFound();
      const content = Buffer.from(text)
        .toString('base64')
        .replace(/(.{60})/g, '$1\n');
      const a = `${apiBase()}/repos/${repo.fullName}`;
      const blob = sha1(`blob ${text}`);
      return {
        status: 200,
        body: {
          type: 'file',
          encoding: 'base64',
          size: Buffer.byteLength(text),
          name: params.path.slice(params.path.lastIndexOf('/') + 1),
          path: params.path,
          content,
          sha: blob,
          url: `${a}/contents/${params.path}?ref=${encodeURIComponent(ref.name)}`,
          git_url: `${a}/git/blobs/${blob}`,
          html_url: `${serverBase()}/${repo.fullName}/blob/${ref.name}/${params.path}`,
          download_url: `${serverBase()}/${repo.fullName}/raw/${ref.name}/${params.path}`,
          _links: {
            self: `${a}/contents/${params.path}`,
            git: `${a}/git/blobs/${blob}`,
            html: `${serverBase()}/${repo.fullName}/blob/${ref.name}/${params.path}`,
          },
        },
      };
    },

    'git/get-ref': ({ principal, params }) => {
      const repo = requireRepo(principal, params, 'git/get-ref');
      const ref = repo.refs.get(params.ref);
      if (!ref) throw notFound();
      return {
        status: 200,
        body: {
          ref: `refs/${params.ref}`,
          node_id: `REF_${ref.sha.slice(0, 8)}`,
          url: `${apiBase()}/repos/${repo.fullName}/git/refs/${params.ref}`,
          object: { type: 'commit', sha: ref.sha, url: `${apiBase()}/repos/${repo.fullName}/git/commits/${ref.sha}` },
        },
      };
    },

    'actions/create-workflow-dispatch': ({ principal, params, body, version }) => {
      const repo = requireRepo(principal, params, 'actions/create-workflow-dispatch');
      const workflow = workflowById(repo, params.workflow_id);
      if (!workflow) throw notFound();
      if (ghes && body && 'return_run_details' in body)
        throw new HttpError(400, 'Invalid request.\n\n"return_run_details" is not a permitted key.');
      if (workflow.state !== 'active') throw new HttpError(422, `Cannot trigger a 'workflow_dispatch' on a disabled workflow`);
      const ref = findRef(repo, body.ref);
      if (!ref) throw new HttpError(422, `No ref found for: ${body.ref}`);
      const doc = workflowDoc(repo, workflow, ref);
      if (!doc) throw new HttpError(422, "Workflow does not have 'workflow_dispatch' trigger");
      const on = doc.on ?? doc.true;
      const triggers = typeof on === 'string' ? [on] : Array.isArray(on) ? on : on && typeof on === 'object' ? Object.keys(on) : [];
      if (!triggers.includes('workflow_dispatch')) throw new HttpError(422, "Workflow does not have 'workflow_dispatch' trigger");
      const declared = (on && typeof on === 'object' && !Array.isArray(on) && on.workflow_dispatch?.inputs) || {};
      const inputs = { ...(body.inputs ?? {}) };
      const unexpected = Object.keys(inputs).filter((k) => !(k in declared));
      if (unexpected.length) throw new HttpError(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
      for (const [name, spec] of Object.entries(declared)) {
        const s = spec ?? {};
        if (!(name in inputs)) {
          if (s.required && (s.default === undefined || s.default === ''))
            throw new HttpError(422, `Required input '${name}' not provided`);
          if (s.default !== undefined) inputs[name] = String(s.default);
          continue;
        }
        const value = inputs[name];
        if (typeof value !== 'string' && typeof value !== 'boolean' && typeof value !== 'number')
          throw new HttpError(422, `Input '${name}' must be a string`);
        if (s.type === 'choice' && Array.isArray(s.options) && !s.options.map(String).includes(String(value)))
          throw new HttpError(422, `Provided value '${value}' for input '${name}' not in the list of allowed values`);
        if (s.type === 'boolean' && !['true', 'false'].includes(String(value)))
          throw new HttpError(422, `Provided value '${value}' for input '${name}' is not a boolean`);
      }
      const actor =
        principal.kind === 'installation'
          ? userObject(apiBase(), serverBase(), `${principal.app.slug}[bot]`, 900_000 + principal.app.id, 'Bot')
          : userObject(apiBase(), serverBase(), principal.login, principal.userId);
      const runNumber = [...state.runs.values()].filter((r) => r.workflow === workflow).length + 1;
      const context = {
        inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, String(v)])),
        github: { actor: actor.login, ref_name: ref.name, event_name: 'workflow_dispatch' },
      };
      const run = {
        id: state.nextRunId++,
        repo,
        workflow,
        doc,
        ref: body.ref,
        headBranch: ref.name,
        headSha: ref.sha,
        runNumber,
        inputs: context.inputs,
        actor,
        displayTitle: doc['run-name'] ? renderExpressions(doc['run-name'], context) : workflow.name,
        created: Date.now(),
        lifecycle: { ...workflow.lifecycle },
        reads: 0,
        listReads: 0,
        jobIds: [],
      };
      state.runs.set(run.id, run);
      // lifecycle.twinDispatch: someone else (same actor, same inputs) dispatched at the same moment,
      // deterministically, so tests of the time-window strategy need no race between two processes.
      if (run.lifecycle.twinDispatch) {
        const twin = { ...run, id: state.nextRunId++, runNumber: run.runNumber + 1, jobIds: [] };
        state.runs.set(twin.id, twin);
      }
      const details = version === '2026-03-10' || body.return_run_details === true;
      if (!ghes && details) {
        return {
          status: 200,
          body: {
            workflow_run_id: run.id,
            run_url: `${apiBase()}/repos/${repo.fullName}/actions/runs/${run.id}`,
            html_url: `${serverBase()}/${repo.fullName}/actions/runs/${run.id}`,
          },
        };
      }
      return { status: 204 };
    },

    'actions/list-workflow-runs': ({ principal, params, query }) => {
      const repo = requireRepo(principal, params, 'actions/list-workflow-runs');
      const workflow = workflowById(repo, params.workflow_id);
      if (!workflow) throw notFound();
      const { total, slice } = listRunsFor(repo, workflow, query);
      return {
        status: 200,
        body: { total_count: total, workflow_runs: slice.map(runObject) },
        observed: slice,
        list: true,
        workflowId: workflow.id,
      };
    },

    'actions/get-workflow-run': ({ principal, params }) => {
      const repo = requireRepo(principal, params, 'actions/get-workflow-run');
      const run = state.runs.get(Number(params.run_id));
      if (!run || run.repo !== repo) throw notFound();
      return { status: 200, body: runObject(run), observed: [run] };
    },

    'actions/list-jobs-for-workflow-run': ({ principal, params, query }) => {
      const repo = requireRepo(principal, params, 'actions/list-jobs-for-workflow-run');
      const run = state.runs.get(Number(params.run_id));
      if (!run || run.repo !== repo) throw notFound();
      const jobs = jobsOf(run);
      const perPage = Math.min(100, Number(query.per_page?.[0] ?? 30));
      return { status: 200, body: { total_count: jobs.length, jobs: jobs.slice(0, perPage) } };
    },

    'actions/cancel-workflow-run': ({ principal, params }) => {
      const repo = requireRepo(principal, params, 'actions/cancel-workflow-run');
      const run = state.runs.get(Number(params.run_id));
      if (!run || run.repo !== repo) throw notFound();
      if (phase(run).status === 'completed') throw new HttpError(409, 'Cannot cancel a workflow run that is completed.');
      run.cancelledAt = Date.now();
      return { status: 202, body: {} };
    },

    'users/get-authenticated': ({ principal }) => {
      if (principal.kind === 'installation') throw new HttpError(403, 'Resource not accessible by integration');
      const u = userObject(apiBase(), serverBase(), principal.login, principal.userId);
      return {
        status: 200,
        body: {
          ...u,
          name: 'Deploy Bot',
          company: null,
          blog: '',
          location: null,
          email: null,
          hireable: null,
          bio: null,
          public_repos: 0,
          public_gists: 0,
          followers: 0,
          following: 0,
          created_at: '2020-01-01T00:00:00Z',
          updated_at: '2020-01-01T00:00:00Z',
          private_gists: 0,
          total_private_repos: 0,
          owned_private_repos: 0,
          disk_usage: 0,
          collaborators: 0,
          two_factor_authentication: true,
        },
      };
    },

    'apps/get-repo-installation': ({ principal, params }) => {
      if (principal.kind !== 'app') throw new HttpError(401, 'A JSON web token could not be decoded');
      const repo = repoFor(params);
      const inst = principal.app.installations.find(
        (i) =>
          i.account.toLowerCase() === repo.owner.toLowerCase() &&
          (i.repositories === '*' || i.repositories.map((r) => r.toLowerCase()).includes(repo.name.toLowerCase())),
      );
      if (!inst) throw notFound();
      return { status: 200, body: installationObject(principal.app, inst) };
    },

    'apps/create-installation-access-token': ({ principal, params, body }) => {
      if (principal.kind !== 'app') throw new HttpError(401, 'A JSON web token could not be decoded');
      const inst = principal.app.installations.find((i) => String(i.id) === String(params.installation_id));
      if (!inst) throw notFound();
      const installed = [...state.repos.values()].filter(
        (r) =>
          r.owner.toLowerCase() === inst.account.toLowerCase() &&
          (inst.repositories === '*' || inst.repositories.map((n) => n.toLowerCase()).includes(r.name.toLowerCase())),
      );
      let repos = installed;
      if (Array.isArray(body?.repositories)) {
        repos = body.repositories.map((name) => installed.find((r) => r.name.toLowerCase() === String(name).toLowerCase()));
        if (repos.some((r) => !r))
          throw new HttpError(422, 'There is at least one repository that does not exist or is not accessible to the parent installation.');
      }
      const permissions = { ...(body?.permissions ?? inst.permissions) };
      for (const [scope, level] of Object.entries(permissions)) {
        if ((LEVEL[inst.permissions[scope] ?? 'none'] ?? 0) < (LEVEL[level] ?? 9))
          throw new HttpError(422, 'The permissions requested are not granted to this installation.');
      }
      const token = `ghs_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'x')}`;
      const expiresAt = Date.now() + 3_600_000;
      state.tokens.set(token, {
        kind: 'installation',
        app: principal.app,
        installationId: inst.id,
        login: `${principal.app.slug}[bot]`,
        repos: new Set(repos.map((r) => r.fullName.toLowerCase())),
        permissions,
        expiresAt,
        rate: { limit: rateLimit.limit, remaining: rateLimit.limit, resetAt: Date.now() + rateLimit.windowMs },
      });
      return {
        status: 201,
        body: {
          token,
          expires_at: iso(expiresAt),
          permissions,
          repository_selection: Array.isArray(body?.repositories) ? 'selected' : inst.repositories === '*' ? 'all' : 'selected',
        },
      };
    },

    // ---- deployments (https://docs.github.com/rest/deployments) ----------------------------------
    // GitHub resolves `ref` to a commit (422 when it cannot), checks the commit's status contexts
    // unless `required_contexts: []` (409), and with `auto_merge` (the default) merges the default
    // branch into a ref behind it: here every ref other than the default branch counts as behind and
    // its merge conflicts (409), so a client that leaves auto_merge on is caught.
    'repos/create-deployment': ({ principal, params, body }) => {
      const repo = requireRepo(principal, params, 'repos/create-deployment');
      const refName = String(body.ref);
      const ref = findRef(repo, refName);
      const sha = ref?.sha ?? (/^[0-9a-f]{40}$/.test(refName) ? refName : undefined);
      if (!sha) throw new HttpError(422, `No ref found for: ${refName}`);
      const conflict = (message) => Object.assign(new HttpError(409, message), { noBody: true });
      if (body.auto_merge !== false && !(ref && ref.type === 'branch' && ref.name === repo.defaultBranch))
        throw conflict(`Conflict merging ${repo.defaultBranch} into ${refName}.`);
      const contexts = Array.isArray(body.required_contexts) ? body.required_contexts : Object.keys(repo.commitStatuses);
      const failing = contexts.filter((c) => repo.commitStatuses[c] !== 'success');
      if (failing.length) throw conflict(`Conflict: Commit status checks failed for ${refName}.`);
      const environment = body.environment ?? 'production';
      const now = Date.now();
      const d = {
        id: state.nextDeploymentId++,
        repo,
        sha,
        ref: refName,
        task: body.task ?? 'deploy',
        payload: typeof body.payload === 'string' ? (body.payload === '' ? {} : JSON.parse(body.payload)) : (body.payload ?? {}),
        environment,
        description: body.description ?? '',
        transient: body.transient_environment ?? false,
        production: body.production_environment ?? environment === 'production',
        creator: principal,
        created: now,
        updated: now,
        statuses: [],
      };
      state.deployments.set(d.id, d);
      return { status: 201, body: deploymentObject(d) };
    },

    'repos/list-deployments': ({ principal, params, query }) => {
      const repo = requireRepo(principal, params, 'repos/list-deployments');
      const q = (k) => query[k]?.[0];
      const list = [...state.deployments.values()]
        .filter(
          (d) =>
            d.repo === repo &&
            (q('sha') === undefined || d.sha === q('sha')) &&
            (q('ref') === undefined || d.ref === q('ref')) &&
            (q('task') === undefined || d.task === q('task')) &&
            (q('environment') === undefined || d.environment === q('environment')),
        )
        .sort((a, b) => b.id - a.id);
      const perPage = Math.min(100, Number(q('per_page') ?? 30));
      const page = Number(q('page') ?? 1);
      return { status: 200, body: list.slice((page - 1) * perPage, page * perPage).map(deploymentObject) };
    },

    'repos/get-deployment': ({ principal, params }) => ({
      status: 200,
      body: deploymentObject(deploymentFor(principal, params, 'repos/get-deployment')),
    }),

    'repos/list-deployment-statuses': ({ principal, params, query }) => {
      const d = deploymentFor(principal, params, 'repos/list-deployment-statuses');
      const perPage = Math.min(100, Number(query.per_page?.[0] ?? 30));
      const page = Number(query.page?.[0] ?? 1);
      return {
        status: 200,
        body: [...d.statuses]
          .reverse()
          .slice((page - 1) * perPage, page * perPage)
          .map((s) => statusObject(d, s)),
      };
    },

    // `auto_inactive` (default true) adds an `inactive` status to the earlier non-transient,
    // non-production deployments of the repository and environment whose state was `success`, as
    // the description says.
    'repos/create-deployment-status': ({ principal, params, body }) => {
      const d = deploymentFor(principal, params, 'repos/create-deployment-status');
      if (typeof body.description === 'string' && body.description.length > 140)
        throw new HttpError(422, 'Validation Failed: description is too long (maximum is 140 characters)');
      for (const key of ['log_url', 'environment_url', 'target_url']) {
        if (typeof body[key] === 'string' && body[key] !== '' && !/^https?:\/\//.test(body[key]))
          throw new HttpError(422, `Validation Failed: ${key} must use the http or https scheme`);
      }
      const s = addStatus(d, principal, body);
      if (body.auto_inactive !== false) {
        for (const other of state.deployments.values()) {
          if (other.id >= d.id || other.repo !== d.repo || other.environment !== s.environment || other.transient || other.production)
            continue;
          const latest = other.statuses.at(-1);
          if (latest?.state === 'success')
            addStatus(other, principal, {
              state: 'inactive',
              description: '',
              log_url: latest.logUrl,
              environment_url: latest.environmentUrl,
            });
        }
      }
      return { status: 201, body: statusObject(d, s) };
    },

    'git/list-matching-refs': ({ principal, params }) => {
      const repo = requireRepo(principal, params, 'git/list-matching-refs');
      const prefix = String(params.ref).replace(/^refs\//, '');
      const body = [...repo.refs.entries()]
        .filter(([name]) => name.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, ref]) => ({
          ref: `refs/${name}`,
          node_id: `REF_${ref.sha.slice(0, 8)}`,
          url: `${apiBase()}/repos/${repo.fullName}/git/refs/${name}`,
          object: { type: 'commit', sha: ref.sha, url: `${apiBase()}/repos/${repo.fullName}/git/commits/${ref.sha}` },
        }));
      return { status: 200, body };
    },

    'repos/get-release-by-tag': ({ principal, params }) => {
      const repo = requireRepo(principal, params, 'repos/get-release-by-tag');
      // Drafts are not found by tag, as on GitHub.
      const release = [...state.releases.values()].find((r) => r.repo === repo && r.tag === params.tag && !r.draft);
      if (!release) throw notFound();
      return { status: 200, body: releaseObject(release) };
    },

    'repos/list-releases': ({ principal, params, query }) => {
      const repo = requireRepo(principal, params, 'repos/list-releases');
      // Newest first; drafts only for those who may write (as GitHub shows them).
      const writer = (LEVEL[principal.permissions?.contents ?? 'none'] ?? 0) >= LEVEL.write;
      const all = [...state.releases.values()].filter((r) => r.repo === repo && (writer || !r.draft)).sort((a, b) => b.id - a.id);
      const perPage = Math.min(100, Number(query.per_page?.[0] ?? 30));
      const page = Number(query.page?.[0] ?? 1);
      return { status: 200, body: all.slice((page - 1) * perPage, page * perPage).map(releaseObject) };
    },

    'repos/generate-release-notes': ({ principal, params, body }) => {
      const repo = requireRepo(principal, params, 'repos/generate-release-notes');
      if (!repo.refs.has(`tags/${body.tag_name}`) && !body.target_commitish) throw notFound();
      if (body.previous_tag_name && !repo.refs.has(`tags/${body.previous_tag_name}`)) throw notFound();
      return { status: 200, body: { name: body.tag_name, body: generatedNotes(repo, body.tag_name, body.previous_tag_name) } };
    },

    'repos/create-release': ({ principal, params, body }) => {
      const repo = requireRepo(principal, params, 'repos/create-release');
      if ([...state.releases.values()].some((r) => r.repo === repo && r.tag === body.tag_name))
        throw validationFailed('Release', 'tag_name', 'already_exists');
      if (!repo.refs.has(`tags/${body.tag_name}`)) {
        const from = findRef(repo, body.target_commitish ?? repo.defaultBranch);
        if (!from) throw validationFailed('Release', 'target_commitish', 'invalid');
        repo.refs.set(`tags/${body.tag_name}`, { type: 'tag', name: body.tag_name, sha: from.sha, files: { ...from.files } });
      }
      const now = Date.now();
      const release = {
        id: state.nextReleaseId++,
        repo,
        tag: body.tag_name,
        targetCommitish: body.target_commitish ?? repo.defaultBranch,
        name: body.name ?? body.tag_name,
        body: body.body ?? '',
        draft: body.draft ?? false,
        prerelease: body.prerelease ?? false,
        makeLatest: body.make_latest ?? 'true',
        author: principal,
        assets: [],
        created: now,
        updated: now,
      };
      if (body.generate_release_notes) release.body = `${release.body}\n\n${generatedNotes(repo, release.tag)}`.trim();
      state.releases.set(release.id, release);
      if (!release.draft && !release.prerelease && release.makeLatest === 'true') repo.latestRelease = release.id;
      return { status: 201, body: releaseObject(release) };
    },

    'repos/update-release': ({ principal, params, body }) => {
      const release = releaseFor(principal, params, 'repos/update-release');
      for (const [key, field] of [
        ['name', 'name'],
        ['body', 'body'],
        ['draft', 'draft'],
        ['prerelease', 'prerelease'],
        ['make_latest', 'makeLatest'],
        ['tag_name', 'tag'],
      ])
        if (body?.[key] !== undefined) release[field] = body[key];
      release.updated = Date.now();
      if (!release.draft && !release.prerelease && body?.make_latest === 'true') release.repo.latestRelease = release.id;
      return { status: 200, body: releaseObject(release) };
    },

    'repos/list-release-assets': ({ principal, params, query }) => {
      const release = releaseFor(principal, params, 'repos/list-release-assets');
      const perPage = Math.min(100, Number(query.per_page?.[0] ?? 30));
      const page = Number(query.page?.[0] ?? 1);
      return { status: 200, body: release.assets.slice((page - 1) * perPage, page * perPage).map((a) => assetObject(release, a)) };
    },

    'repos/delete-release-asset': ({ principal, params }) => {
      const repo = requireRepo(principal, params, 'repos/delete-release-asset');
      for (const release of state.releases.values()) {
        if (release.repo !== repo) continue;
        const index = release.assets.findIndex((a) => a.id === Number(params.asset_id));
        if (index >= 0) {
          release.assets.splice(index, 1);
          return { status: 204 };
        }
      }
      throw notFound();
    },

    'repos/upload-release-asset': ({ principal, params, query, rawBody, req, uploads }) => {
      if (!uploads) {
        const error = new HttpError(404, 'Not Found');
        error.violation = `an upload went to the API (${apiBase()}), not to the release's upload_url (${uploadsBase()})`;
        throw error;
      }
      const release = releaseFor(principal, params, 'repos/upload-release-asset');
      const name = query.name[0];
      if (release.assets.some((a) => a.name === name)) {
        // The description declares this 422 without content.
        const error = validationFailed('ReleaseAsset', 'name', 'already_exists');
        error.noBody = true;
        throw error;
      }
      const asset = {
        id: state.nextAssetId++,
        name,
        label: query.label?.[0],
        contentType: req.headers['content-type'],
        data: rawBody,
        uploader: principal,
        created: Date.now(),
      };
      release.assets.push(asset);
      return { status: 201, body: assetObject(release, asset) };
    },

    'apps/revoke-installation-access-token': ({ principal, req }) => {
      if (principal.kind !== 'installation') throw new HttpError(401, 'Bad credentials');
      const value = /\s(\S+)$/.exec(req.headers.authorization)[1];
      state.tokens.get(value).revoked = true;
      return { status: 204 };
    },
  };

  // ---- the HTTP server -----------------------------------------------------------------------

  function readBody(req) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  function violation(kind, record, problems) {
    for (const problem of problems)
      violations.push({ kind, method: record.method, path: record.path, operationId: record.operationId, problem });
  }

  /** `server`: 'api' (the fake's origin) or 'uploads' (the separate uploads host, `uploadsHost: 'separate'`). */
  async function handle(req, res, server = 'api') {
    const url = new URL(req.url, 'http://127.0.0.1');
    let path = url.pathname;
    // Uploads: on the separate host; in GHES mode under /api/uploads; else on the fake's own origin.
    let uploads = server === 'uploads' || (!ghes && options.uploadsHost !== 'separate');
    const record = {
      method: req.method,
      path: `${url.pathname}${url.search}`,
      operationId: undefined,
      status: 0,
      conditional: !!req.headers['if-none-match'],
      notModified: false,
      counted: false,
      auth: 'anonymous',
      at: Date.now(),
    };
    requests.push(record);
    const send = (status, body, headers = {}) => {
      record.status = status;
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, {
        ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        'x-github-request-id': `FAKE:${requests.length}`,
        ...headers,
      });
      res.end(text);
    };
    if (ghes && server === 'api' && path.startsWith('/api/uploads/')) {
      path = path.slice('/api/uploads'.length);
      uploads = true;
    } else if (ghes && server === 'uploads') {
      if (!path.startsWith('/api/uploads/')) {
        violation('request', record, [`GitHub Enterprise Server serves uploads under /api/uploads; got ${path}`]);
        return send(404, { message: 'Not Found', documentation_url: DOCS });
      }
      path = path.slice('/api/uploads'.length);
    } else if (ghes) {
      if (!path.startsWith('/api/v3/') && path !== '/api/v3') {
        violation('request', record, [`GitHub Enterprise Server serves the REST API under /api/v3; got ${path}`]);
        return send(404, { message: 'Not Found', documentation_url: DOCS });
      }
      path = path.slice('/api/v3'.length) || '/';
    }
    const op = contract.match(req.method, path);
    if (!op) {
      violation('request', record, [`no operation in ${contract.name}.json matches ${req.method} ${path}`]);
      return send(404, { message: 'Not Found', documentation_url: DOCS });
    }
    record.operationId = op.operationId;
    if (uploads && op.operationId !== 'repos/upload-release-asset' && (server === 'uploads' || ghes)) {
      violation('request', record, [`the uploads host serves release asset uploads only; got ${op.operationId}`]);
      return send(404, { message: 'Not Found', documentation_url: DOCS });
    }
    const rawBody = await readBody(req);
    const raw = rawBody.toString('utf8');
    let body;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
    }
    const query = {};
    for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
    const version = req.headers['x-github-api-version'];
    const headers = { ...(enterpriseVersion ? { 'x-github-enterprise-version': enterpriseVersion } : {}) };
    let principal = { kind: 'anonymous' };
    const respond = (status, responseBody, extra = {}) => {
      const problems = contract.checkResponse(op, { status, body: responseBody, version, conditional: record.conditional });
      violation('response', record, problems);
      const rate = principal.rate;
      const rateHeaders = rate
        ? {
            'x-ratelimit-limit': String(rate.limit),
            'x-ratelimit-remaining': String(Math.max(0, rate.remaining)),
            'x-ratelimit-used': String(rate.limit - Math.max(0, rate.remaining)),
            'x-ratelimit-reset': String(Math.ceil(rate.resetAt / 1000)),
            'x-ratelimit-resource': 'core',
          }
        : {};
      const scopes = principal.scopes !== undefined ? { 'x-oauth-scopes': principal.scopes } : {};
      send(status, responseBody, { ...headers, ...rateHeaders, ...scopes, ...extra });
    };
    /** Every authenticated request costs one from the budget, except a 304 and a refusal for an empty budget. */
    const charge = () => {
      if (principal.rate && !record.counted) {
        principal.rate.remaining--;
        record.counted = true;
      }
    };
    try {
      if (version !== undefined && !API_VERSIONS[ghes ? 'ghes' : 'api.github.com'].includes(version)) {
        throw new HttpError(400, `API version ${version} is not supported.`);
      }
      const problems = contract.checkRequest(op, {
        pathParams: op.params,
        query,
        body,
        hasBody: raw !== '',
        contentType: req.headers['content-type'],
        version,
      });
      if (problems.length) {
        violation('request', record, problems);
        throw new HttpError(422, `Invalid request (the fake's OpenAPI check): ${problems.join('; ')}`);
      }
      principal = authenticate(req);
      record.auth = principal.kind;
      if (principal.kind === 'anonymous') throw new HttpError(401, 'Requires authentication');
      const rate = principal.rate;
      if (rate) {
        if (Date.now() >= rate.resetAt) {
          rate.remaining = rate.limit;
          rate.resetAt = Date.now() + rateLimit.windowMs;
        }
        if (rate.remaining <= 0)
          return respond(403, { message: `API rate limit exceeded for user ID ${principal.userId ?? 0}.`, documentation_url: DOCS });
      }
      const injection = injections.find(
        (i) =>
          i.times > 0 &&
          (!i.operationId || i.operationId === op.operationId) &&
          (!i.when || i.when({ method: req.method, path, query, body })),
      );
      if (injection) {
        injection.times--;
        injection.used++;
        if (injection.kind === 'secondary-rate-limit')
          throw new HttpError(
            403,
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            injection.retryAfter === undefined ? {} : { 'retry-after': String(injection.retryAfter) },
          );
        if (injection.kind === 'too-many-requests')
          throw new HttpError(429, 'Too many requests', { 'retry-after': String(injection.retryAfter ?? 1) });
        throw new HttpError(injection.status ?? 502, injection.message ?? 'Server Error');
      }
      const handler = operations[op.operationId];
      if (!handler) {
        violation('fake', record, [`the fake does not implement ${op.operationId}`]);
        throw new HttpError(404, 'Not Found');
      }
      const result = handler({ principal, params: op.params, query, body, rawBody, version, req, uploads });
      // Conditional GET: an unchanged representation → 304, which does not count against the rate limit.
      let etag;
      if (req.method === 'GET' && result.status === 200) {
        etag = `W/"${sha1(JSON.stringify(result.body))}"`;
        headers.etag = etag;
        headers['cache-control'] = 'private, max-age=60, s-maxage=60';
      }
      const notModified = etag !== undefined && req.headers['if-none-match'] === etag;
      for (const run of result.observed ?? []) run.reads++;
      if (result.list) {
        // Every look at the list counts toward a run's appearance (lifecycle.appearAfterReads).
        for (const run of state.runs.values()) if (run.workflow.id === result.workflowId) run.listReads++;
      }
      if (notModified) {
        record.notModified = true;
        return respond(304, undefined);
      }
      charge();
      return respond(result.status, result.body);
    } catch (error) {
      if (error instanceof HttpError && error.status !== 401) charge();
      const status = error instanceof HttpError ? error.status : 500;
      if (!(error instanceof HttpError)) violation('fake', record, [`the fake crashed: ${error.stack ?? error}`]);
      if (error.violation) violation('request', record, [error.violation]);
      // A status the description declares without content (create-deployment's 409) goes out without a body.
      return respond(
        status,
        error.noBody ? undefined : (error.body ?? { message: error.message, documentation_url: DOCS }),
        error.headers ?? {},
      );
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      violations.push({ kind: 'fake', method: req.method, path: req.url, problem: `the fake crashed: ${error.stack ?? error}` });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  origin = `http://127.0.0.1:${server.address().port}`;
  uploadsOrigin = origin;
  let uploadsServer;
  if (options.uploadsHost === 'separate') {
    uploadsServer = createServer((req, res) => {
      handle(req, res, 'uploads').catch((error) => {
        violations.push({ kind: 'fake', method: req.method, path: req.url, problem: `the fake crashed: ${error.stack ?? error}` });
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    await new Promise((resolve, reject) => {
      uploadsServer.once('error', reject);
      uploadsServer.listen(0, '127.0.0.1', resolve);
    });
    uploadsOrigin = `http://127.0.0.1:${uploadsServer.address().port}`;
  }

  return {
    flavor,
    get url() {
      return origin;
    },
    /** What GITHUB_API_URL must be: the origin, or origin + /api/v3 for GHES. */
    get apiUrl() {
      return apiBase();
    },
    get serverUrl() {
      return serverBase();
    },
    /** The origin `upload_url` points at (the fake's own, or the separate uploads host). */
    get uploadsUrl() {
      return uploadsOrigin;
    },
    /** Points `upload_url` at another origin that reaches this fake (a name a forward proxy resolves to it). */
    setUploadsUrl(url) {
      uploadsOrigin = url.replace(/\/+$/, '');
    },
    /** Releases as plain data, oldest first, each with its assets (name, content type, bytes). */
    releases(fullName) {
      return [...state.releases.values()]
        .filter((r) => !fullName || r.repo.fullName.toLowerCase() === fullName.toLowerCase())
        .map((r) => ({
          id: r.id,
          repository: r.repo.fullName,
          tag: r.tag,
          name: r.name,
          body: r.body,
          draft: r.draft,
          prerelease: r.prerelease,
          makeLatest: r.makeLatest,
          latest: r.repo.latestRelease === r.id,
          assets: r.assets.map((a) => ({ id: a.id, name: a.name, contentType: a.contentType, data: a.data })),
        }));
    },
    requests,
    violations,
    addRepo,
    addToken,
    addApp,
    /** A tag pushed after the start (a release tag the test just made), at `sha` (default: a stable fake one). */
    addTag(fullName, tag, sha) {
      const repo = state.repos.get(fullName.toLowerCase());
      repo.refs.set(`tags/${tag}`, { type: 'tag', name: tag, sha: sha ?? sha1(`${fullName}@tag:${tag}`), files: {} });
    },
    setFile(fullName, branch, path, text) {
      const repo = state.repos.get(fullName.toLowerCase());
      repo.refs.get(`heads/${branch}`).files[path] = text;
      if (branch === repo.defaultBranch) syncWorkflows(repo);
    },
    setWorkflowState(fullName, file, value) {
      const repo = state.repos.get(fullName.toLowerCase());
      for (const w of repo.workflows.values()) if (w.file === file) w.state = value;
    },
    /** Fail matching requests: {operationId?, when?(req), status?, kind?: 'secondary-rate-limit'|'too-many-requests', retryAfter?, times = 1}. */
    inject(spec) {
      const injection = { times: 1, used: 0, ...spec };
      injections.push(injection);
      return injection;
    },
    /** Runs as plain data (what was dispatched, and where each run is now). */
    runs() {
      return [...state.runs.values()].map((r) => ({
        id: r.id,
        repository: r.repo.fullName,
        workflow: r.workflow.file,
        workflowName: r.workflow.name,
        ref: r.ref,
        headBranch: r.headBranch,
        inputs: r.inputs,
        actor: r.actor.login,
        displayTitle: r.displayTitle,
        ...phase(r),
        cancelled: r.cancelledAt !== undefined,
        reads: r.reads,
      }));
    },
    /** Deployments as plain data, oldest first, each with its statuses (oldest first). */
    deployments(fullName) {
      return [...state.deployments.values()]
        .filter((d) => !fullName || d.repo.fullName.toLowerCase() === fullName.toLowerCase())
        .map((d) => ({
          id: d.id,
          repository: d.repo.fullName,
          sha: d.sha,
          ref: d.ref,
          environment: d.environment,
          description: d.description,
          payload: d.payload,
          transient: d.transient,
          production: d.production,
          statuses: d.statuses.map((x) => ({
            state: x.state,
            description: x.description,
            environment: x.environment,
            logUrl: x.logUrl,
            environmentUrl: x.environmentUrl,
          })),
        }));
    },
    token(value) {
      const t = state.tokens.get(value);
      return t
        ? {
            kind: t.kind,
            revoked: !!t.revoked,
            repositories: t.repos instanceof Set ? [...t.repos] : t.repos,
            permissions: t.permissions,
            rate: { ...t.rate },
          }
        : undefined;
    },
    /** Request counts, optionally since a request index: total, per operation, 304s, counted against the rate limit. */
    stats(since = 0) {
      const list = requests.slice(since);
      const byOperation = {};
      for (const r of list) byOperation[r.operationId ?? '(unmatched)'] = (byOperation[r.operationId ?? '(unmatched)'] ?? 0) + 1;
      return {
        total: list.length,
        notModified: list.filter((r) => r.notModified).length,
        counted: list.filter((r) => r.counted).length,
        byOperation,
      };
    },
    describeViolations() {
      return violations.map((v) => `${v.kind} ${v.method} ${v.path} (${v.operationId ?? 'no operation'}): ${v.problem}`).join('\n');
    },
    clearLog() {
      requests.length = 0;
      violations.length = 0;
    },
    close() {
      const stop = (srv) =>
        new Promise((resolve) => {
          srv.closeAllConnections?.();
          srv.close(() => resolve());
        });
      return Promise.all([stop(server), ...(uploadsServer ? [stop(uploadsServer)] : [])]).then(() => undefined);
    },
  };
}
