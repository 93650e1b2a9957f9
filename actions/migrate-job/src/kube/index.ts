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
export { loadKubeConfig, type KubeSelection, type LoadedConfig } from './connect.js';
export { credentialsFor, unsupportedAuthProvider, type Credentials } from './credentials.js';
export { apiMessage, endsWatch, isCredentialFailure, kubeError, kubeRetryability, statusCode } from './errors.js';
export { DeadlineError, KubeApi, KubeApiError, collectionPath, statusMessage, type WatchEvent } from './kubeapi.js';
export { KubeconfigError, kubeconfigFailure, kubeconfigSource, resolveContext, type Kubeconfig, type KubeTarget } from './kubeconfig.js';
export { OidcTokenSource } from './oidc.js';
export { ResourceWatch, type WatchStats } from './watch.js';
