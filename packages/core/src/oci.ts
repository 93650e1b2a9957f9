// The shared layer for container images (`@deploy-kit/core/oci`): references, the `registry` input,
// media types, Docker config files, image-tags' `json` schema and the migration-image choice. Pure or
// file-only modules; the registry client and its HTTP transport, which load node:http(s), are
// `@deploy-kit/core/oci/client` and `@deploy-kit/core/oci/transport`, so an action that only parses
// references (image-tags) loads no network code.
export * from './oci/reference.js';
export * from './oci/registry.js';
export * from './oci/media.js';
export * from './oci/network.js';
export * from './oci/docker-config.js';
export * from './oci/image-tags-json.js';
export * from './oci/migration-image.js';
