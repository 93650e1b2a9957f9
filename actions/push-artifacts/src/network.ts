/** AWS network failures described for the user: core's (`@deploy-kit/core/ecr`), shared with the release gate. */
export { awsEndpointDescription, describeAwsNetworkError, type AwsService } from '@deploy-kit/core/ecr';
