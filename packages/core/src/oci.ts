// The shared layer for container images (`@deploy-kit/core/oci`): references, the `registry` input,
// media types, Docker config files, image-tags' `json` schema and the migration-image choice. Pure or
// file-only modules; the registry client and its HTTP transport, which load node:http(s), are
// `@deploy-kit/core/oci/client` and `@deploy-kit/core/oci/transport`, so an action that only parses
// references loads no network code. Each module is also its own subpath (`@deploy-kit/core/oci/reference`):
// a bundle that needs one module (image-tags, push-artifacts' post step) imports just that one, since
// ncc does not drop the barrel's unused modules (measured: +11 KB in dist/image-tags through the barrel).
export * from './oci/reference.js';
export * from './oci/registry.js';
export * from './oci/media.js';
export * from './oci/network.js';
export * from './oci/docker-config.js';
export * from './oci/image-tags-json.js';
export * from './oci/migration-image.js';
