/**
 * The kubeconfig (the `kubeconfig` input, KUBECONFIG, ~/.kube/config or in-cluster) resolved to an API
 * client for one context, its credentials prepared before the first request: an exec plugin that is
 * missing or fails, or an oidc refresh that is refused, is reported as itself, not as a 401.
 */
import { ActionError } from '@deploy-kit/core';
import { credentialsFor } from './credentials.js';
import { KubeApi } from './kubeapi.js';
import { KubeconfigError, kubeconfigFailure, kubeconfigSource, resolveContext } from './kubeconfig.js';

/** What selects the cluster: the action's `kubeconfig`, `context` and `namespace` inputs. */
export interface KubeSelection {
  kubeconfig: string;
  context: string;
  namespace: string;
}

export interface LoadedConfig {
  api: KubeApi;
  server: string;
  namespace: string;
  context: string;
  /** How the user authenticates ("token", "exec plugin aws", ...), for the log. */
  auth: string;
  /** The proxy in between, as "host:port (HTTPS_PROXY)" (never its credentials). */
  proxy?: string;
}

/** The kubeconfig (input, KUBECONFIG, ~/.kube/config or in-cluster) resolved to an API client for one context. */
export async function loadKubeConfig(
  values: KubeSelection,
  env: Record<string, string | undefined> = process.env,
  inClusterDir?: string,
  deadline?: AbortSignal,
): Promise<LoadedConfig> {
  const source = kubeconfigSource(values.kubeconfig, env, inClusterDir);
  try {
    const config = await source.load();
    if (values.context && !config.contexts.some((c) => c.name === values.context)) {
      throw new ActionError(`The kubeconfig has no context "${values.context}" (input "context")`, {
        check: [`its contexts: ${config.contexts.map((c) => c.name).join(', ') || 'none'}`],
      });
    }
    const target = resolveContext(config, values.context);
    const credentials = await credentialsFor(target, env as NodeJS.ProcessEnv, { deadline });
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
  } catch (error) {
    if (error instanceof KubeconfigError) throw kubeconfigFailure(source.label, error.message);
    throw error;
  }
}
