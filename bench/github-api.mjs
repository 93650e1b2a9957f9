// What a runner gives an action on a push or a pull request, for the cold-start benchmarks: the event's
// payload as GitHub sends it (the whole repository object; a push's head commit) and a loopback GitHub
// API that answers the two calls docker/metadata-action makes (`GET /repos/{owner}/{repo}`,
// `GET /repos/{owner}/{repo}/commits/{sha}`) with the same facts, so an action that asks the API and one
// that reads the payload give the same labels.
import { createServer } from 'node:http';

const COMMIT_DATE = '2024-03-07T22:15:30Z';

/** The repository object of a push payload (and of `GET /repos`), trimmed to what actions read plus the usual fields. */
export function repositoryObject(fullName) {
  const [owner, name] = fullName.split('/');
  const html = `https://github.com/${fullName}`;
  return {
    id: 123456789,
    node_id: 'R_kgDOBench',
    name,
    full_name: fullName,
    private: true,
    owner: { login: owner, id: 1, type: 'Organization', html_url: `https://github.com/${owner}` },
    html_url: html,
    description: 'Sample service',
    fork: false,
    url: `https://api.github.com/repos/${fullName}`,
    clone_url: `${html}.git`,
    homepage: null,
    size: 1024,
    stargazers_count: 0,
    language: 'Go',
    archived: false,
    disabled: false,
    license: {
      key: 'apache-2.0',
      name: 'Apache License 2.0',
      spdx_id: 'Apache-2.0',
      url: 'https://api.github.com/licenses/apache-2.0',
      node_id: 'MDc6TGljZW5zZTI=',
    },
    topics: [],
    visibility: 'private',
    default_branch: 'main',
  };
}

/** A push event's payload for `ref` at `sha` (a tag push: no commits listed, the head commit given). */
export function pushPayload(fullName, ref, sha) {
  return {
    ref,
    before: '0000000000000000000000000000000000000000',
    after: sha,
    created: true,
    deleted: false,
    forced: false,
    base_ref: ref.startsWith('refs/tags/') ? 'refs/heads/main' : null,
    compare: `https://github.com/${fullName}/compare/${ref.split('/').pop()}`,
    commits: [],
    head_commit: {
      id: sha,
      tree_id: 'f'.repeat(40),
      distinct: true,
      message: 'release',
      timestamp: COMMIT_DATE,
      url: `https://github.com/${fullName}/commit/${sha}`,
      author: { name: 'Dev', email: 'dev@example.com', username: 'dev' },
      committer: { name: 'Dev', email: 'dev@example.com', username: 'dev' },
    },
    repository: repositoryObject(fullName),
    pusher: { name: 'dev', email: 'dev@example.com' },
    sender: { login: 'dev', id: 2, type: 'User' },
  };
}

/**
 * A `pull_request` event's payload (opened, from a branch of the same repository) for the merge commit
 * `sha`: `repository` is the base repository's whole object, as in a push payload, and there is no
 * commit timestamp (no `commits`, no `head_commit`).
 */
export function pullRequestPayload(fullName, number, sha) {
  const repository = repositoryObject(fullName);
  const html = `https://github.com/${fullName}/pull/${number}`;
  const side = (ref, commit) => ({ label: `${repository.owner.login}:${ref}`, ref, sha: commit, repo: repository, user: repository.owner });
  return {
    action: 'opened',
    number,
    pull_request: {
      id: 987654321,
      number,
      state: 'open',
      title: 'Add a feature',
      html_url: html,
      user: { login: 'dev', id: 2, type: 'User' },
      draft: false,
      merged: false,
      merge_commit_sha: sha,
      head: side('feature-x', '1'.repeat(40)),
      base: side(repository.default_branch, '2'.repeat(40)),
    },
    repository,
    sender: { login: 'dev', id: 2, type: 'User' },
  };
}

/** A GitHub API on 127.0.0.1 answering GET /repos/{owner}/{repo} and its commits; counts the requests. */
export async function startGitHubApi() {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let m;
    let body;
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)$/.exec(path)))
      body = { sha: m[3], commit: { committer: { name: 'Dev', email: 'dev@example.com', date: COMMIT_DATE }, message: 'release' } };
    else if ((m = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path))) body = repositoryObject(`${m[1]}/${m[2]}`);
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body ?? { message: 'Not Found' }));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** Requests answered since the last call. */
    takeCount() {
      const n = requests;
      requests = 0;
      return n;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
