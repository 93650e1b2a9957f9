// The GitHub API contract fake: see server.mjs (state and behaviour), openapi.mjs (the contract) and
// validate.mjs (the JSON Schema subset). workflows.mjs has the seed's GitOps workflow files.
export { startGitHubFake } from './server.mjs';
export { loadContract, openapiVersion, applyPatch, DESCRIPTIONS } from './openapi.mjs';
export { validate } from './validate.mjs';
export * from './workflows.mjs';
