/**
 * What an API failure means for the step: whether it is worth another try (kubeRetryability: 429 and
 * 5xx are, refusals and our own credentials failing are not), whether it ends a watch for good, and
 * how to say it to the user (kubeError: unreachable, unauthorised, forbidden naming the RBAC verb and
 * resource, or the step's deadline).
 */
import { ActionError, classifyError, errorMessage, type Retryability } from '@deploy-kit/core';
import { DeadlineError, statusMessage } from './kubeapi.js';
import { KubeconfigError, kubeconfigFailure } from './kubeconfig.js';

interface ApiErrorLike {
  code?: unknown;
  body?: unknown;
  message?: string;
}

export function statusCode(error: unknown): number | undefined {
  const code = (error as ApiErrorLike)?.code;
  if (typeof code === 'number') return code;
  const statusCode = (error as { statusCode?: unknown })?.statusCode;
  return typeof statusCode === 'number' ? statusCode : undefined;
}

export function apiMessage(error: unknown): string {
  const body = (error as ApiErrorLike)?.body;
  return (typeof body === 'string' ? statusMessage(body) : undefined) || errorMessage(error);
}

/** Our own credentials failed (an exec plugin, an unreadable token file): not the network's fault, and no retry helps. */
export function isCredentialFailure(error: unknown): boolean {
  return error instanceof ActionError || error instanceof KubeconfigError;
}

/** What ends a watch for good: a refusal (401, 403), our own credentials failing, or the step's deadline. */
export function endsWatch(error: unknown): boolean {
  const status = statusCode(error);
  return status === 401 || status === 403 || isCredentialFailure(error) || error instanceof DeadlineError;
}

export function kubeRetryability(error: unknown): Retryability {
  if (isCredentialFailure(error)) return { retryable: false, reason: (error as Error).name };
  if (error instanceof DeadlineError) return { retryable: false, reason: "the step's timeout ran out" };
  const status = statusCode(error);
  if (status !== undefined) {
    // classifyError adds the server's Retry-After (the API server sends one with 429 and some 503s).
    if (status === 429 || status >= 500) return { ...classifyError(error), retryable: true, reason: `HTTP ${status}` };
    return { retryable: false, reason: `HTTP ${status}` };
  }
  return classifyError(error);
}

/** An API failure as the user's problem: unreachable, unauthorised, forbidden (naming verb and resource), or other. */
export function kubeError(error: unknown, verb: string, resource: string, server: string): ActionError {
  if (error instanceof ActionError) return error;
  if (error instanceof KubeconfigError) return kubeconfigFailure('the kubeconfig', error.message);
  if (error instanceof DeadlineError) {
    return new ActionError(
      `No answer from the Kubernetes API server at ${server} to ${verb} ${resource} before the step's timeout ran out`,
      {
        why: error.message,
        check: [
          'the API server is up and answering (a server that accepts connections but does not answer, an overloaded control plane)',
          "the runner's route to the cluster (VPN, private endpoint, proxy)",
          'raise `timeout` if the cluster is legitimately slow',
        ],
        cause: error,
      },
    );
  }
  const status = statusCode(error);
  const message = apiMessage(error);
  if (status === 401) {
    return new ActionError(`The Kubernetes API server at ${server} refused the credentials (401 Unauthorized) to ${verb} ${resource}`, {
      why: message,
      check: [
        "the kubeconfig's user token or client certificate is valid and not expired",
        'for EKS/GKE/AKS, the exec credential plugin is installed and the cloud login step ran before this one',
      ],
      cause: error,
    });
  }
  if (status === 403) {
    return new ActionError(`Not allowed to ${verb} ${resource} (403 Forbidden)`, {
      why: message,
      check: [
        `grant the identity in the kubeconfig the RBAC verb "${verb}" on ${resource}`,
        'migrate-job needs: jobs (batch) get, list, watch, create, delete; pods get, list, watch; pods/log get; events list, watch',
      ],
      cause: error,
    });
  }
  if (status !== undefined) {
    return new ActionError(`Kubernetes refused to ${verb} ${resource} (HTTP ${status})`, { why: message, cause: error });
  }
  return new ActionError(`Cannot reach the Kubernetes API server at ${server} to ${verb} ${resource}`, {
    why: errorMessage(error),
    check: [
      "the kubeconfig's server address and the `context` input",
      'the runner can reach the cluster (VPN, private endpoint, firewall)',
      'the cluster is up',
    ],
    cause: error,
  });
}
