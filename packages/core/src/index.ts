// Heavy clients live behind subpath exports (`@deploy-kit/core/github`, …) so that an action
// importing the core index does not carry their lazily loaded chunks in its bundle.
export * from './errors.js';
export * as runner from './runner.js';
export * from './parse.js';
export * from './inputs.js';
export * from './outputs.js';
export * from './context.js';
export * from './values.js';
export * from './run.js';
export * from './secrets.js';
export * from './retry.js';
export * from './dryrun.js';
export * from './state.js';
export * from './cancel.js';
export * from './version.js';
export * from './glob.js';
export * from './trust.js';
export * from './deployment-record.js';
export * from './ecs-task.js';
export * from './net/proxy-env.js';
