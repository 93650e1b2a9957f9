export const id = 459;
export const ids = [459,989];
export const modules = {

/***/ 1459:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  backend: () => (/* binding */ backend),
  runKubernetesJob: () => (/* binding */ runKubernetesJob)
});

// EXTERNAL MODULE: ./packages/core/src/runner.ts
var runner = __webpack_require__(8643);
// EXTERNAL MODULE: ./packages/core/src/retry.ts
var retry = __webpack_require__(9899);
// EXTERNAL MODULE: ./packages/core/src/errors.ts
var errors = __webpack_require__(7638);
// EXTERNAL MODULE: ./packages/core/src/parse.ts
var parse = __webpack_require__(6230);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./packages/core/src/trust.ts
var trust = __webpack_require__(3235);
// EXTERNAL MODULE: ./packages/core/src/secrets.ts
var secrets = __webpack_require__(7620);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./actions/migrate-job/src/kube/kubeconfig.ts
/**
 * kubeconfig files as kubectl reads them: KUBECONFIG's list merged (the first file to name a cluster,
 * user or context wins; the first current-context wins), paths relative to the file that holds them,
 * then one context resolved to its cluster and user.
 *
 * Why not a client library's loader: @kubernetes/client-node's KubeConfig loads the whole generated
 * client (every model and API, ~70 MB of heap, a 16 MB bundle), and a process that large takes 11-18 ms
 * to exit instead of 5-6 ms, which is the whole of the step's reaction to a finished Job (see
 * bench/migrate-job.mjs).
 */



/** What went wrong with a kubeconfig, without quoting any of it (a line can hold a credential). */
class KubeconfigError extends Error {
    constructor(message) {
        super(message);
        this.name = 'KubeconfigError';
    }
}
const PATH_FIELDS_CLUSTER = ['certificate-authority'];
const PATH_FIELDS_USER = ['tokenFile', 'client-certificate', 'client-key'];
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function namedList(doc, key, inner, origin) {
    const list = doc[key];
    if (list === undefined || list === null)
        return [];
    if (!Array.isArray(list))
        throw new KubeconfigError(`${origin}: "${key}" is not a list`);
    return list.map((entry, index) => {
        if (!isRecord(entry) || typeof entry.name !== 'string' || !entry.name)
            throw new KubeconfigError(`${origin}: ${key}[${index}] has no name`);
        const value = entry[inner] ?? {};
        if (!isRecord(value))
            throw new KubeconfigError(`${origin}: ${key}[${index}] ("${entry.name}") has no "${inner}" map`);
        return { name: entry.name, value };
    });
}
function absolutePath(path, baseDir) {
    if (typeof path !== 'string' || !path || (0,external_node_path_.isAbsolute)(path) || baseDir === undefined)
        return path;
    return (0,external_node_path_.resolve)(baseDir, path);
}
/** An exec plugin's command is relative to the kubeconfig's folder only when it has a path separator (client-go's rule). */
function execCommand(command, baseDir) {
    if (typeof command !== 'string' || !command.includes('/') || (0,external_node_path_.isAbsolute)(command) || baseDir === undefined)
        return command;
    return (0,external_node_path_.resolve)(baseDir, command);
}
/**
 * Parses one kubeconfig document. `baseDir` (the file's folder) anchors relative paths; text given
 * inline has none, so its relative paths stay relative to the working directory, as kubectl does.
 */
async function parseKubeconfig(text, origin, baseDir) {
    const { parse } = await __webpack_require__.e(/* import() */ 815).then(__webpack_require__.t.bind(__webpack_require__, 8815, 19));
    let doc;
    try {
        doc = parse(text, { prettyErrors: false });
    }
    catch (error) {
        // The parser's message quotes the offending line: give only its position.
        const offset = error?.pos?.[0];
        const line = typeof offset === 'number' ? text.slice(0, offset).split('\n').length : undefined;
        throw new KubeconfigError(`${origin} is not valid YAML${line ? ` (error at line ${line})` : ''}`);
    }
    if (doc === null || doc === undefined)
        doc = {};
    if (!isRecord(doc))
        throw new KubeconfigError(`${origin} is not a kubeconfig (expected a map with clusters, users and contexts)`);
    const clusters = namedList(doc, 'clusters', 'cluster', origin).map(({ name, value }) => {
        const cluster = { ...value };
        for (const field of PATH_FIELDS_CLUSTER)
            cluster[field] = absolutePath(cluster[field], baseDir);
        return { name, cluster: cluster };
    });
    const users = namedList(doc, 'users', 'user', origin).map(({ name, value }) => {
        const user = { ...value };
        for (const field of PATH_FIELDS_USER)
            user[field] = absolutePath(user[field], baseDir);
        if (isRecord(user.exec))
            user.exec = { ...user.exec, command: execCommand(user.exec.command, baseDir) };
        return { name, user: user };
    });
    const contexts = namedList(doc, 'contexts', 'context', origin).map(({ name, value }) => ({
        name,
        context: value,
    }));
    const current = doc['current-context'];
    return { clusters, users, contexts, ...(typeof current === 'string' && current ? { 'current-context': current } : {}) };
}
/** KUBECONFIG's merge: the first file that defines a name wins, and the first current-context wins. */
function mergeKubeconfigs(configs) {
    const merged = { clusters: [], users: [], contexts: [] };
    const add = (into, from) => {
        for (const entry of from)
            if (!into.some((e) => e.name === entry.name))
                into.push(entry);
    };
    for (const config of configs) {
        add(merged.clusters, config.clusters);
        add(merged.users, config.users);
        add(merged.contexts, config.contexts);
        if (!merged['current-context'] && config['current-context'])
            merged['current-context'] = config['current-context'];
    }
    return merged;
}
/** The context `name` (or the current one) with its cluster and user; a clear error for each missing link. */
function resolveContext(config, name) {
    const wanted = name || config['current-context'];
    const names = config.contexts.map((c) => c.name);
    if (!wanted) {
        throw new KubeconfigError(`it has no current-context${names.length ? ` (its contexts: ${names.join(', ')}; set \`context\`)` : ' and no contexts'}`);
    }
    const context = config.contexts.find((c) => c.name === wanted)?.context;
    if (!context) {
        throw new KubeconfigError(name
            ? `it has no context "${name}" (its contexts: ${names.join(', ') || 'none'})`
            : `its current-context "${wanted}" is not one of its contexts (${names.join(', ') || 'none'})`);
    }
    const cluster = config.clusters.find((c) => c.name === context.cluster)?.cluster;
    if (!cluster)
        throw new KubeconfigError(`context "${wanted}" names cluster "${context.cluster ?? ''}", which it does not define`);
    if (typeof cluster.server !== 'string' || !/^https?:\/\/[^/]/.test(cluster.server)) {
        throw new KubeconfigError(`cluster "${context.cluster}" has no valid server (expected https://host[:port])`);
    }
    const userName = context.user ?? '';
    const user = userName ? config.users.find((u) => u.name === userName)?.user : {};
    if (!user)
        throw new KubeconfigError(`context "${wanted}" names user "${userName}", which it does not define`);
    return {
        context: wanted,
        server: cluster.server.replace(/\/+$/, ''),
        namespace: context.namespace || undefined,
        cluster,
        user,
        userName,
        config,
    };
}
const IN_CLUSTER_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The pod's own service account (KUBERNETES_SERVICE_HOST and the mounted token), as client-go's InClusterConfig. */
function inClusterConfig(env, dir = IN_CLUSTER_DIR) {
    const host = env.KUBERNETES_SERVICE_HOST;
    const port = env.KUBERNETES_SERVICE_PORT || '443';
    if (!host || !(0,external_node_fs_.existsSync)((0,external_node_path_.join)(dir, 'token')))
        return undefined;
    const namespaceFile = (0,external_node_path_.join)(dir, 'namespace');
    const namespace = (0,external_node_fs_.existsSync)(namespaceFile) ? (0,external_node_fs_.readFileSync)(namespaceFile, 'utf8').trim() : undefined;
    const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return {
        clusters: [{ name: 'in-cluster', cluster: { server, 'certificate-authority': (0,external_node_path_.join)(dir, 'ca.crt') } }],
        // The token is a file: bound service account tokens are rotated, so it is read again as it ages.
        users: [{ name: 'in-cluster', user: { tokenFile: (0,external_node_path_.join)(dir, 'token') } }],
        contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'in-cluster', ...(namespace ? { namespace } : {}) } }],
        'current-context': 'in-cluster',
    };
}
/**
 * Where the kubeconfig comes from, in kubectl's order: the `kubeconfig` input (YAML or a path), KUBECONFIG's
 * files, ~/.kube/config, then the pod's service account. Files that do not exist are errors, not skipped:
 * a typo should not silently select another cluster.
 */
function kubeconfigSource(input, env, inClusterDir = IN_CLUSTER_DIR) {
    const raw = input.trim();
    const fromFile = (file) => async () => {
        let text;
        try {
            text = (0,external_node_fs_.readFileSync)(file, 'utf8');
        }
        catch (error) {
            throw new KubeconfigError(`the file ${file} cannot be read (${error.code ?? 'error'})`);
        }
        return parseKubeconfig(text, file, (0,external_node_path_.dirname)((0,external_node_path_.resolve)(file)));
    };
    if (raw && (raw.includes('\n') || raw.startsWith('apiVersion') || raw.startsWith('{'))) {
        return { label: 'the kubeconfig input', load: () => parseKubeconfig(raw, 'the kubeconfig input') };
    }
    if (raw) {
        // Only a value that looks like a path is quoted back: a one-line secret (a base64 kubeconfig) is not.
        const pathLike = /^(\/|\.{1,2}\/|~)/.test(raw) && !/\s/.test(raw);
        return {
            label: pathLike ? `the kubeconfig file ${raw}` : 'the kubeconfig input (one line, so read as a file path)',
            load: async () => {
                if (!(0,external_node_fs_.existsSync)(raw)) {
                    throw new KubeconfigError(pathLike
                        ? `the file ${raw} does not exist`
                        : 'the value is neither a kubeconfig (YAML starting with `apiVersion`, or JSON) nor the path of an existing file (a base64-encoded kubeconfig must be decoded first)');
                }
                return fromFile(raw)();
            },
        };
    }
    if (env.KUBECONFIG) {
        const files = env.KUBECONFIG.split(process.platform === 'win32' ? ';' : ':').filter(Boolean);
        return {
            label: `KUBECONFIG (${env.KUBECONFIG})`,
            load: async () => {
                for (const file of files)
                    if (!(0,external_node_fs_.existsSync)(file))
                        throw new KubeconfigError(`KUBECONFIG names ${file}, which does not exist`);
                return mergeKubeconfigs(await Promise.all(files.map((file) => fromFile(file)())));
            },
        };
    }
    const home = env.HOME || env.USERPROFILE || '';
    const defaultFile = home ? (0,external_node_path_.join)(home, '.kube', 'config') : '';
    if (defaultFile && (0,external_node_fs_.existsSync)(defaultFile))
        return { label: `the default kubeconfig (${defaultFile})`, load: fromFile(defaultFile) };
    return {
        label: 'the default kubeconfig (~/.kube/config)',
        load: async () => {
            const inCluster = inClusterConfig(env, inClusterDir);
            if (inCluster)
                return inCluster;
            // Without this the failure would read like a network problem (kubectl's localhost:8080); most often
            // the `kubeconfig` input came from a secret that is not set.
            throw new KubeconfigError('no kubeconfig was given: the `kubeconfig` input is empty (a secret that is not set?), KUBECONFIG is not set and ~/.kube/config does not exist');
        },
    };
}
/** A kubeconfig problem as the user's error: which source, what is wrong with it, how to give one. */
function kubeconfigFailure(label, why) {
    return new errors/* ActionError */.lZ(`Cannot use ${label}`, {
        why,
        check: [
            "pass `kubeconfig` (a path or the YAML itself, from a secret), or set KUBECONFIG, or run your cloud's kubeconfig step (e.g. aws eks update-kubeconfig) first",
        ],
    });
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
// EXTERNAL MODULE: ./packages/core/src/net/proxy.ts
var proxy = __webpack_require__(8989);
;// CONCATENATED MODULE: ./actions/migrate-job/src/kube/transport.ts
/**
 * How the client reaches the API server (and an oidc issuer): TLS settings from the kubeconfig, and the
 * proxy kubectl would use (the cluster's proxy-url, else HTTPS_PROXY / NO_PROXY by core's proxy rule,
 * which is Go's httpproxy), reached through an http:// proxy with CONNECT (core's tunnel). One
 * keep-alive agent per server.
 */





function readPem(path, what) {
    try {
        return (0,external_node_fs_.readFileSync)(path);
    }
    catch (error) {
        throw new KubeconfigError(`its ${what} file ${path} cannot be read (${error.code ?? 'error'})`);
    }
}
function base64Pem(data, what) {
    const bytes = Buffer.from(data.replace(/\s+/g, ''), 'base64');
    if (!bytes.length)
        throw new KubeconfigError(`its ${what} data is not base64`);
    return bytes;
}
/** TLS settings of the cluster: CA, server name, or no verification at all (insecure-skip-tls-verify). */
function clusterTls(target) {
    const c = target.cluster;
    const options = {};
    if (c['certificate-authority-data'])
        options.ca = base64Pem(c['certificate-authority-data'], 'certificate-authority');
    else if (c['certificate-authority'])
        options.ca = readPem(c['certificate-authority'], 'certificate-authority');
    if (c['insecure-skip-tls-verify'] === true)
        options.rejectUnauthorized = false;
    if (c['tls-server-name'])
        options.servername = c['tls-server-name'];
    return options;
}
/**
 * The environment's proxy for an https:// server: core's proxy rule (HTTPS_PROXY / NO_PROXY as kubectl
 * reads them; localhost and loopback never proxied). An http:// server is always reached directly, as
 * before: the kubeconfig's proxy-url takes precedence over the environment (credentials.ts).
 */
function proxyFromEnvironment(server, env) {
    return new URL(server).protocol === 'https:' ? (0,proxy.proxyFromEnvironment)(server, env) : undefined;
}
/**
 * A keep-alive agent for the server, through a proxy (an http:// one, by CONNECT: core's tunnel) when
 * one is set. One agent serves the whole run, so the watches and calls share connections.
 */
function makeAgent(server, tls, proxySetting) {
    const secure = server.startsWith('https:');
    if (!proxySetting)
        return secure ? new external_node_https_.Agent({ ...tls, keepAlive: true }) : new external_node_http_.Agent({ keepAlive: true });
    const parsed = (0,proxy.parseProxy)(proxySetting);
    if ('problem' in parsed)
        throw new KubeconfigError(parsed.problem);
    if (!secure)
        throw new KubeconfigError(`${proxySetting.source} is set for an http:// server; only https:// servers are reached through a proxy`);
    return new proxy.HttpsProxyAgent({ ...tls, keepAlive: true, proxy: proxySetting });
}

;// CONCATENATED MODULE: ./actions/migrate-job/src/kube/oidc.ts
/**
 * The `oidc` auth-provider of a kubeconfig user, as client-go's plugin (k8s.io/client-go/plugin/pkg/
 * client/auth/oidc, the one auth-provider kubectl kept in 1.26) reads it:
 *
 * - `id-token` is sent as the bearer token while its JWT `exp` is more than 10 s away (the signature is
 *   the API server's business, not ours);
 * - otherwise it is refreshed: `idp-issuer-url` + `/.well-known/openid-configuration` names the
 *   `token_endpoint`, which gets a `refresh_token` grant with `client-id` / `client-secret` (HTTP Basic
 *   first, then in the form when Basic is refused, as golang.org/x/oauth2 auto-detects), and the
 *   answer's `id_token` is the new bearer token (a rotated `refresh_token` is kept for the next refresh);
 * - `idp-certificate-authority(-data)` verifies the issuer; HTTPS_PROXY / NO_PROXY apply as for the
 *   cluster; `extra-scopes` is not sent (oauth2 sends no scope with a refresh grant either).
 *
 * Unlike kubectl, nothing is written back to the kubeconfig (a CI runner's copy is thrown away), and
 * the rules of SECURITY.md hold: the issuer and the token endpoint get the refresh-token and
 * client-secret over https only (plain http only on loopback), no redirect is followed, every request
 * ends within its own limit and the step's deadline, and every token is masked before it is used.
 * A 401 from the API server refreshes once more (client-go does not; a revoked id-token is then
 * replaced instead of failing the step).
 *
 * Why by hand: the one library that did this for us, @kubernetes/client-node, ships as a 16 MB chunk
 * (77 % of dist/migrate-job) for this path alone; the refresh itself is two bounded requests.
 */





/** client-go's expiryDelta: an id-token this close to its `exp` is refreshed first. */
const EXPIRY_MARGIN_MS = 10_000;
/** The largest discovery document or token answer read (a real one is a few KB). */
const MAX_ANSWER_BYTES = 1024 * 1024;
/**
 * The id-token's `exp` in ms, or undefined when it has none (then it counts as expired, as in
 * client-go). Throws when the token is not a JWT: never quoted, it is a credential.
 */
function idTokenExpiry(idToken) {
    const parts = idToken.split('.');
    if (parts.length !== 3)
        throw new KubeconfigError('its oidc id-token is not a JWT (three dot-separated parts)');
    let claims;
    try {
        claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    }
    catch {
        throw new KubeconfigError('its oidc id-token is not a JWT (the payload is not base64url-encoded JSON)');
    }
    const exp = claims?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}
/** Whether the id-token must be refreshed before it is sent (no `exp`, or `exp` within the margin). */
function idTokenExpired(idToken, now) {
    const expiry = idTokenExpiry(idToken);
    return expiry === undefined || expiry - EXPIRY_MARGIN_MS <= now;
}
function refreshFailure(why, check = []) {
    return new errors/* ActionError */.lZ("The kubeconfig's oidc auth-provider could not refresh its id-token", {
        why,
        check: [
            ...check,
            "log in again (kubelogin, or your identity provider's login) and pass the new kubeconfig; or switch the user to an exec plugin (kubelogin get-token), which renews tokens itself",
        ],
    });
}
/** The OAuth 2 `error` of a token endpoint's answer, if it has one. */
function errorCode(body) {
    try {
        const error = JSON.parse(body)?.error;
        return typeof error === 'string' ? error : undefined;
    }
    catch {
        return undefined;
    }
}
/** Foreign text from the identity provider, shortened for a message. */
function clip(text) {
    const line = text.replace(/\s+/g, ' ').trim();
    return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
/**
 * The id-token of one `auth-provider: oidc` user: the kubeconfig's while it is valid, then refreshed.
 * Concurrent callers share one refresh.
 */
class OidcTokenSource {
    config;
    options;
    idToken;
    refreshToken;
    pending;
    /** Set by a 401: the current id-token is refused, whatever its `exp` says. */
    refused = false;
    /** A refreshed id-token without `exp`: used until the API server refuses it (else every request would refresh). */
    keepWithoutExpiry = false;
    agent;
    issuer;
    clientId;
    clientSecret;
    now;
    /** How the client authenticates at the token endpoint, once known (oauth2's auto-detection). */
    authStyle;
    constructor(config, options = {}) {
        this.config = config;
        this.options = options;
        // client-go's newOIDCAuthProvider requires both, whether or not a refresh is ever needed.
        this.issuer = (config['idp-issuer-url'] ?? '').trim();
        this.clientId = config['client-id'] ?? '';
        if (!this.issuer)
            throw new KubeconfigError('its oidc auth-provider has no idp-issuer-url');
        if (!this.clientId)
            throw new KubeconfigError('its oidc auth-provider has no client-id');
        this.idToken = config['id-token'] ?? '';
        this.refreshToken = config['refresh-token'] ?? '';
        this.clientSecret = config['client-secret'] ?? '';
        this.now = options.now ?? Date.now;
        // Only the credentials: client-id and the issuer are not secret, and masking them would garble the log.
        for (const secret of [this.idToken, this.refreshToken, this.clientSecret])
            if (secret)
                (0,secrets/* registerSecret */.cl)(secret);
    }
    /** Whether a refresh can replace the current id-token. */
    get canRefresh() {
        return Boolean(this.refreshToken);
    }
    /** The id-token to send now. */
    async token() {
        if (this.idToken && !this.refused && (this.keepWithoutExpiry || !idTokenExpired(this.idToken, this.now())))
            return this.idToken;
        if (!this.refreshToken) {
            throw refreshFailure(this.idToken
                ? this.refused
                    ? 'the API server refused its id-token, and it has no refresh-token'
                    : 'its id-token has expired, and it has no refresh-token'
                : 'it has neither an id-token nor a refresh-token');
        }
        this.pending ??= this.refresh().finally(() => (this.pending = undefined));
        return this.pending;
    }
    /** The API server answered 401: refresh before the next request, when that is possible. */
    invalidate() {
        this.refused = true;
        return this.canRefresh;
    }
    async refresh() {
        const issuerProblem = (0,trust/* credentialTransportProblem */.on)(this.issuer);
        if (issuerProblem)
            throw refreshFailure(`its idp-issuer-url ${this.issuer} cannot be used to send the refresh-token: ${issuerProblem}`, [
                "the idp-issuer-url is the issuer's https:// URL",
            ]);
        const discovery = `${this.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
        const found = await this.send('GET', discovery, {}, undefined, 'the discovery document');
        if (found.status !== 200)
            throw refreshFailure(`GET ${discovery} answered HTTP ${found.status} ${external_node_http_.STATUS_CODES[found.status] ?? ''}`.trim(), [
                "idp-issuer-url is the issuer's URL (the one in its id-tokens' `iss`)",
            ]);
        let tokenEndpoint;
        try {
            tokenEndpoint = JSON.parse(found.body)?.token_endpoint;
        }
        catch {
            throw refreshFailure(`${discovery} is not JSON`);
        }
        if (typeof tokenEndpoint !== 'string' || !tokenEndpoint)
            throw refreshFailure(`${discovery} names no token_endpoint`);
        let endpoint;
        try {
            endpoint = new URL(tokenEndpoint);
        }
        catch {
            throw refreshFailure(`${discovery} names a token_endpoint that is not a URL`);
        }
        const endpointProblem = (0,trust/* credentialTransportProblem */.on)(endpoint);
        if (endpointProblem)
            throw refreshFailure(`the issuer's token_endpoint ${endpoint.origin}${endpoint.pathname} would get the refresh-token and client secret, and ${endpointProblem}`);
        const answer = await this.tokenRequest(endpoint);
        let parsed;
        try {
            parsed = JSON.parse(answer.body);
        }
        catch {
            throw refreshFailure(`the token endpoint ${endpoint.host} answered HTTP ${answer.status} with a body that is not JSON`);
        }
        if (answer.status < 200 || answer.status >= 300) {
            const code = typeof parsed?.error === 'string' ? parsed.error : `HTTP ${answer.status}`;
            const description = typeof parsed?.error_description === 'string' ? `: ${clip(parsed.error_description)}` : '';
            throw refreshFailure(`the token endpoint ${endpoint.host} refused the refresh (${clip(code)}${description})`, code === 'invalid_grant'
                ? ['the refresh-token has expired or was revoked']
                : code === 'invalid_client'
                    ? ['client-id and client-secret are the ones registered with the identity provider']
                    : []);
        }
        for (const value of [parsed.id_token, parsed.refresh_token, parsed.access_token])
            if (typeof value === 'string' && value)
                (0,secrets/* registerSecret */.cl)(value);
        if (typeof parsed.id_token !== 'string' || !parsed.id_token) {
            throw refreshFailure('the token response has no id_token: the scope "openid" was not requested at login, or the provider does not return id_tokens on a refresh');
        }
        this.idToken = parsed.id_token;
        if (typeof parsed.refresh_token === 'string' && parsed.refresh_token)
            this.refreshToken = parsed.refresh_token;
        this.refused = false;
        this.keepWithoutExpiry = idTokenExpiry(this.idToken) === undefined;
        return this.idToken;
    }
    /** The refresh_token grant: client credentials in the Authorization header first, then in the form (oauth2's AuthStyleAutoDetect). */
    async tokenRequest(endpoint) {
        const form = (params) => new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: this.refreshToken,
            ...(params ? { client_id: this.clientId, ...(this.clientSecret ? { client_secret: this.clientSecret } : {}) } : {}),
        }).toString();
        const basic = `Basic ${Buffer.from(`${encodeURIComponent(this.clientId)}:${encodeURIComponent(this.clientSecret)}`).toString('base64')}`;
        const styles = this.authStyle ? [this.authStyle] : ['header', 'params'];
        let answer;
        for (const style of styles) {
            const headers = { 'content-type': 'application/x-www-form-urlencoded', ...(style === 'header' ? { authorization: basic } : {}) };
            answer = await this.send('POST', endpoint.href, headers, form(style === 'params'), 'the token endpoint');
            if (answer.status >= 200 && answer.status < 300) {
                this.authStyle = style;
                return answer;
            }
            // Only a refusal of the client's authentication is worth the other style (oauth2 retries on any error,
            // and then reports the second one: a refused refresh-token would read as a wrong client secret).
            if (!(answer.status === 401 || errorCode(answer.body) === 'invalid_client'))
                return answer;
        }
        return answer;
    }
    /** One bounded request to the identity provider: within its limit and the step's deadline, no redirect followed. */
    async send(method, href, headers, body, what) {
        const url = new URL(href);
        this.agent ??= this.makeAgent();
        const agent = url.origin === new URL(this.issuer).origin ? this.agent : this.makeAgent(url.href);
        const timeoutMs = this.options.timeoutMs ?? trust/* DEFAULT_REQUEST_TIMEOUT_MS */.Zc;
        const signal = (0,trust/* requestSignal */.OL)(timeoutMs, this.options.deadline);
        const send = url.protocol === 'https:' ? external_node_https_.request : external_node_http_.request;
        try {
            return await new Promise((resolve, reject) => {
                const request = send(url, {
                    method,
                    agent,
                    headers: {
                        accept: 'application/json',
                        'user-agent': 'deploy-kit-migrate-job',
                        ...headers,
                        ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}),
                    },
                    signal,
                });
                request.once('response', (response) => {
                    const chunks = [];
                    let size = 0;
                    response.on('data', (chunk) => {
                        size += chunk.length;
                        if (size > MAX_ANSWER_BYTES) {
                            response.destroy();
                            reject(new Error(`${what} answered with more than ${MAX_ANSWER_BYTES / 1024} KB`));
                            return;
                        }
                        chunks.push(chunk);
                    });
                    response.once('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
                    response.once('error', reject);
                });
                request.once('error', reject);
                request.end(body);
            });
        }
        catch (error) {
            if (this.options.deadline?.aborted)
                throw refreshFailure(`the step's timeout ran out while waiting for ${what} at ${url.host}`);
            if (signal.aborted)
                throw refreshFailure(`${what} at ${url.host} did not answer within ${timeoutMs / 1000} s`, [
                    'the runner can reach the identity provider (network, proxy)',
                ]);
            const code = error?.code;
            throw refreshFailure(`${what} at ${url.host} could not be reached: ${error?.message ?? String(error)}${code && !String(error?.message).includes(code) ? ` (${code})` : ''}`, ['the runner can reach the identity provider (network, proxy)']);
        }
    }
    /** TLS to the identity provider: its own CA when the kubeconfig names one; HTTPS_PROXY / NO_PROXY as for the cluster. */
    makeAgent(href = this.issuer) {
        const ca = this.config['idp-certificate-authority-data']
            ? base64Pem(this.config['idp-certificate-authority-data'], 'oidc idp-certificate-authority')
            : this.config['idp-certificate-authority']
                ? readPem(this.config['idp-certificate-authority'], 'oidc idp-certificate-authority')
                : undefined;
        const proxy = proxyFromEnvironment(href, this.options.env ?? process.env);
        return makeAgent(href, ca ? { ca } : {}, proxy);
    }
}

;// CONCATENATED MODULE: ./actions/migrate-job/src/kube/credentials.ts
/**
 * How each request to the API server authenticates, from a resolved kubeconfig context: a bearer token
 * (inline, or a file read again as it ages: bound service account tokens rotate), basic auth, a client
 * certificate, an exec credential plugin (client.authentication.k8s.io v1 and v1beta1: `aws eks
 * get-token`, `gke-gcloud-auth-plugin`, `kubelogin`), whose credential is kept until its
 * expirationTimestamp and fetched again after a 401, or the `oidc` auth-provider (oidc.ts: the id-token,
 * refreshed with the refresh-token when it expires). Impersonation headers as kubectl's --as.
 *
 * Other auth-providers (gcp, azure) were removed from kubectl in 1.26 and are refused with the exec
 * plugin that replaces each.
 *
 * Why child_process and not @actions/exec (3.0.0) for the exec plugin: a plugin that waits (an
 * expired SSO login prompting, a hung cloud CLI) is stopped after EXEC_TIMEOUT_MS, and exec gives no
 * handle on the child to stop it with (no ChildProcess, pid, AbortSignal or kill option).
 */






// Where they were before the split (the tests and callers import them from here).

/** The cluster's proxy-url, else HTTPS_PROXY/NO_PROXY. */
function proxyFor(target, env) {
    const configured = target.cluster['proxy-url'];
    return configured ? { url: configured, source: 'its proxy-url' } : proxyFromEnvironment(target.server, env);
}
const EXEC_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];
/** A token file is read again after this long (client-go re-reads every minute). */
const TOKEN_FILE_TTL_MS = 60_000;
/** An exec credential is renewed this long before it expires. */
const credentials_EXPIRY_MARGIN_MS = 10_000;
const EXEC_TIMEOUT_MS = 60_000;
function execFailure(exec, why) {
    return new errors/* ActionError */.lZ(`The kubeconfig's exec credential plugin \`${exec.command}\` failed`, {
        why,
        check: [
            exec.installHint?.trim() || `\`${exec.command}\` is installed and on PATH on the runner`,
            'the cloud login step (e.g. aws-actions/configure-aws-credentials) ran before this one',
        ],
    });
}
/** Runs the plugin as client-go does (KUBERNETES_EXEC_INFO, non-interactive) and reads its ExecCredential. */
async function runExecPlugin(exec, target, env = process.env) {
    if (!EXEC_VERSIONS.includes(exec.apiVersion)) {
        throw new KubeconfigError(`its exec plugin's apiVersion "${exec.apiVersion ?? ''}" is not supported (expected ${EXEC_VERSIONS.join(' or ')}; v1alpha1 was removed in Kubernetes 1.24)`);
    }
    if (typeof exec.command !== 'string' || !exec.command)
        throw new KubeconfigError('its exec plugin has no command');
    if (exec.interactiveMode === 'Always')
        throw execFailure(exec, 'it is configured with interactiveMode: Always, and a CI step has no terminal');
    const spec = { interactive: false };
    if (exec.provideClusterInfo) {
        const c = target.cluster;
        const extension = c.extensions?.find((e) => e.name === 'client.authentication.k8s.io/exec')?.extension;
        spec.cluster = {
            server: c.server,
            ...(c['tls-server-name'] ? { 'tls-server-name': c['tls-server-name'] } : {}),
            ...(c['insecure-skip-tls-verify'] ? { 'insecure-skip-tls-verify': true } : {}),
            ...(c['certificate-authority-data']
                ? { 'certificate-authority-data': c['certificate-authority-data'] }
                : c['certificate-authority']
                    ? { 'certificate-authority-data': readPem(c['certificate-authority'], 'certificate-authority').toString('base64') }
                    : {}),
            ...(c['proxy-url'] ? { 'proxy-url': c['proxy-url'] } : {}),
            ...(extension !== undefined ? { config: extension } : {}),
        };
    }
    // As kubectl runs it: the plugin sees the environment (AWS_*, cloud SDK settings the login step set),
    // but not the action's inputs (INPUT_KUBECONFIG, any token given to this step) or the runner's tokens.
    const childEnv = {
        ...(0,trust/* inheritedEnvironment */.aJ)(env),
        KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: exec.apiVersion, kind: 'ExecCredential', spec }),
    };
    for (const variable of exec.env ?? [])
        if (variable?.name)
            childEnv[variable.name] = String(variable.value ?? '');
    const stdout = await new Promise((resolve, reject) => {
        (0,external_node_child_process_.execFile)(exec.command, (exec.args ?? []).map(String), { env: childEnv, timeout: EXEC_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' }, (error, out, err) => {
            if (!error)
                return resolve(out);
            const code = error.code;
            if (code === 'ENOENT')
                return reject(execFailure(exec, `${exec.command} was not found`));
            if (code === 'EACCES')
                return reject(execFailure(exec, `${exec.command} is not executable`));
            if (error.killed)
                return reject(execFailure(exec, `it did not answer within ${EXEC_TIMEOUT_MS / 1000} s`));
            // Its stderr is the user's best clue (expired SSO session, missing profile); it never holds the credential.
            const last = err.trim().split('\n').slice(-5).join('\n');
            reject(execFailure(exec, `it exited with code ${code ?? error.signal}${last ? `: ${last}` : ''}`));
        });
    });
    let credential;
    try {
        credential = JSON.parse(stdout);
    }
    catch {
        throw execFailure(exec, 'its output is not an ExecCredential (not JSON)');
    }
    if (credential?.kind !== 'ExecCredential')
        throw execFailure(exec, `its output is not an ExecCredential (kind ${JSON.stringify(credential?.kind ?? null)})`);
    if (credential.apiVersion !== exec.apiVersion)
        throw execFailure(exec, `it answered with apiVersion ${credential.apiVersion}, the kubeconfig asks for ${exec.apiVersion}`);
    const status = credential.status ?? {};
    const token = typeof status.token === 'string' && status.token ? status.token : undefined;
    const certData = typeof status.clientCertificateData === 'string' ? status.clientCertificateData : undefined;
    const keyData = typeof status.clientKeyData === 'string' ? status.clientKeyData : undefined;
    if (token)
        (0,secrets/* registerSecret */.cl)(token);
    if (keyData)
        (0,secrets/* registerSecret */.cl)(keyData);
    if (!token && !(certData && keyData))
        throw execFailure(exec, 'its ExecCredential has neither status.token nor status.clientCertificateData and clientKeyData');
    let expiresAt;
    if (typeof status.expirationTimestamp === 'string') {
        expiresAt = Date.parse(status.expirationTimestamp);
        if (Number.isNaN(expiresAt))
            throw execFailure(exec, `its expirationTimestamp "${status.expirationTimestamp}" is not a date`);
    }
    return { token, ...(certData && keyData ? { cert: Buffer.from(certData), key: Buffer.from(keyData) } : {}), expiresAt };
}
/** kubectl's --as, --as-uid, --as-group: one header line per group (Node sends an array as repeated lines). */
function impersonation(target) {
    const u = target.user;
    const headers = {};
    if (u.as)
        headers['impersonate-user'] = u.as;
    if (u['as-uid'])
        headers['impersonate-uid'] = u['as-uid'];
    if (u['as-groups']?.length)
        headers['impersonate-group'] = u['as-groups'].map(String);
    for (const [key, values] of Object.entries(u['as-user-extra'] ?? {}))
        headers[`impersonate-extra-${encodeURIComponent(key)}`] = (values ?? []).map(String);
    return headers;
}
/** The credentials of a resolved context; throws a KubeconfigError for what is wrong with it. */
async function credentialsFor(target, env = process.env, options = {}) {
    const u = target.user;
    // Credentials travel over https only (SECURITY.md rule 2); kubectl would send a token to an http://
    // server in clear text, we refuse before anything is sent. Loopback test servers are the exception.
    const carriesSecret = Boolean(u.token || u.tokenFile || u.password || u.exec || u['auth-provider']);
    const transport = carriesSecret ? (0,trust/* credentialTransportProblem */.on)(target.server) : undefined;
    if (transport)
        throw new KubeconfigError(`user "${target.userName}" has credentials, and the server ${target.server} is plain http: ${transport}`);
    const proxy = proxyFor(target, env);
    const tls = clusterTls(target);
    const extra = impersonation(target);
    const certificate = u['client-certificate-data']
        ? base64Pem(u['client-certificate-data'], 'client-certificate')
        : u['client-certificate']
            ? readPem(u['client-certificate'], 'client-certificate')
            : undefined;
    const key = u['client-key-data']
        ? base64Pem(u['client-key-data'], 'client-key')
        : u['client-key']
            ? readPem(u['client-key'], 'client-key')
            : undefined;
    if (Boolean(certificate) !== Boolean(key))
        throw new KubeconfigError(`user "${target.userName}" has a client ${certificate ? 'certificate but no key' : 'key but no certificate'}`);
    if (key)
        (0,secrets/* registerSecret */.cl)(key.toString('utf8'));
    for (const secret of [u.token, u.password, u['client-key-data']])
        if (secret)
            (0,secrets/* registerSecret */.cl)(secret);
    const baseAgent = makeAgent(target.server, { ...tls, ...(certificate ? { cert: certificate, key } : {}) }, proxy);
    if (u['auth-provider'])
        return authProviderCredentials(target, baseAgent, extra, proxy, env, options);
    if (u.exec) {
        const exec = u.exec;
        let cached;
        let pending;
        const fresh = () => cached && (cached.expiresAt === undefined || cached.expiresAt - credentials_EXPIRY_MARGIN_MS > Date.now());
        return {
            method: `exec plugin ${exec.command.split('/').pop()}`,
            proxy,
            async prepare() {
                if (!fresh()) {
                    // Concurrent requests (three watches start together) share one run of the plugin.
                    pending ??= runExecPlugin(exec, target, env).then((credential) => ({
                        ...credential,
                        agent: credential.cert ? makeAgent(target.server, { ...tls, cert: credential.cert, key: credential.key }, proxy) : baseAgent,
                    }));
                    try {
                        cached = await pending;
                    }
                    finally {
                        pending = undefined;
                    }
                }
                const current = cached;
                return { agent: current.agent, headers: { ...extra, ...(current.token ? { authorization: `Bearer ${current.token}` } : {}) } };
            },
            invalidate() {
                cached = undefined;
                return true;
            },
        };
    }
    if (u.tokenFile) {
        const file = u.tokenFile;
        let token = '';
        let readAt = 0;
        let mtime = 0;
        return {
            method: 'token file',
            proxy,
            async prepare() {
                if (!token || Date.now() - readAt > TOKEN_FILE_TTL_MS || (0,external_node_fs_.statSync)(file, { throwIfNoEntry: false })?.mtimeMs !== mtime) {
                    try {
                        token = (0,external_node_fs_.readFileSync)(file, 'utf8').trim();
                        mtime = (0,external_node_fs_.statSync)(file).mtimeMs;
                    }
                    catch (error) {
                        throw new KubeconfigError(`its tokenFile ${file} cannot be read (${error.code ?? 'error'})`);
                    }
                    readAt = Date.now();
                    (0,secrets/* registerSecret */.cl)(token);
                }
                return { agent: baseAgent, headers: { ...extra, authorization: `Bearer ${token}` } };
            },
            invalidate() {
                const changed = (0,external_node_fs_.statSync)(file, { throwIfNoEntry: false })?.mtimeMs !== mtime;
                token = '';
                return changed;
            },
        };
    }
    const headers = { ...extra };
    let method = certificate ? 'client certificate' : 'anonymous';
    if (u.token) {
        headers.authorization = `Bearer ${u.token}`;
        method = 'token';
    }
    else if (u.username) {
        headers.authorization = `Basic ${Buffer.from(`${u.username}:${u.password ?? ''}`).toString('base64')}`;
        (0,secrets/* registerSecret */.cl)(headers.authorization.slice(6));
        method = 'basic auth';
    }
    return { method, proxy, prepare: async () => ({ agent: baseAgent, headers }), invalidate: () => false };
}
/**
 * kubectl 1.26 removed the auth-providers but oidc; each has an exec plugin that replaces it. Said before
 * any request, so the step fails with the way out rather than with a 401.
 */
const AUTH_PROVIDER_REPLACEMENTS = {
    gcp: 'gke-gcloud-auth-plugin (gcloud components install gke-gcloud-auth-plugin; then gcloud container clusters get-credentials writes the exec user)',
    azure: "kubelogin (kubelogin convert-kubeconfig -l azurecli, or -l workloadidentity with azure/login's OIDC)",
};
function unsupportedAuthProvider(userName, name) {
    const replacement = AUTH_PROVIDER_REPLACEMENTS[name];
    return new errors/* ActionError */.lZ(`The kubeconfig's user "${userName}" uses the auth-provider "${name}", which deploy-kit does not support`, {
        why: 'auth-providers were removed from kubectl in 1.26, except oidc; deploy-kit supports oidc (with its refresh-token) and exec credential plugins',
        check: [
            replacement
                ? `switch the user to the exec plugin that replaced it: ${replacement}`
                : 'switch the user to an exec credential plugin (client.authentication.k8s.io/v1), e.g. kubelogin for OIDC providers',
            'or pass a kubeconfig with a token or a client certificate',
        ],
    });
}
/** An `auth-provider` user: oidc with its refresh, anything else refused (see {@link unsupportedAuthProvider}). */
function authProviderCredentials(target, agent, extra, proxy, env, options) {
    const provider = target.user['auth-provider'];
    const name = typeof provider?.name === 'string' ? provider.name : '';
    if (name !== 'oidc')
        throw unsupportedAuthProvider(target.userName, name || '(no name)');
    const source = new OidcTokenSource((provider.config ?? {}), {
        env,
        deadline: options.deadline,
        timeoutMs: options.timeoutMs,
    });
    return {
        method: 'auth-provider oidc',
        proxy,
        async prepare() {
            return { agent, headers: { ...extra, authorization: `Bearer ${await source.token()}` } };
        },
        invalidate: () => source.invalidate(),
    };
}

;// CONCATENATED MODULE: ./actions/migrate-job/src/kube/kubeapi.ts
/**
 * The few Kubernetes API calls migrate-job makes, over node:http(s): JSON requests, watch streams
 * (newline-delimited events) and a pod's log stream. Errors carry the HTTP status and the server's
 * Status body, so kube.ts can say which verb on which resource was refused and retry only what is
 * transient. A 401 drops cached exec credentials and tries once more, as client-go does.
 */



/** An HTTP error answer from the API server (`code`/`body` as client-node's ApiException has them). */
class KubeApiError extends Error {
    body;
    headers;
    code;
    statusCode;
    constructor(status, body, headers, what) {
        // A body that is JSON but not a Status is still quoted: it is all there is to say.
        const detail = statusMessage(body) ?? body.trim().slice(0, 300);
        super(`${external_node_http_.STATUS_CODES[status] ?? `HTTP ${status}`} from ${what}${detail ? `: ${detail}` : ''}`);
        this.body = body;
        this.headers = headers;
        this.name = 'KubeApiError';
        this.code = status;
        this.statusCode = status;
    }
}
/**
 * What an error body says: a Status object's message, or the start of a body that is not JSON;
 * undefined for an empty body or JSON without a message.
 */
function statusMessage(body) {
    try {
        const parsed = JSON.parse(body);
        return typeof parsed?.message === 'string' ? parsed.message : undefined;
    }
    catch {
        return body.trim().slice(0, 300) || undefined;
    }
}
/** The collection URL of a namespaced resource migrate-job uses (jobs in batch/v1, the rest in core v1). */
function collectionPath(namespace, resource) {
    return `${resource === 'jobs' ? '/apis/batch/v1' : '/api/v1'}/namespaces/${encodeURIComponent(namespace)}/${resource}`;
}
/**
 * A request that got no answer within this long fails (and is retried by the caller): a JSON request
 * must be complete within it; a watch or a log follow must get its headers within it (their streams
 * then run as long as the wait needs them, and the wait is bounded by the step's deadline).
 */
const REQUEST_TIMEOUT_MS = trust/* DEFAULT_REQUEST_TIMEOUT_MS */.Zc;
/**
 * The step's timeout ran out (or the run was cancelled) while a request waited: not the API server's
 * fault, and never retried.
 */
class DeadlineError extends Error {
    code = 'EDEADLINE';
    constructor(host) {
        super(`the step's timeout ran out while waiting for ${host}`);
        this.name = 'DeadlineError';
    }
}
class KubeApi {
    server;
    credentials;
    options;
    /**
     * `deadline`: the step's deadline; every JSON request and every stream's first answer ends with it
     * (a DeadlineError). `timeoutMs`: the per-request limit (tests shorten it).
     */
    constructor(server, credentials, options = {}) {
        this.server = server;
        this.credentials = credentials;
        this.options = options;
    }
    url(path, query = {}) {
        const url = new URL(this.server + path);
        for (const [key, value] of Object.entries(query))
            if (value !== undefined && value !== '')
                url.searchParams.set(key, String(value));
        return url;
    }
    /** Opens a request and resolves with the response once its headers are in; a 401 is retried once with renewed credentials. */
    async open(method, url, options, retried = false) {
        const { agent, headers } = await this.credentials.prepare();
        const send = url.protocol === 'https:' ? external_node_https_.request : external_node_http_.request;
        const timeoutMs = this.options.timeoutMs ?? REQUEST_TIMEOUT_MS;
        const deadline = this.options.deadline;
        if (deadline?.aborted)
            throw new DeadlineError(url.host);
        // A JSON request as a whole (body included) within the limit; a stream only until its headers arrive.
        const own = options.stream ? undefined : (0,trust/* requestSignal */.OL)(timeoutMs, deadline);
        const signal = options.stream ? options.signal : own;
        const response = await new Promise((resolve, reject) => {
            const request = send(url, {
                method,
                agent,
                headers: {
                    ...headers,
                    accept: options.accept ?? 'application/json',
                    'user-agent': 'deploy-kit-migrate-job',
                    ...(options.body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) } : {}),
                },
                signal,
            });
            const timedOut = () => Object.assign(new Error(`no answer from ${url.host} within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' });
            let headersTimer;
            const onDeadline = () => request.destroy(new DeadlineError(url.host));
            if (options.stream) {
                headersTimer = setTimeout(() => request.destroy(timedOut()), timeoutMs);
                deadline?.addEventListener('abort', onDeadline, { once: true });
            }
            const settle = () => {
                clearTimeout(headersTimer);
                deadline?.removeEventListener('abort', onDeadline);
            };
            request.once('response', (answer) => {
                settle();
                resolve(answer);
            });
            request.once('error', (error) => {
                settle();
                // Name the limit that ended the request: ours (retried by the caller) or the step's (never retried).
                if (own?.aborted)
                    reject(deadline?.aborted ? new DeadlineError(url.host) : timedOut());
                else
                    reject(error);
            });
            request.end(options.body);
        });
        if (response.statusCode === 401 && !retried && this.credentials.invalidate()) {
            response.resume();
            return this.open(method, url, options, true);
        }
        return response;
    }
    static async text(response) {
        const chunks = [];
        for await (const chunk of response)
            chunks.push(chunk);
        return Buffer.concat(chunks).toString('utf8');
    }
    /** A JSON request; a non-2xx answer throws KubeApiError. */
    async request(method, path, options = {}) {
        const url = this.url(path, options.query);
        const response = await this.open(method, url, {
            body: options.body === undefined ? undefined : JSON.stringify(options.body),
            accept: options.accept,
        });
        let text;
        try {
            text = await KubeApi.text(response);
        }
        catch (error) {
            // The request's limit ended it while the body was still coming.
            if (this.options.deadline?.aborted)
                throw new DeadlineError(url.host);
            if (error?.name === 'AbortError')
                throw Object.assign(new Error(`no complete answer from ${url.host} within ${(this.options.timeoutMs ?? REQUEST_TIMEOUT_MS) / 1000} s`), { code: 'ETIMEDOUT' });
            throw error;
        }
        const status = response.statusCode ?? 0;
        if (status < 200 || status >= 300)
            throw new KubeApiError(status, text, response.headers, `${method} ${url.pathname}`);
        return (text ? JSON.parse(text) : undefined);
    }
    /**
     * A watch from `resourceVersion`: resolves once the server accepted it (a refusal rejects with its
     * status), then calls `onEvent` per event and `onEnd` once when the stream ends, with the error if
     * it broke (not when it was aborted through the returned controller).
     */
    async watch(path, query, onEvent, onEnd) {
        const controller = new AbortController();
        const url = this.url(path, { watch: true, ...query });
        const response = await this.open('GET', url, { stream: true, signal: controller.signal });
        if (response.statusCode !== 200)
            throw new KubeApiError(response.statusCode ?? 0, await KubeApi.text(response), response.headers, `GET ${url.pathname} (watch)`);
        let buffered = '';
        let ended = false;
        const end = (error) => {
            if (ended)
                return;
            ended = true;
            if (!controller.signal.aborted)
                onEnd(error);
        };
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
            buffered += chunk;
            let newline;
            while ((newline = buffered.indexOf('\n')) >= 0) {
                const line = buffered.slice(0, newline).trim();
                buffered = buffered.slice(newline + 1);
                if (!line)
                    continue;
                let event;
                try {
                    event = JSON.parse(line);
                }
                catch {
                    response.destroy();
                    end(new Error(`the watch on ${url.pathname} sent a line that is not JSON`));
                    return;
                }
                onEvent(event);
            }
        });
        response.once('end', () => end());
        response.once('error', (error) => end(error));
        response.once('close', () => end(response.complete ? undefined : new Error(`the watch on ${url.pathname} was cut`)));
        return controller;
    }
    /**
     * A container's log written to `out` as it comes, `out` ended when the stream ends (the container
     * exited, or the stream was cut or aborted). Resolves once the server accepted the request.
     */
    async log(namespace, pod, container, out, options) {
        const controller = new AbortController();
        const url = this.url(`${collectionPath(namespace, 'pods')}/${encodeURIComponent(pod)}/log`, {
            container,
            follow: options.follow || undefined,
        });
        const response = await this.open('GET', url, { stream: true, signal: controller.signal, accept: '*/*' });
        if (response.statusCode !== 200)
            throw new KubeApiError(response.statusCode ?? 0, await KubeApi.text(response), response.headers, `GET ${url.pathname}`);
        let finished = false;
        const finish = () => {
            if (finished)
                return;
            finished = true;
            out.end();
        };
        response.on('data', (chunk) => out.write(chunk));
        response.once('end', finish);
        response.once('error', finish);
        response.once('close', finish);
        return controller;
    }
}

;// CONCATENATED MODULE: ./actions/migrate-job/src/kube/connect.ts
/**
 * The kubeconfig (the `kubeconfig` input, KUBECONFIG, ~/.kube/config or in-cluster) resolved to an API
 * client for one context, its credentials prepared before the first request: an exec plugin that is
 * missing or fails, or an oidc refresh that is refused, is reported as itself, not as a 401.
 */




/** The kubeconfig (input, KUBECONFIG, ~/.kube/config or in-cluster) resolved to an API client for one context. */
async function loadKubeConfig(values, env = process.env, inClusterDir, deadline) {
    const source = kubeconfigSource(values.kubeconfig, env, inClusterDir);
    try {
        const config = await source.load();
        if (values.context && !config.contexts.some((c) => c.name === values.context)) {
            throw new errors/* ActionError */.lZ(`The kubeconfig has no context "${values.context}" (input "context")`, {
                check: [`its contexts: ${config.contexts.map((c) => c.name).join(', ') || 'none'}`],
            });
        }
        const target = resolveContext(config, values.context);
        const credentials = await credentialsFor(target, env, { deadline });
        // Credentials first (an exec plugin runs here): a plugin that is missing or fails is reported as
        // itself, before any request, rather than as the first call's failure.
        await credentials.prepare();
        const { proxy } = credentials;
        return {
            api: new KubeApi(target.server, credentials, { deadline }),
            server: target.server,
            namespace: values.namespace || target.namespace || 'default',
            context: target.context,
            auth: credentials.method,
            ...(proxy ? { proxy: `${new URL(proxy.url).host} (${proxy.source})` } : {}),
        };
    }
    catch (error) {
        if (error instanceof KubeconfigError)
            throw kubeconfigFailure(source.label, error.message);
        throw error;
    }
}

;// CONCATENATED MODULE: ./actions/migrate-job/src/kube/errors.ts
/**
 * What an API failure means for the step: whether it is worth another try (kubeRetryability: 429 and
 * 5xx are, refusals and our own credentials failing are not), whether it ends a watch for good, and
 * how to say it to the user (kubeError: unreachable, unauthorised, forbidden naming the RBAC verb and
 * resource, or the step's deadline).
 */



function statusCode(error) {
    const code = error?.code;
    if (typeof code === 'number')
        return code;
    const statusCode = error?.statusCode;
    return typeof statusCode === 'number' ? statusCode : undefined;
}
function apiMessage(error) {
    const body = error?.body;
    return (typeof body === 'string' ? statusMessage(body) : undefined) || (0,errors/* errorMessage */.gJ)(error);
}
/** Our own credentials failed (an exec plugin, an unreadable token file): not the network's fault, and no retry helps. */
function isCredentialFailure(error) {
    return error instanceof errors/* ActionError */.lZ || error instanceof KubeconfigError;
}
/** What ends a watch for good: a refusal (401, 403), our own credentials failing, or the step's deadline. */
function endsWatch(error) {
    const status = statusCode(error);
    return status === 401 || status === 403 || isCredentialFailure(error) || error instanceof DeadlineError;
}
function kubeRetryability(error) {
    if (isCredentialFailure(error))
        return { retryable: false, reason: error.name };
    if (error instanceof DeadlineError)
        return { retryable: false, reason: "the step's timeout ran out" };
    const status = statusCode(error);
    if (status !== undefined) {
        // classifyError adds the server's Retry-After (the API server sends one with 429 and some 503s).
        if (status === 429 || status >= 500)
            return { ...(0,retry/* classifyError */.fe)(error), retryable: true, reason: `HTTP ${status}` };
        return { retryable: false, reason: `HTTP ${status}` };
    }
    return (0,retry/* classifyError */.fe)(error);
}
/** An API failure as the user's problem: unreachable, unauthorised, forbidden (naming verb and resource), or other. */
function kubeError(error, verb, resource, server) {
    if (error instanceof errors/* ActionError */.lZ)
        return error;
    if (error instanceof KubeconfigError)
        return kubeconfigFailure('the kubeconfig', error.message);
    if (error instanceof DeadlineError) {
        return new errors/* ActionError */.lZ(`No answer from the Kubernetes API server at ${server} to ${verb} ${resource} before the step's timeout ran out`, {
            why: error.message,
            check: [
                'the API server is up and answering (a server that accepts connections but does not answer, an overloaded control plane)',
                "the runner's route to the cluster (VPN, private endpoint, proxy)",
                'raise `timeout` if the cluster is legitimately slow',
            ],
            cause: error,
        });
    }
    const status = statusCode(error);
    const message = apiMessage(error);
    if (status === 401) {
        return new errors/* ActionError */.lZ(`The Kubernetes API server at ${server} refused the credentials (401 Unauthorized) to ${verb} ${resource}`, {
            why: message,
            check: [
                "the kubeconfig's user token or client certificate is valid and not expired",
                'for EKS/GKE/AKS, the exec credential plugin is installed and the cloud login step ran before this one',
            ],
            cause: error,
        });
    }
    if (status === 403) {
        return new errors/* ActionError */.lZ(`Not allowed to ${verb} ${resource} (403 Forbidden)`, {
            why: message,
            check: [
                `grant the identity in the kubeconfig the RBAC verb "${verb}" on ${resource}`,
                'migrate-job needs: jobs (batch) get, list, watch, create, delete; pods get, list, watch; pods/log get; events list, watch',
            ],
            cause: error,
        });
    }
    if (status !== undefined) {
        return new errors/* ActionError */.lZ(`Kubernetes refused to ${verb} ${resource} (HTTP ${status})`, { why: message, cause: error });
    }
    return new errors/* ActionError */.lZ(`Cannot reach the Kubernetes API server at ${server} to ${verb} ${resource}`, {
        why: (0,errors/* errorMessage */.gJ)(error),
        check: [
            "the kubeconfig's server address and the `context` input",
            'the runner can reach the cluster (VPN, private endpoint, firewall)',
            'the cluster is up',
        ],
        cause: error,
    });
}

;// CONCATENATED MODULE: ./actions/migrate-job/src/kube/watch.ts
/**
 * A list-then-watch of one resource that survives disconnects, as client-go's reflector: it resumes
 * from the last resourceVersion it saw, relists only when the server says that version is gone (410),
 * backs off while the server is unreachable or failing, and gives up only on a refusal (401, 403), our
 * own credentials failing or the step's deadline (onFatal).
 */


/**
 * A list-then-watch of one resource that survives disconnects: it resumes from the last
 * resourceVersion it saw and relists only when the server says that version is gone (410).
 */
class ResourceWatch {
    api;
    path;
    query;
    list;
    onObject;
    onFatal;
    stats;
    label;
    controller;
    stopped = false;
    resourceVersion = '';
    failures = 0;
    constructor(api, path, query, list, onObject, onFatal, stats, label) {
        this.api = api;
        this.path = path;
        this.query = query;
        this.list = list;
        this.onObject = onObject;
        this.onFatal = onFatal;
        this.stats = stats;
        this.label = label;
    }
    /** Lists and watches. Refusals (401, 403, other 4xx) throw; an unreachable or failing server is retried until stopped. */
    async start() {
        try {
            await this.relist();
        }
        catch (error) {
            const status = statusCode(error);
            if ((status !== undefined && status < 500 && status !== 410 && status !== 429) || isCredentialFailure(error))
                throw error;
            runner/* debug */.Yz(`watch ${this.label}: first list failed (${(0,errors/* errorMessage */.gJ)(error)}); retrying`);
            this.failures++;
            void this.reconnect(error);
        }
    }
    async relist() {
        this.stats.lists++;
        const result = await this.list();
        for (const item of result.items)
            this.onObject('LISTED', item);
        this.resourceVersion = result.resourceVersion;
        await this.connect();
    }
    async connect() {
        if (this.stopped)
            return;
        this.stats.watches++;
        this.controller = await this.api.watch(this.path, { ...this.query, resourceVersion: this.resourceVersion, allowWatchBookmarks: true }, ({ type, object }) => {
            if (type === 'ERROR') {
                const code = object?.code;
                if (code === 410)
                    this.resourceVersion = '';
                return;
            }
            this.failures = 0;
            const version = object?.metadata?.resourceVersion;
            if (version)
                this.resourceVersion = version;
            if (type !== 'BOOKMARK')
                this.onObject(type, object);
        }, (error) => void this.reconnect(error));
    }
    async reconnect(error) {
        if (this.stopped)
            return;
        this.stats.reconnects++;
        if (endsWatch(error)) {
            this.onFatal(error);
            return;
        }
        if (error)
            this.failures++;
        runner/* debug */.Yz(`watch ${this.label} ended (${error ? (0,errors/* errorMessage */.gJ)(error) : 'closed by the server'}); resuming from resourceVersion ${this.resourceVersion || '(relist)'}`);
        if (this.failures > 0)
            await (0,retry/* sleep */.yy)(Math.min(5_000, 250 * 2 ** Math.min(this.failures, 5)));
        if (this.stopped)
            return;
        try {
            if (!this.resourceVersion || statusCode(error) === 410)
                await this.relist();
            else
                await this.connect();
        }
        catch (relistError) {
            // Refused, or our own credentials failed (an exec plugin that cannot renew an expired token): retrying won't help.
            if (endsWatch(relistError)) {
                this.onFatal(relistError);
                return;
            }
            // The API server may be restarting: keep trying until the overall deadline stops us.
            runner/* debug */.Yz(`watch ${this.label}: ${(0,errors/* errorMessage */.gJ)(relistError)}`);
            this.failures++;
            void this.reconnect(relistError);
        }
    }
    /** No more events are wanted and nothing reconnects; the request itself is closed by `stop` (or the process exit). */
    halt() {
        this.stopped = true;
    }
    stop() {
        this.stopped = true;
        this.controller?.abort();
    }
}

;// CONCATENATED MODULE: ./actions/migrate-job/src/kube/index.ts
/**
 * deploy-kit's Kubernetes client: what migrate-job needs of kubectl's kubeconfig handling and of the API,
 * over node:http(s), with no client library. Why not @kubernetes/client-node: it ships as a 16 MB chunk
 * (77 % of dist/migrate-job, in the archive every `uses:` of any deploy-kit action downloads), and
 * loading its generated client (~70 MB of heap) doubles the process's exit time, which is most of the
 * step's reaction to a finished Job (bench/migrate-job.mjs). Everything outside this folder imports
 * from here.
 *
 * Scope, measured against kubectl (client-go) — supported:
 * - kubeconfig sources in kubectl's order: an explicit file or inline YAML/JSON, KUBECONFIG's list merged
 *   (first definition of a name wins, first current-context wins), ~/.kube/config, in-cluster (service
 *   account token re-read as it rotates); relative paths against the file that names them; `context`.
 * - clusters: `server` (https; http only without credentials or on loopback), `certificate-authority(-data)`,
 *   `insecure-skip-tls-verify`, `tls-server-name`, `proxy-url`, else HTTPS_PROXY/NO_PROXY by Go's rules
 *   (http:// proxies through CONNECT); exec `extensions` for provideClusterInfo.
 * - users: `token`, `tokenFile`, `username`/`password`, `client-certificate(-data)`/`client-key(-data)`,
 *   `exec` plugins (client.authentication.k8s.io v1 and v1beta1: args, env, provideClusterInfo,
 *   interactiveMode Never/IfAvailable, expirationTimestamp, run again after a 401), the `oidc`
 *   auth-provider (id-token while valid, refresh-token grant at the issuer's token endpoint: oidc.ts),
 *   impersonation (`as`, `as-uid`, `as-groups`, `as-user-extra`).
 * - API: JSON requests, list-then-watch that resumes from its resourceVersion and relists on 410
 *   (watch.ts), pod log streams; PartialObjectMetadata reads; errors with the server's Status message;
 *   retry of 429/5xx with Retry-After (errors.ts); every request bounded by its own limit and the step's.
 *
 * Not supported (each fails with a message saying so, or is ignored where kubectl ignores it too):
 * - the auth-providers kubectl 1.26 removed (gcp, azure, others): refused, pointing to their exec plugins;
 *   oidc's `extra-scopes` (a refresh grant sends no scope); writing refreshed tokens back to the file;
 * - exec plugins that need a terminal (interactiveMode Always), client.authentication.k8s.io/v1alpha1;
 * - SOCKS or https:// proxies; `disable-compression`; kubectl's --server/--token style overrides (the
 *   action's inputs are `kubeconfig`, `context`, `namespace`);
 * - credentials over plain http to a server that is not loopback (kubectl sends them; SECURITY.md rule 2).
 */








// EXTERNAL MODULE: ./actions/migrate-job/src/manifest.ts
var src_manifest = __webpack_require__(7622);
;// CONCATENATED MODULE: ./actions/migrate-job/src/classify.ts
/**
 * Where a migration Job stands, from the Job, its pods and their events, as Kubernetes reports them.
 * A pure function, so every case is a table row in the unit tests and the watcher only has to feed it
 * the latest objects. Terminal verdicts come from the Job's own conditions (the Job controller's
 * word) first; the pod-level checks catch what never trips `backoffLimit` because the pod never
 * leaves Pending: image pull errors, a missing secret or config map, an unschedulable pod, and pods
 * the Job controller cannot even create (a missing service account, a quota).
 */

const IMAGE_PULL = new Set([
    'ErrImagePull',
    'ImagePullBackOff',
    'InvalidImageName',
    'ErrImageNeverPull',
    'RegistryUnavailable',
    'ImageInspectError',
]);
const START_ERRORS = new Set(['CreateContainerError', 'RunContainerError', 'StartError', 'ContainerCannotRun']);
function toMs(time) {
    if (time === undefined)
        return undefined;
    const ms = time instanceof Date ? time.getTime() : Date.parse(time);
    return Number.isNaN(ms) ? undefined : ms;
}
function condition(conditions, type) {
    return conditions?.find((c) => c.type === type && c.status === 'True');
}
/** The migration container's status (named `migrate`, else the only one). */
function migrationContainer(pod) {
    const statuses = pod.status?.containerStatuses ?? [];
    return statuses.find((s) => s.name === src_manifest/* CONTAINER_NAME */.Cz) ?? (statuses.length === 1 ? statuses[0] : undefined);
}
/** Newest pod first (creation time, then name). */
function newestPod(pods) {
    return [...pods].sort((a, b) => (toMs(b.metadata?.creationTimestamp) ?? 0) - (toMs(a.metadata?.creationTimestamp) ?? 0) ||
        String(b.metadata?.name).localeCompare(String(a.metadata?.name)))[0];
}
/** `secret "app-db" not found` → `secret "app-db"`; the object a CreateContainerConfigError is about. */
function missingReference(message) {
    if (!message)
        return undefined;
    const notFound = /\b(secret|configmap|config map)s? "([^"]+)" not found/i.exec(message);
    if (notFound)
        return `${notFound[1].toLowerCase().replace(' ', '')} "${notFound[2]}"`;
    const missingKey = /couldn't find key (\S+) in (Secret|ConfigMap) ([^\s/]+)\/(\S+)/i.exec(message);
    if (missingKey)
        return `key ${missingKey[1]} in ${missingKey[2].toLowerCase()} "${missingKey[4]}"`;
    return undefined;
}
function terminatedExit(pod) {
    const state = pod ? migrationContainer(pod)?.state?.terminated : undefined;
    return state ? { exitCode: state.exitCode, reason: state.reason, message: state.message } : {};
}
function exitText(exit) {
    const parts = [];
    if (exit.exitCode !== undefined)
        parts.push(`exit code ${exit.exitCode}`);
    if (exit.reason)
        parts.push(`reason ${exit.reason}`);
    if (exit.exitCode === 137 || exit.reason === 'OOMKilled')
        parts.push(exit.reason === 'OOMKilled' ? 'the container ran out of memory: raise `resources` limits' : 'killed (SIGKILL)');
    let text = parts.join(', ');
    if (exit.message)
        text += `: ${exit.message.trim().split('\n').slice(-3).join(' | ')}`;
    return text;
}
function deadlineVerdict(input, podName, exitCode) {
    const { job, timeoutText } = input;
    const seconds = job.spec?.activeDeadlineSeconds;
    const details = [timeoutText ? `timeout ${timeoutText}` : '', seconds !== undefined ? `activeDeadlineSeconds ${seconds}` : '']
        .filter(Boolean)
        .join(', ');
    return {
        state: 'failed',
        kind: 'deadline',
        reason: 'DeadlineExceeded',
        pod: podName,
        exitCode,
        message: `the migration ran longer than its deadline${details ? ` (${details})` : ''} and Kubernetes stopped it`,
    };
}
/** Whether the Job has run for its whole activeDeadlineSeconds (counted from its startTime). */
function pastDeadline(input) {
    const seconds = input.job.spec?.activeDeadlineSeconds;
    const start = toMs(input.job.status?.startTime);
    if (seconds === undefined || start === undefined)
        return false;
    return (input.now ?? Date.now()) - start >= seconds * 1000;
}
/** The verdict for one observation of the Job and its pods. */
function classify(input) {
    const { job } = input;
    const pods = input.pods ?? [];
    const events = input.events ?? [];
    const conditions = job.status?.conditions ?? [];
    const pod = newestPod(pods);
    const podName = pod?.metadata?.name;
    const complete = condition(conditions, 'Complete') ?? condition(conditions, 'SuccessCriteriaMet');
    if (complete)
        return { state: 'succeeded', detail: 'the Job completed', pod: podName, exitCode: 0 };
    const failed = condition(conditions, 'Failed') ?? condition(conditions, 'FailureTarget');
    if (failed) {
        const exit = terminatedExit(pod);
        if (failed.reason === 'DeadlineExceeded')
            return deadlineVerdict(input, podName, exit.exitCode);
        if (exit.exitCode !== undefined) {
            return {
                state: 'failed',
                kind: 'exit-code',
                reason: failed.reason,
                pod: podName,
                exitCode: exit.exitCode,
                message: `the migration container failed: ${exitText(exit)}`,
            };
        }
        const podProblem = pod ? podFailure(pod, input) : undefined;
        if (podProblem)
            return podProblem;
        return {
            state: 'failed',
            kind: failed.reason === 'BackoffLimitExceeded' ? 'backoff-limit' : 'job-failed',
            reason: failed.reason,
            pod: podName,
            message: `the Job failed (${failed.reason ?? 'no reason given'}${failed.message ? `: ${failed.message}` : ''})`,
        };
    }
    if (pod) {
        const problem = podFailure(pod, input, events);
        if (problem)
            return problem;
    }
    const createFailed = [...events].reverse().find((e) => e.reason === 'FailedCreate' && (e.involvedObject?.kind ?? 'Job') === 'Job');
    if (createFailed && !pod) {
        return {
            state: 'failed',
            kind: 'create-failed',
            reason: 'FailedCreate',
            message: `Kubernetes could not create the migration pod: ${createFailed.message ?? 'no message'}`,
        };
    }
    if (!pod)
        return { state: 'pending', detail: 'waiting for the Job controller to create the pod' };
    const container = migrationContainer(pod);
    if (container?.state?.running)
        return { state: 'running', detail: `pod ${podName} is running`, pod: podName };
    const exit = terminatedExit(pod);
    if (pod.status?.phase === 'Succeeded' || exit.exitCode === 0) {
        return { state: 'running', detail: `pod ${podName} finished; waiting for the Job to be marked complete`, pod: podName };
    }
    if (pod.status?.phase === 'Failed' || (exit.exitCode !== undefined && exit.exitCode !== 0)) {
        // Killed at the deadline: the pod's end can reach us before the Job's DeadlineExceeded condition.
        if (pastDeadline(input))
            return deadlineVerdict(input, podName, exit.exitCode);
        // The Job controller marks the Job Failed next; the exit code is already known, so report it now.
        return {
            state: 'failed',
            kind: 'exit-code',
            pod: podName,
            exitCode: exit.exitCode,
            reason: exit.reason,
            message: `the migration container failed: ${exitText(exit) || pod.status?.reason || 'pod failed'}`,
        };
    }
    const waiting = container?.state?.waiting;
    return {
        state: 'pending',
        detail: `pod ${podName} is ${pod.status?.phase ?? 'Pending'}${waiting?.reason ? ` (${waiting.reason})` : ''}`,
        pod: podName,
    };
}
/** Failures visible on the pod before the Job controller gives up (or that it never gives up on). */
function podFailure(pod, input, events = []) {
    const podName = pod.metadata?.name;
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
        const waiting = status.state?.waiting;
        if (!waiting?.reason)
            continue;
        if (IMAGE_PULL.has(waiting.reason)) {
            return {
                state: 'failed',
                kind: 'image-pull',
                reason: waiting.reason,
                pod: podName,
                message: `the image cannot be pulled (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''})`,
            };
        }
        if (waiting.reason === 'CreateContainerConfigError') {
            const eventMessage = [...events].reverse().find((e) => e.involvedObject?.name === podName && missingReference(e.message))?.message;
            const missing = missingReference(waiting.message) ?? missingReference(eventMessage);
            return {
                state: 'failed',
                kind: 'config',
                reason: waiting.reason,
                pod: podName,
                message: missing
                    ? `the container cannot start: ${missing} is missing in the Job's namespace (CreateContainerConfigError)`
                    : `the container cannot start: its configuration is invalid (CreateContainerConfigError${waiting.message ? `: ${waiting.message}` : ''})`,
            };
        }
        if (START_ERRORS.has(waiting.reason)) {
            return {
                state: 'failed',
                kind: 'start-error',
                reason: waiting.reason,
                pod: podName,
                message: `the container cannot start (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''})`,
            };
        }
    }
    const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled && scheduled.status === 'False' && scheduled.reason === 'Unschedulable') {
        const since = toMs(scheduled.lastTransitionTime);
        const grace = input.unschedulableGraceMs ?? 0;
        const now = input.now ?? Date.now();
        if (since === undefined || now - since >= grace) {
            return {
                state: 'failed',
                kind: 'unschedulable',
                reason: 'Unschedulable',
                pod: podName,
                message: `no node can run the migration pod (Unschedulable${scheduled.message ? `: ${scheduled.message}` : ''})`,
            };
        }
    }
    const container = migrationContainer(pod);
    if (pod.status?.phase === 'Failed' && !container?.state?.terminated && (pod.status.reason || pod.status.message)) {
        return {
            state: 'failed',
            kind: 'pod-failed',
            reason: pod.status.reason,
            pod: podName,
            message: `the migration pod failed before its container ran (${pod.status.reason ?? 'Failed'}${pod.status.message ? `: ${pod.status.message}` : ''})`,
        };
    }
    return undefined;
}

;// CONCATENATED MODULE: ./actions/migrate-job/src/decide.ts
/**
 * What to do when a Job of the migration's name may already exist, so no migration ever runs twice:
 *
 *   none                                    → create it
 *   ours, same image, Complete              → success, nothing runs again (`already-complete`)
 *   ours, same image, still active          → attach: watch that Job, never start a second one
 *   ours, same image, Failed                → fail with how to retry; with `rerun-failed: true`,
 *                                             delete it and create it anew
 *   ours, being deleted                     → wait for the deletion, then create
 *   another release's Job, or another image → refuse (a name collision, or a re-pushed tag)
 */


/** The image the existing Job runs: our annotation, else its migration container's image. */
function existingImage(job) {
    const containers = job.spec?.template?.spec?.containers ?? [];
    return job.metadata?.annotations?.[src_manifest/* ANNOTATION_IMAGE */.uh] ?? (containers.find((c) => c.name === src_manifest/* CONTAINER_NAME */.Cz) ?? containers[0])?.image;
}
/**
 * `pods` are the existing Job's pods: with `backoffLimit: 0` a pod that failed means the Job has
 * failed, even in the moment before the Job controller records it (a re-run right after a failure
 * must not attach to it as if it were still running).
 */
function decide(existing, desired, pods = []) {
    if (!existing)
        return { action: 'create' };
    const where = `Job ${desired.namespace}/${desired.name}`;
    const follow = `kubectl -n ${desired.namespace} get job ${desired.name} -o yaml; kubectl -n ${desired.namespace} logs job/${desired.name}`;
    if (existing.metadata?.deletionTimestamp) {
        return { action: 'wait-deleted', message: `${where} is being deleted; waiting for it to go before creating it again` };
    }
    const annotations = existing.metadata?.annotations ?? {};
    const release = annotations[src_manifest/* ANNOTATION_RELEASE */.wM];
    if (release === undefined || release !== desired.release) {
        return {
            action: 'refuse',
            message: `${where} already exists and does not belong to release "${desired.release}" (${release === undefined ? 'it was not created by migrate-job' : `it belongs to release "${release}"`})`,
            check: [
                'two releases map to the same Job name: give this one a distinct `release` input',
                `or delete the other Job if it is stale: kubectl -n ${desired.namespace} delete job ${desired.name}`,
            ],
        };
    }
    const image = existingImage(existing);
    if (image !== desired.image || (annotations[src_manifest/* ANNOTATION_TAG */.d5] !== undefined && annotations[src_manifest/* ANNOTATION_TAG */.d5] !== desired.tag)) {
        return {
            action: 'refuse',
            message: `${where} already exists for release "${release}" tag "${annotations[src_manifest/* ANNOTATION_TAG */.d5] ?? '?'}" with image ${image ?? '(unknown)'}, not ${desired.image}`,
            check: [
                'the tag was pushed again with a different image: migrations of a tag run once, so release a new tag',
                `if the earlier migration really must be replaced, delete it first: kubectl -n ${desired.namespace} delete job ${desired.name}`,
            ],
        };
    }
    const verdict = classify({ job: existing, pods });
    if (verdict.state === 'succeeded') {
        return { action: 'already-complete', message: `${where} already completed with this image; the migration is not run again` };
    }
    if (verdict.state === 'failed') {
        if (desired.rerunFailed)
            return {
                action: 'recreate',
                message: `${where} failed before (${verdict.message}); rerun-failed is true, so it is deleted and created again`,
            };
        return {
            action: 'refuse',
            message: `${where} already ran with this image and failed (${verdict.message}); it is not run again by itself`,
            check: [
                `read why it failed: ${follow}`,
                'fix the cause, then re-run with `rerun-failed: true` (the failed Job is deleted and created again)',
            ],
        };
    }
    return { action: 'attach', message: `${where} is already running with this image; following it instead of starting another` };
}

;// CONCATENATED MODULE: ./actions/migrate-job/src/job/cleanup.ts
/**
 * Removing Jobs: the `cleanup` policy once the migration has ended (never a Job that may still be
 * running; a failure to delete is a warning, the log is kept in the log file), and the failed Job a
 * `rerun-failed` replaces (deleted in the foreground, then waited for until it is gone).
 */

async function cleanup(policy, status, remove, name) {
    const running = status === 'timed-out' || status === 'cancelled';
    const wanted = policy === 'always' ? !running : policy === 'on-success' ? status === 'succeeded' : false;
    if (policy === 'always' && running)
        runner/* info */.pq(`cleanup: always, but the Job ${name} may still be running: it is left alone`);
    if (!wanted)
        return;
    try {
        await remove();
        runner/* info */.pq(`Deleted Job ${name} (cleanup: ${policy}); its log is kept in the log file`);
    }
    catch (error) {
        runner/* warning */.$e(`Could not delete Job ${name} (cleanup: ${policy}): ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
}
function deleteJob(api, jobsPath, name, propagationPolicy) {
    return api.request('DELETE', `${jobsPath}/${encodeURIComponent(name)}`, {
        body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy },
    });
}
async function waitGone(read, until, name) {
    while (Date.now() < until) {
        if ((await read()) === undefined)
            return;
        await (0,retry/* sleep */.yy)(500);
    }
    throw new errors/* ActionError */.lZ(`The old Job ${name} was not deleted in time`, {
        check: ['finalizers on the Job or its pods (kubectl get job -o yaml)'],
    });
}

;// CONCATENATED MODULE: ./actions/migrate-job/src/job/env-sources.ts
/**
 * Before a Job is created: the secrets and config maps its pod takes its environment from exist (read
 * as metadata only: whether a secret exists is all that is asked, never its values). Where RBAC does
 * not allow reading them the kubelet checks them, and the watch reports CreateContainerConfigError.
 */


/** Only the object's metadata: whether a secret exists is all we ask, never its values. */
const METADATA_ONLY = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
/** The envFrom secrets/config maps exist (read-only; skipped where RBAC does not allow reading them). */
async function checkEnvSources(api, namespace, plan, call) {
    const checks = [
        ...plan.envFromSecrets.map((n) => [
            'secret',
            n,
            () => api.request('GET', `${collectionPath(namespace, 'secrets')}/${encodeURIComponent(n)}`, { accept: METADATA_ONLY }),
        ]),
        ...plan.envFromConfigMaps.map((n) => ['configmap', n, () => api.request('GET', `${collectionPath(namespace, 'configmaps')}/${encodeURIComponent(n)}`)]),
    ];
    for (const [kind, objectName, read] of checks) {
        const found = await call(`get`, `${kind}s/${objectName}`, async () => {
            try {
                await read();
                return true;
            }
            catch (error) {
                const status = statusCode(error);
                if (status === 404)
                    return false;
                if (status === 403) {
                    runner/* debug */.Yz(`cannot read ${kind} ${objectName} (403); the kubelet will check it`);
                    return true;
                }
                throw error;
            }
        });
        if (!found) {
            throw new errors/* ActionError */.lZ(`Migration not started: ${kind} "${objectName}" does not exist in namespace ${namespace}`, {
                check: [`create it (or fix \`env-from-${kind}\`); nothing was created in the cluster`],
            });
        }
    }
}

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
;// CONCATENATED MODULE: ./actions/migrate-job/src/job/follow.ts
/**
 * Following a created Job to its verdict: list-then-watch of the Job, its pods and its events
 * (kube/watch.ts keeps each alive across disconnects), every change classified (classify.ts) until the
 * Job succeeded or failed, the step's deadline passed or the run was cancelled; the pod's log streamed
 * into the sink as soon as its container runs, resumed where it was cut, and drained (bounded) after
 * the verdict. An Unschedulable pod is looked at again when its grace runs out (one timer, no polling).
 */





const LOG_DRAIN_MS = 10_000;
async function watchJob(args) {
    const { api, namespace, name, sink } = args;
    const stats = { watches: 0, reconnects: 0, lists: 0 };
    let job;
    const pods = new Map();
    const events = [];
    const logStreams = new Map();
    /** Pods whose log is still being read (a Set, so finish knows without awaiting whether anything is left). */
    const readingLogs = new Set();
    /** The log requests still open (a request leaves once its stream has ended). */
    const aborts = new Set();
    let lastDetail = '';
    let graceTimer;
    return new Promise((resolve, reject) => {
        let settled = false;
        const watches = [];
        const finish = async (outcome) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(deadlineTimer);
            args.signal?.removeEventListener('abort', onAbort);
            if (graceTimer)
                clearTimeout(graceTimer);
            // The watches' events are no longer wanted from here on, but closing their requests (aborting three
            // fetches, ~1-2 ms) is not on the way to the verdict: it is done just after, and in the action the
            // process exit closes them first.
            for (const w of watches)
                w.halt();
            const closeWatches = () => setImmediate(() => {
                for (const w of watches)
                    w.stop();
            });
            if ('error' in outcome) {
                for (const controller of aborts)
                    controller.abort();
                closeWatches();
                reject(outcome.error);
                return;
            }
            // The pod's log: let the follow streams end by themselves (the container has exited), bounded. A pod whose
            // container never started has no log to read. Usually the stream ended before the Job's condition came
            // (the container's exit ends it): then nothing is awaited at all.
            const verdictPod = outcome.verdict && 'pod' in outcome.verdict ? outcome.verdict.pod : undefined;
            const state = verdictPod ? migrationContainer(pods.get(verdictPod) ?? {})?.state : undefined;
            if (verdictPod && !logStreams.has(verdictPod) && (state?.running || state?.terminated))
                startLogs(verdictPod);
            // Timed out or cancelled: the container may run on for a long time; its log so far is in the file already.
            if (!outcome.timedOut && !outcome.cancelled && readingLogs.size > 0) {
                let drainTimer;
                await Promise.race([Promise.allSettled([...logStreams.values()]), new Promise((r) => (drainTimer = setTimeout(r, LOG_DRAIN_MS)))]);
                clearTimeout(drainTimer);
            }
            for (const controller of aborts)
                controller.abort();
            closeWatches();
            resolve({ verdict: outcome.verdict, timedOut: outcome.timedOut, cancelled: outcome.cancelled, stats });
        };
        const deadlineTimer = setTimeout(() => void finish({ timedOut: true }), Math.max(0, args.deadline - Date.now()));
        const onAbort = () => {
            if (settled)
                return;
            args.onCancel?.();
            void finish({ timedOut: false, cancelled: true });
        };
        if (args.signal?.aborted)
            queueMicrotask(onAbort);
        else
            args.signal?.addEventListener('abort', onAbort, { once: true });
        /** One log request; the first `skip` bytes (already printed) are dropped. Resolves when the stream ends. */
        const readLog = (pod, followLogs, skip, onBytes) => new Promise((resolveStream) => {
            let controller;
            let ended = false;
            const resolveLog = () => {
                ended = true;
                if (controller)
                    aborts.delete(controller);
                resolveStream();
            };
            let toSkip = skip;
            const out = new external_node_stream_.Writable({
                write(chunk, _encoding, callback) {
                    let data = chunk;
                    if (toSkip > 0) {
                        const dropped = Math.min(toSkip, data.length);
                        data = data.subarray(dropped);
                        toSkip -= dropped;
                    }
                    if (data.length) {
                        onBytes(data.length);
                        sink.write(data);
                    }
                    callback();
                },
                final(callback) {
                    resolveLog();
                    callback();
                },
            });
            out.on('error', () => resolveLog());
            api
                .log(namespace, pod, src_manifest/* CONTAINER_NAME */.Cz, out, { follow: followLogs })
                .then((c) => {
                controller = c;
                if (!ended)
                    aborts.add(c);
            })
                .catch((error) => {
                runner/* debug */.Yz(`log of pod ${pod}: ${apiMessage(error)}`);
                resolveLog();
            });
        });
        const terminated = (pod) => Boolean(migrationContainer(pods.get(pod) ?? {})?.state?.terminated);
        /**
         * Follows the pod's log to its end. A stream cut short while the container still runs (API server
         * restart, network) is resumed, skipping what was already printed; bounded by the overall deadline.
         */
        const startLogs = (pod) => {
            let received = 0;
            readingLogs.add(pod);
            const done = (async () => {
                try {
                    for (let attempt = 0; Date.now() < args.deadline; attempt++) {
                        const wasTerminated = terminated(pod) || settled;
                        await readLog(pod, !wasTerminated, received, (n) => (received += n));
                        // A follow stream ends by itself when the container exits, with everything it wrote: done. One that
                        // ended while the container still runs was cut short (API server restart, network): resume it.
                        if (wasTerminated || terminated(pod))
                            return;
                        if (!settled)
                            await (0,retry/* sleep */.yy)(Math.min(2_000, 250 * 2 ** Math.min(attempt, 3)));
                    }
                }
                finally {
                    readingLogs.delete(pod);
                }
            })();
            logStreams.set(pod, done);
        };
        const evaluate = () => {
            if (settled || !job)
                return;
            const verdict = classify({
                job,
                pods: [...pods.values()],
                events,
                now: Date.now(),
                unschedulableGraceMs: args.values.unschedulableGrace ?? 0,
                timeoutText: args.timeoutText,
            });
            // Logs as soon as the container runs (or has already run).
            for (const [podName, pod] of pods) {
                const state = migrationContainer(pod)?.state;
                if (!logStreams.has(podName) && (state?.running || state?.terminated))
                    startLogs(podName);
            }
            if (verdict.state === 'succeeded' || verdict.state === 'failed') {
                void finish({ verdict, timedOut: false });
                return;
            }
            if (verdict.detail !== lastDetail) {
                runner/* info */.pq(`… ${verdict.detail}`);
                lastDetail = verdict.detail;
            }
            // An Unschedulable pod within its grace period: look again when the grace runs out (one timer, no polling).
            const unschedulable = [...pods.values()]
                .map((p) => p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'))
                .find(Boolean);
            if (unschedulable && !graceTimer) {
                const since = unschedulable.lastTransitionTime ? new Date(unschedulable.lastTransitionTime).getTime() : Date.now();
                graceTimer = setTimeout(() => {
                    graceTimer = undefined;
                    evaluate();
                }, Math.max(0, since + (args.values.unschedulableGrace ?? 0) - Date.now()) + 10);
            }
        };
        const onJob = (type, object) => {
            if (object?.metadata?.name !== name)
                return;
            if (type === 'DELETED') {
                void finish({
                    error: new errors/* ActionError */.lZ(`The Job ${namespace}/${name} was deleted while the migration was running`, {
                        check: [
                            'someone or something (a Helm hook policy, a cleanup job) deleted it; re-run the step to see whether the migration ran',
                        ],
                    }),
                });
                return;
            }
            job = object;
            evaluate();
        };
        const onPod = (type, object) => {
            const podName = object?.metadata?.name;
            if (!podName)
                return;
            if (type === 'DELETED')
                pods.delete(podName);
            else
                pods.set(podName, object);
            evaluate();
        };
        const onEvent = (type, object) => {
            if (type === 'DELETED')
                return;
            events.push(object);
            if (events.length > 200)
                events.shift();
            evaluate();
        };
        const onFatal = (error) => void finish({ error: kubeError(error, 'watch', `jobs/pods in namespace ${namespace}`, args.server) });
        const labelSelector = `batch.kubernetes.io/job-name=${name}`;
        /** A list then watch of `path` with `query`: the list's resourceVersion is where the watch starts. */
        const resourceWatch = (path, query, onObject, label) => new ResourceWatch(api, path, query, async () => {
            const r = await (0,retry/* retry */.L5)(() => api.request('GET', path, { query }), {
                label: `list ${label}`,
                classify: kubeRetryability,
                attempts: 5,
                maxElapsedMs: 60_000,
            });
            return { items: (r.items ?? []), resourceVersion: r.metadata?.resourceVersion ?? '' };
        }, onObject, onFatal, stats, label);
        watches.push(resourceWatch(collectionPath(namespace, 'jobs'), { fieldSelector: `metadata.name=${name}` }, onJob, 'job'), resourceWatch(collectionPath(namespace, 'pods'), { labelSelector }, onPod, 'pods'), resourceWatch(collectionPath(namespace, 'events'), { fieldSelector: `involvedObject.kind=Job,involvedObject.name=${name}` }, onEvent, 'events'));
        (async () => {
            for (const w of watches)
                await w.start();
            evaluate();
        })().catch((error) => void finish({
            error: error instanceof errors/* ActionError */.lZ ? error : kubeError(error, 'watch', `jobs/pods in namespace ${namespace}`, args.server),
        }));
    });
}

// EXTERNAL MODULE: ./actions/migrate-job/src/logsink.ts
var logsink = __webpack_require__(382);
// EXTERNAL MODULE: ./actions/migrate-job/src/plan.ts
var src_plan = __webpack_require__(4100);
;// CONCATENATED MODULE: ./actions/migrate-job/src/backends/kubernetes.ts
/**
 * `backend: kubernetes`: the migration as a Job, watched (not polled) until it is Complete or Failed,
 * with the pod's log streamed into the step log and kept in `log-file`. Fails fast on what never
 * trips `backoffLimit` (image pull errors, a missing secret/config map, an unschedulable pod, pods the
 * Job controller cannot create). Never runs a migration twice (see decide.ts), and never deletes a
 * running migration: when our own wait runs out, or the workflow run is cancelled (the runner's
 * SIGINT/SIGTERM, see main.ts), the step ends and says how to follow the Job, which keeps running (a
 * migration stopped half-way can leave the schema half-changed; a re-run attaches to it).
 *
 * The phases of a run: connect (kube/connect.ts), decide (decide.ts: create, attach, recreate, refuse,
 * already complete), check the envFrom sources (job/env-sources.ts), create, follow (job/follow.ts),
 * then the verdict and the `cleanup` policy (job/cleanup.ts). The API is spoken by kube/.
 */









const clusterDeps = { connect: (selection, deadline) => loadKubeConfig(selection, process.env, undefined, deadline) };
async function runKubernetesJob(context, deps = clusterDeps) {
    const { plan, values, step, signal } = context;
    const image = context.image;
    const logFile = context.files.log;
    const config = await deps.connect(values, step.signal);
    const { api, server, namespace } = config;
    const name = plan.jobName;
    const jobsPath = collectionPath(namespace, 'jobs');
    const podsPath = collectionPath(namespace, 'pods');
    const manifest = (0,src_manifest/* renderJob */.eS)((0,src_plan/* jobSpec */.HY)(plan, values, image, namespace));
    runner/* info */.pq(`Kubernetes: context ${config.context} (${config.auth}), server ${server}${config.proxy ? ` through the proxy ${config.proxy}` : ''}, namespace ${namespace}, Job ${name}, image ${image}`);
    const call = (verb, resource, fn) => (0,retry/* retry */.L5)(fn, {
        label: `${verb} ${resource}`,
        classify: kubeRetryability,
        attempts: 5,
        maxElapsedMs: Math.max(0, Math.min(60_000, step.at - Date.now())),
    }).catch((error) => {
        throw kubeError(error, verb, resource, server);
    });
    const readJob = () => call('get', `jobs/${name} in namespace ${namespace}`, async () => {
        try {
            return await api.request('GET', `${jobsPath}/${encodeURIComponent(name)}`);
        }
        catch (error) {
            if (statusCode(error) === 404)
                return undefined;
            throw error;
        }
    });
    const follow = `kubectl -n ${namespace} get job ${name} -w   /   kubectl -n ${namespace} logs -f job/${name}`;
    const listPods = async () => existing === undefined
        ? []
        : (await call('list', `pods of jobs/${name} in namespace ${namespace}`, () => api.request('GET', podsPath, { query: { labelSelector: `batch.kubernetes.io/job-name=${name}` } }))).items;
    let existing = await readJob();
    let decision = decide(existing, { name, namespace, release: plan.release, tag: plan.tag, image, rerunFailed: values.rerunFailed }, await listPods());
    runner/* info */.pq(decision.action === 'create' ? `No Job ${name} yet: it will be created` : decision.message);
    if (decision.action === 'refuse')
        throw new errors/* ActionError */.lZ(`Migration not run: ${decision.message}`, { check: decision.check });
    if (decision.action === 'already-complete') {
        return { status: 'already-complete', exitCode: 0, jobName: name, detail: decision.message, rows: [['namespace', namespace]] };
    }
    await checkEnvSources(api, namespace, plan, call);
    if (plan.dryRun) {
        const yaml = await (0,src_manifest/* toYaml */.fE)(manifest);
        const what = decision.action === 'attach'
            ? `follow the running Job ${namespace}/${name}`
            : `${decision.action === 'recreate' ? 'delete the failed Job and ' : ''}create this Job in ${namespace} and watch it`;
        runner/* info */.pq(`[dry-run] would ${what}:\n${yaml}`);
        return { status: 'planned', jobName: name, detail: `would ${what}`, rows: [['namespace', namespace]] };
    }
    // Counted from the start of the step (main.ts): what came before the Job (the digest, the kubeconfig,
    // the checks) is part of the same timeout, so no wait of this step outlives it.
    const deadline = step.at;
    if (decision.action === 'recreate' || decision.action === 'wait-deleted') {
        if (decision.action === 'recreate') {
            await call('delete', `jobs/${name} in namespace ${namespace}`, () => deleteJob(api, jobsPath, name, 'Foreground'));
            runner/* info */.pq(`Deleted the failed Job ${name}; waiting until it is gone`);
        }
        await waitGone(readJob, Math.min(deadline, Date.now() + 120_000), name);
        decision = { action: 'create' };
    }
    if (signal.aborted)
        return {
            status: 'cancelled',
            jobName: name,
            detail: `the workflow run was cancelled before the Job was created; nothing runs`,
            rows: [['namespace', namespace]],
        };
    if (decision.action === 'create') {
        try {
            await (0,retry/* retry */.L5)(() => api.request('POST', jobsPath, { body: manifest }), {
                label: `create jobs/${name}`,
                classify: kubeRetryability,
                attempts: 5,
                maxElapsedMs: 60_000,
            });
            runner/* info */.pq(`Created Job ${namespace}/${name}`);
        }
        catch (error) {
            if (statusCode(error) !== 409)
                throw kubeError(error, 'create', `jobs in namespace ${namespace}`, server);
            // Created meanwhile (a concurrent run, or our own create that timed out but went through): decide again.
            existing = await readJob();
            const again = decide(existing, { name, namespace, release: plan.release, tag: plan.tag, image, rerunFailed: false }, await listPods());
            if (again.action === 'refuse')
                throw new errors/* ActionError */.lZ(`Migration not run: ${again.message}`, { check: again.check });
            if (again.action === 'already-complete')
                return { status: 'already-complete', exitCode: 0, jobName: name, detail: again.message };
            if ('message' in again)
                runner/* info */.pq(again.message);
        }
    }
    const sink = (0,logsink/* openLog */.N)(logFile);
    const cancelNotice = () => runner/* info */.pq(`The Job ${namespace}/${name} is left running: a migration must not be stopped half-way. Follow it with: ${follow}. A re-run of this step attaches to it (or reports its result) instead of starting another.`);
    const outcome = await watchJob({
        api,
        namespace,
        name,
        deadline,
        sink,
        values,
        timeoutText: (0,parse/* formatDuration */.a3)(plan.timeoutMs),
        server,
        signal,
        onCancel: cancelNotice,
    });
    sink.end();
    const rows = [
        ['namespace', namespace],
        ['pod', outcome.verdict?.state !== undefined && 'pod' in outcome.verdict && outcome.verdict.pod ? outcome.verdict.pod : '—'],
    ];
    let result;
    if (outcome.cancelled) {
        result = {
            status: 'cancelled',
            jobName: name,
            detail: `the workflow run was cancelled; the Job ${namespace}/${name} was left running (a migration must not be stopped half-way)`,
            check: [`follow it: ${follow}`, 'a re-run of this step attaches to it instead of starting another'],
        };
    }
    else if (outcome.timedOut || !outcome.verdict) {
        result = {
            status: 'timed-out',
            jobName: name,
            detail: `the Job did not finish within ${(0,parse/* formatDuration */.a3)(plan.timeoutMs)} plus ${(0,parse/* formatDuration */.a3)((0,src_plan/* waitGraceMs */.e8)(plan.timeoutMs))}; it was NOT deleted and may still be running`,
            check: [`follow it: ${follow}`, 'a re-run of this step attaches to it instead of starting another'],
        };
    }
    else if (outcome.verdict.state === 'succeeded') {
        result = { status: 'succeeded', exitCode: 0, jobName: name, detail: `Job ${name} completed` };
    }
    else if (outcome.verdict.state === 'failed') {
        const v = outcome.verdict;
        result = { status: 'failed', exitCode: v.exitCode, jobName: name, detail: v.message, check: hintsFor(v, namespace, name) };
    }
    else {
        result = { status: 'timed-out', jobName: name, detail: 'the wait ended before the Job finished', check: [`follow it: ${follow}`] };
    }
    await cleanup(values.cleanup, result.status, () => call('delete', `jobs/${name} in namespace ${namespace}`, () => deleteJob(api, jobsPath, name, 'Background')), name);
    runner/* debug */.Yz(`watch stats: ${JSON.stringify(outcome.stats)}`);
    return { ...result, rows, logFile, tail: sink.lastLines(), stats: outcome.stats };
}
function hintsFor(verdict, namespace, name) {
    switch (verdict.kind) {
        case 'image-pull':
            return [
                'the image reference and digest exist in the registry',
                'the cluster can pull from it (imagePullSecrets on the service account, ECR node role)',
                `then re-run with \`rerun-failed: true\` (the failed Job ${name} stays for inspection until then)`,
            ];
        case 'config':
            return [
                `create the missing object in namespace ${namespace} (or fix \`env-from-secret\` / \`env-from-configmap\`)`,
                'then re-run with `rerun-failed: true`',
            ];
        case 'unschedulable':
            return [
                'the resources the Job requests (`resources`), node selectors and taints',
                'raise `unschedulable-grace` if a cluster autoscaler needs time to add a node',
            ];
        case 'deadline':
            return [
                'raise `timeout` if the migration is legitimately slow; check for locks held in the database',
                'then re-run with `rerun-failed: true`',
            ];
        case 'create-failed':
            return [
                'the service account (`service-account`) exists, quotas and admission policies allow the pod',
                'then re-run with `rerun-failed: true`',
            ];
        default:
            return [
                `the migration's log above (kubectl -n ${namespace} logs job/${name})`,
                'fix the migration, then re-run with `rerun-failed: true`, or release a new tag',
            ];
    }
}
const backend = { name: 'kubernetes', pinsImage: true, run: (context) => runKubernetesJob(context) };


/***/ }),

/***/ 382:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   N: () => (/* binding */ openLog)
/* harmony export */ });
/* unused harmony export LogSink */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_string_decoder__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6193);
/* harmony import */ var node_string_decoder__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_string_decoder__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8643);
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7620);
/* harmony import */ var _deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7638);
/**
 * Where the migration's output goes: the step log as it comes, a log file that outlives the pod/task
 * (Helm hook delete policies and `ttlSecondsAfterFinished` remove the pod and its logs), and the last
 * lines for the step summary.
 *
 * The output is foreign text (a pod's log, a tool's output, CloudWatch events): whoever controls the
 * migration or its database can put anything in it. So it reaches the step log only through core's
 * `foreignLines`: each batch of complete lines between `::stop-commands::<random token>` and
 * `::<token>::`, every line also neutralised (a leading `::`, `##[`, a lone CR that would start a new
 * line for the runner), so no line can add a mask, stop our own commands or fake an annotation. The
 * runner still masks each line.
 */




class LogSink {
    file;
    print;
    keep;
    partial = '';
    tail = [];
    decoder = new node_string_decoder__WEBPACK_IMPORTED_MODULE_2__.StringDecoder('utf8');
    lines = 0;
    constructor(file, print = (lines) => _deploy_kit_core__WEBPACK_IMPORTED_MODULE_3__/* .foreignLines */ .Y0(lines), keep = 30) {
        this.file = file;
        this.print = print;
        this.keep = keep;
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdirSync)((0,node_path__WEBPACK_IMPORTED_MODULE_1__.dirname)(file), { recursive: true });
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.writeFileSync)(file, '');
    }
    /** A chunk of output; complete lines are printed (in one write) and saved, the rest waits for its newline. */
    write(chunk) {
        const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
        const parts = text.split(/\r?\n/);
        this.partial = parts.pop() ?? '';
        this.writeLines(parts);
    }
    /** Flushes a last line without a newline. */
    end() {
        const rest = this.partial + this.decoder.end();
        this.partial = '';
        if (rest !== '')
            this.writeLines([rest]);
    }
    /** Whole lines (CloudWatch events, one per line): saved, kept for the summary, printed in one write. */
    writeLines(raw) {
        if (raw.length === 0)
            return;
        const lines = raw.map((line) => (0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_4__/* .redact */ .E$)(line));
        this.lines += lines.length;
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.appendFileSync)(this.file, lines.map((line) => `${line}\n`).join(''));
        this.tail.push(...lines);
        if (this.tail.length > this.keep)
            this.tail.splice(0, this.tail.length - this.keep);
        this.print(lines);
    }
    line(raw) {
        this.writeLines([raw]);
    }
    lastLines() {
        return [...this.tail];
    }
}
/** The migration's log file, created now: a path that cannot be written is a clear error, not a raw EACCES/EISDIR. */
function openLog(file) {
    try {
        return new LogSink(file);
    }
    catch (error) {
        throw new _deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__/* .ActionError */ .lZ(`Could not create the migration's log file ${file}`, {
            why: (0,_deploy_kit_core__WEBPACK_IMPORTED_MODULE_5__/* .errorMessage */ .gJ)(error),
            check: ['`log-file` (or RUNNER_TEMP) is a path the runner can write'],
            cause: error,
        });
    }
}


/***/ }),

/***/ 8989:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   HttpProxyAgent: () => (/* binding */ HttpProxyAgent),
/* harmony export */   HttpsProxyAgent: () => (/* binding */ HttpsProxyAgent),
/* harmony export */   PROXY_VARIABLES: () => (/* reexport safe */ _proxy_env_js__WEBPACK_IMPORTED_MODULE_5__.b),
/* harmony export */   agentFor: () => (/* binding */ agentFor),
/* harmony export */   bypassesProxy: () => (/* binding */ bypassesProxy),
/* harmony export */   describeProxy: () => (/* binding */ describeProxy),
/* harmony export */   fetchFor: () => (/* binding */ fetchFor),
/* harmony export */   parseProxy: () => (/* binding */ parseProxy),
/* harmony export */   proxyAgents: () => (/* binding */ proxyAgents),
/* harmony export */   proxyConfigured: () => (/* reexport safe */ _proxy_env_js__WEBPACK_IMPORTED_MODULE_5__.$),
/* harmony export */   proxyFromEnvironment: () => (/* binding */ proxyFromEnvironment)
/* harmony export */ });
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7067);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_http__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4708);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_https__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7030);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_net__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1692);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_4___default = /*#__PURE__*/__webpack_require__.n(node_tls__WEBPACK_IMPORTED_MODULE_4__);
/* harmony import */ var _runner_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(8643);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(7620);
/* harmony import */ var _proxy_env_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(2239);
/**
 * The one proxy rule of the suite: which outgoing connection goes through which proxy, read from the
 * environment as curl, kubectl and the Go toolchain read it, and the node:http(s) agents and the
 * fetch that follow it. Every client builds its connections here: the AWS SDK clients (aws.ts), the
 * registry client (oci/transport.ts), the GitHub client (github.ts), record-deployment's verify
 * probes, migrate-job's Kubernetes client and its tool download.
 *
 * The rule (Go's golang.org/x/net/http/httpproxy, which kubectl uses): an https:// target uses
 * `HTTPS_PROXY` (else `https_proxy`), an http:// target `HTTP_PROXY` (else `http_proxy`); an empty
 * value is unset. `localhost` and loopback addresses never go through a proxy. `NO_PROXY` (else
 * `no_proxy`) is a comma-separated list of `*`, IP addresses, CIDR blocks and domains (`foo.com`
 * matches it and its subdomains, `.foo.com` and `*.foo.com` only its subdomains), each optionally
 * with `:port`. A proxy without a scheme is `http://`; only http:// proxies are supported, reached
 * with CONNECT (for https:// and http:// targets alike: one tunnel per connection, so the agents keep
 * their keep-alive pools).
 *
 * It stands in for https-proxy-agent + proxy-from-env (and undici's EnvHttpProxyAgent), for measured
 * reasons: Node's global fetch takes no node agent, and giving it undici's dispatcher means bundling
 * undici (6.29.1, 1.7 MB installed; loading it took 147 ms against 31 ms for node:http, https, tls and
 * net, best of three on the shared 2-core machine); proxy-from-env reads neither kubectl's CIDR nor its
 * `:port` entries. So the GitHub client and the verify probes use {@link fetchFor} (node:https under a
 * fetch's shape) when a proxy is set, and the global fetch otherwise. Clients that do not load
 * node:http(s) anyway import this module only when a proxy variable is set (net/proxy-env.ts).
 *
 * TLS through a tunnel uses the agent's own TLS options; without an explicit `ca` Node's default
 * store applies, which includes `NODE_EXTRA_CA_CERTS`, so a private CA works the same through the
 * proxy as without it. A proxy's credentials (user:password in its URL) are registered as secrets
 * and never logged: the log names the proxy by host:port and the variable it came from.
 */









const LOOPBACK = new node_net__WEBPACK_IMPORTED_MODULE_2__.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
function ipFamily(address) {
    const family = (0,node_net__WEBPACK_IMPORTED_MODULE_2__.isIP)(address);
    return family === 4 ? 'ipv4' : family === 6 ? 'ipv6' : undefined;
}
/** True when `host` (a name or an address, IPv6 with or without brackets) on `port` is in NO_PROXY, or is loopback. */
function bypassesProxy(host, port, env = process.env) {
    host = host.replace(/^\[|\]$/g, '').toLowerCase();
    const family = ipFamily(host);
    if (host === 'localhost' || host.endsWith('.localhost') || (family && LOOPBACK.check(host, family)))
        return true;
    for (const raw of (env.NO_PROXY || env.no_proxy || '').split(',')) {
        const entry = raw.trim().toLowerCase();
        if (!entry)
            continue;
        if (entry === '*')
            return true;
        if (entry.includes('/')) {
            const [network, bits] = entry.split('/');
            const networkFamily = ipFamily(network);
            if (family && networkFamily === family) {
                const list = new node_net__WEBPACK_IMPORTED_MODULE_2__.BlockList();
                try {
                    list.addSubnet(network, Number(bits), networkFamily);
                }
                catch {
                    continue; // a malformed CIDR matches nothing, as in Go
                }
                if (list.check(host, family))
                    return true;
            }
            continue;
        }
        // host, host:port, [v6]:port, or a bare IPv6 address
        const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
        // eslint-disable-next-line prefer-const -- the host is narrowed below, the port is not
        let [entryHost, entryPort] = bracketed ? [bracketed[1], bracketed[2]] : (0,node_net__WEBPACK_IMPORTED_MODULE_2__.isIP)(entry) === 6 ? [entry, undefined] : entry.split(':');
        if (entryPort && entryPort !== port)
            continue;
        if (ipFamily(entryHost)) {
            if (entryHost === host)
                return true;
            continue;
        }
        if (entryHost.startsWith('*.'))
            entryHost = entryHost.slice(1);
        if (entryHost.startsWith('.') ? host.endsWith(entryHost) : host === entryHost || host.endsWith(`.${entryHost}`))
            return true;
    }
    return false;
}
/**
 * The proxy for a request to `target` (an http:// or https:// URL) by the rule above, or undefined
 * to connect directly.
 */
function proxyFromEnvironment(target, env = process.env) {
    const url = typeof target === 'string' ? new URL(target) : target;
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:')
        return undefined;
    const names = secure ? ['HTTPS_PROXY', 'https_proxy'] : ['HTTP_PROXY', 'http_proxy'];
    const source = names.find((name) => (env[name] ?? '').trim() !== '');
    if (!source)
        return undefined;
    if (bypassesProxy(url.hostname, url.port || (secure ? '443' : '80'), env))
        return undefined;
    const value = env[source].trim();
    return { url: /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`, source };
}
/** `proxy.corp:3128 (HTTPS_PROXY)`: the proxy without its credentials, for log lines. */
function describeProxy(setting) {
    let host;
    try {
        host = new URL(setting.url).host;
    }
    catch {
        host = '(not a URL)';
    }
    return `${host} (${setting.source})`;
}
/** A proxy URL the tunnel can use, or the reason it cannot (names the variable, never the credentials). */
function parseProxy(setting) {
    let proxy;
    try {
        proxy = new URL(setting.url);
    }
    catch {
        return { problem: `${setting.source} is not a URL (expected http://host:port)` };
    }
    if (proxy.password) {
        (0,_secrets_js__WEBPACK_IMPORTED_MODULE_6__/* .registerSecret */ .cl)(proxy.password);
        (0,_secrets_js__WEBPACK_IMPORTED_MODULE_6__/* .registerSecret */ .cl)(decodeURIComponent(proxy.password));
    }
    if (proxy.protocol !== 'http:')
        return {
            problem: `${setting.source} uses ${proxy.protocol.replace(':', '')}, which is not supported (expected an http:// proxy, reached with CONNECT)`,
        };
    const auth = proxy.username
        ? `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`
        : undefined;
    return { proxy, auth };
}
/** Each proxy and target named once in the log, when the first connection to it is made. */
const announced = new Set();
function announce(target, setting) {
    const line = `${target} through the proxy ${describeProxy(setting)}`;
    if (announced.has(line))
        return;
    announced.add(line);
    _runner_js__WEBPACK_IMPORTED_MODULE_7__/* .info */ .pq(`Connecting to ${line}.`);
}
class ProxyError extends Error {
    code = 'EPROXY';
}
/**
 * Opens a CONNECT tunnel to host:port through the proxy and hands back the raw socket, or a TLS
 * socket over it when `tls` is given (the target's certificate checked against `host`).
 */
function openTunnel(setting, host, port, tls, callback) {
    const parsed = parseProxy(setting);
    if ('problem' in parsed) {
        callback(new ProxyError(parsed.problem));
        return;
    }
    const { proxy, auth } = parsed;
    const target = `${(0,node_net__WEBPACK_IMPORTED_MODULE_2__.isIP)(host) === 6 ? `[${host}]` : host}:${port}`;
    announce(target, setting);
    let settled = false;
    const done = (error, socket) => {
        if (settled)
            return;
        settled = true;
        callback(error, socket);
    };
    const connect = (0,node_http__WEBPACK_IMPORTED_MODULE_0__.request)({
        host: proxy.hostname.replace(/^\[|\]$/g, ''),
        port: Number(proxy.port || 80),
        method: 'CONNECT',
        path: target,
        headers: { host: target, ...(auth ? { 'proxy-authorization': auth } : {}) },
        agent: false,
    });
    connect.once('connect', (response, socket, head) => {
        if (response.statusCode !== 200) {
            socket.destroy();
            done(new ProxyError(`the proxy ${describeProxy(setting)} refused CONNECT ${target} (HTTP ${response.statusCode})`));
            return;
        }
        if (head.length)
            socket.unshift(head);
        if (!tls) {
            done(null, socket);
            return;
        }
        // `host` is what the certificate is checked against; SNI is only sent for a name, never an IP address.
        const options = { ...tls };
        delete options.path;
        const secured = (0,node_tls__WEBPACK_IMPORTED_MODULE_4__.connect)({ ...options, socket, host, servername: options.servername || ((0,node_net__WEBPACK_IMPORTED_MODULE_2__.isIP)(host) ? undefined : host) });
        secured.once('secureConnect', () => done(null, secured));
        secured.once('error', (error) => done(error));
    });
    connect.once('error', (error) => done(Object.assign(error, { message: `the proxy ${describeProxy(setting)}: ${error.message}` })));
    connect.end();
}
/** Masks the passwords of every proxy variable at once, before any connection could log anything. */
function registerProxySecrets(env) {
    for (const name of _proxy_env_js__WEBPACK_IMPORTED_MODULE_5__/* .PROXY_VARIABLES */ .b) {
        const value = (env[name] ?? '').trim();
        if (!value)
            continue;
        try {
            const password = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`).password;
            if (password) {
                (0,_secrets_js__WEBPACK_IMPORTED_MODULE_6__/* .registerSecret */ .cl)(password);
                (0,_secrets_js__WEBPACK_IMPORTED_MODULE_6__/* .registerSecret */ .cl)(decodeURIComponent(password));
            }
        }
        catch {
            // not a URL: refused, by name, when a connection would use it
        }
    }
}
/**
 * One connection of a proxy agent: through the proxy `fixed` (kubeconfig's proxy-url) or the rule gives
 * for the target, with TLS to the target inside the tunnel for https; else `direct()`, the agent's own.
 */
function connectByRule(scheme, fixed, env, options, callback, direct) {
    const host = String(options.host ?? 'localhost').replace(/^\[|\]$/g, '');
    const port = Number(options.port);
    const setting = fixed ?? proxyFromEnvironment(`${scheme}://${(0,node_net__WEBPACK_IMPORTED_MODULE_2__.isIP)(host) === 6 ? `[${host}]` : host}:${port}`, env);
    if (!setting)
        return direct();
    openTunnel(setting, host, port, scheme === 'https' ? options : undefined, callback);
    return undefined;
}
/**
 * An https agent that decides per connection: through the proxy the rule (or `options.proxy`) gives
 * for the target, else directly, with the agent's TLS options either way.
 */
class HttpsProxyAgent extends node_https__WEBPACK_IMPORTED_MODULE_1__.Agent {
    env;
    fixed;
    constructor(options = {}) {
        const { env, proxy, ...agentOptions } = options;
        super(agentOptions);
        this.env = env ?? process.env;
        this.fixed = proxy;
        registerProxySecrets(this.env);
    }
    createConnection(options, callback) {
        return connectByRule('https', this.fixed, this.env, options, callback, () => super.createConnection(options, callback));
    }
}
/** The http agent counterpart of {@link HttpsProxyAgent} (a CONNECT tunnel, then plain HTTP in it). */
class HttpProxyAgent extends node_http__WEBPACK_IMPORTED_MODULE_0__.Agent {
    env;
    fixed;
    constructor(options = {}) {
        const { env, proxy, ...agentOptions } = options;
        super(agentOptions);
        this.env = env ?? process.env;
        this.fixed = proxy;
        registerProxySecrets(this.env);
    }
    createConnection(options, callback) {
        return connectByRule('http', this.fixed, this.env, options, callback, () => super.createConnection(options, callback));
    }
}
/**
 * The agent for requests to `url` (its scheme picks http or https): it goes through the proxy the
 * rule gives for each connection's target, or directly. `options` are node agent options (`ca`,
 * `keepAlive`, `maxSockets` …); `options.env` replaces process.env.
 */
function agentFor(url, options = {}) {
    const secure = (typeof url === 'string' ? new URL(url) : url).protocol === 'https:';
    return secure ? new HttpsProxyAgent(options) : new HttpProxyAgent(options);
}
/** One http and one https agent that follow the rule: for clients that take both (the AWS SDK's handler). */
function proxyAgents(options = {}) {
    return { httpAgent: new HttpProxyAgent(options), httpsAgent: new HttpsProxyAgent(options) };
}
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 204, 205, 304]);
const MAX_REDIRECTS = 20;
function requestBody(body) {
    if (body === undefined || body === null)
        return undefined;
    if (typeof body === 'string')
        return Buffer.from(body, 'utf8');
    if (body instanceof URLSearchParams)
        return Buffer.from(body.toString(), 'utf8');
    if (body instanceof ArrayBuffer)
        return Buffer.from(body);
    if (ArrayBuffer.isView(body))
        return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    throw new TypeError('this fetch sends string and byte bodies only');
}
/** One exchange over node:http(s) with `agent`, answered as a WHATWG Response (its body streamed). */
function exchange(url, init, agent) {
    const signal = init.signal ?? undefined;
    if (signal?.aborted)
        return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
        const method = (init.method ?? 'GET').toUpperCase();
        const headers = {};
        new Headers(init.headers).forEach((value, name) => (headers[name] = value));
        const secure = url.protocol === 'https:';
        const request = (secure ? node_https__WEBPACK_IMPORTED_MODULE_1__.request : node_http__WEBPACK_IMPORTED_MODULE_0__.request)(url, { method, headers, agent }, (message) => {
            const status = message.statusCode ?? 0;
            const responseHeaders = new Headers();
            for (let i = 0; i < message.rawHeaders.length; i += 2)
                responseHeaders.append(message.rawHeaders[i], message.rawHeaders[i + 1]);
            const noBody = method === 'HEAD' || NULL_BODY.has(status);
            if (noBody)
                message.resume();
            signal?.addEventListener('abort', () => message.destroy(signal.reason), { once: true });
            const response = new Response(noBody ? null : node_stream__WEBPACK_IMPORTED_MODULE_3__.Readable.toWeb(message), {
                status,
                statusText: message.statusMessage,
                headers: responseHeaders,
            });
            Object.defineProperty(response, 'url', { value: url.href });
            resolve(response);
        });
        const onAbort = () => {
            request.destroy();
            reject(signal.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        request.once('close', () => signal?.removeEventListener('abort', onAbort));
        // As fetch fails: a TypeError whose cause is the network error.
        request.once('error', (error) => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error })));
        request.end(requestBody(init.body));
    });
}
/**
 * A fetch that follows the rule: a request whose target the rule sends through a proxy goes over
 * node:http(s) with a proxy agent (global fetch cannot take a node agent), any other through
 * `fallback` (the global fetch). Redirects (`redirect: 'follow'`, the default) are followed here, hop
 * by hop, each hop deciding again. Without any proxy variable set it is `fallback` itself. String
 * and byte request bodies only (what the suite sends).
 */
function fetchFor(env = process.env, fallback = globalThis.fetch) {
    if (!(0,_proxy_env_js__WEBPACK_IMPORTED_MODULE_5__/* .proxyConfigured */ .$)(env))
        return fallback;
    const agents = proxyAgents({ env, keepAlive: true });
    const proxied = async (input, init = {}) => {
        let url = new URL(input instanceof Request ? input.url : String(input));
        let method = (init.method ?? 'GET').toUpperCase();
        let body = init.body;
        const follow = (init.redirect ?? 'follow') === 'follow';
        for (let hops = 0;; hops++) {
            const hop = { ...init, method, body, redirect: 'manual' };
            const response = proxyFromEnvironment(url, env)
                ? await exchange(url, hop, url.protocol === 'https:' ? agents.httpsAgent : agents.httpAgent)
                : await fallback(url, hop);
            const location = response.headers.get('location');
            if (!follow || !REDIRECTS.has(response.status) || location === null)
                return response;
            if (hops >= MAX_REDIRECTS)
                throw new TypeError('fetch failed', { cause: new Error('redirect count exceeded') });
            await response.body?.cancel().catch(() => undefined);
            if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
                method = 'GET';
                body = undefined;
            }
            url = new URL(location, url);
        }
    };
    return proxied;
}


/***/ })

};
