export const id = 989;
export const ids = [989];
export const modules = {

/***/ 8989:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   fetchFor: () => (/* binding */ fetchFor)
/* harmony export */ });
/* unused harmony exports bypassesProxy, proxyFromEnvironment, describeProxy, parseProxy, HttpsProxyAgent, HttpProxyAgent, agentFor, proxyAgents */
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
/* harmony import */ var _runner_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8643);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7620);
/* harmony import */ var _proxy_env_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(2239);
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
        (0,_secrets_js__WEBPACK_IMPORTED_MODULE_5__/* .registerSecret */ .cl)(proxy.password);
        (0,_secrets_js__WEBPACK_IMPORTED_MODULE_5__/* .registerSecret */ .cl)(decodeURIComponent(proxy.password));
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
    _runner_js__WEBPACK_IMPORTED_MODULE_6__/* .info */ .pq(`Connecting to ${line}.`);
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
    for (const name of _proxy_env_js__WEBPACK_IMPORTED_MODULE_7__/* .PROXY_VARIABLES */ .b) {
        const value = (env[name] ?? '').trim();
        if (!value)
            continue;
        try {
            const password = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`).password;
            if (password) {
                (0,_secrets_js__WEBPACK_IMPORTED_MODULE_5__/* .registerSecret */ .cl)(password);
                (0,_secrets_js__WEBPACK_IMPORTED_MODULE_5__/* .registerSecret */ .cl)(decodeURIComponent(password));
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
    if (!(0,_proxy_env_js__WEBPACK_IMPORTED_MODULE_7__/* .proxyConfigured */ .$)(env))
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
