/**
 * AWS network failures (nothing answered, or not in time) as errors that name the service, the
 * endpoint and what to check, instead of "Unexpected error: connect ECONNREFUSED". Pure functions;
 * what counts as a network failure, and the registry's wording, are core's (`@deploy-kit/core/oci`).
 */
import { ActionError, errorMessage } from '@deploy-kit/core';
import { awsEndpointFromEnv } from '@deploy-kit/core/aws';
import { isCertificateProblem, networkFailure } from '@deploy-kit/core/oci';

export type AwsService = 'ECR' | 'STS' | 'S3';

/** The endpoint the SDK uses for `service`, as a user would recognise it in the environment. */
export function awsEndpointDescription(service: AwsService, region: string, env: Record<string, string | undefined>): string {
  const configured = awsEndpointFromEnv(service, env);
  if (configured) return configured;
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  const host = service === 'ECR' ? `api.ecr.${region}.${suffix}` : service === 'STS' ? `sts.${region}.${suffix}` : `s3.${region}.${suffix}`;
  return `https://${host} (AWS's ${service} endpoint for ${region})`;
}

/** `<what> failed: the <service> endpoint <endpoint> could not be reached (<why>).` or undefined. */
export function describeAwsNetworkError(
  error: unknown,
  context: { what: string; service: AwsService; region: string; env: Record<string, string | undefined> },
): ActionError | undefined {
  if (error instanceof ActionError) return undefined; // already explained
  const reason = networkFailure(error);
  if (!reason) return undefined;
  const { service } = context;
  const endpoint = awsEndpointDescription(service, context.region, context.env);
  const configured = awsEndpointFromEnv(service, context.env) !== undefined;
  return new ActionError(`${context.what} failed: the ${service} endpoint ${endpoint} ${reason === 'timed out' ? 'did not answer in time' : `could not be reached (${reason})`}.`, {
    why: errorMessage(error),
    check: [
      configured
        ? `AWS_ENDPOINT_URL_${service} / AWS_ENDPOINT_URL point at a running ${service} endpoint (unset them to use AWS's own)`
        : `the region ${context.region} is right for this account and ${service}`,
      'the runner can reach it: network, firewall, DNS, HTTPS_PROXY / NO_PROXY',
      ...(isCertificateProblem(reason) ? ['the TLS certificate: NODE_EXTRA_CA_CERTS for a private CA'] : []),
    ],
    cause: error,
  });
}
