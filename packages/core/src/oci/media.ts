/**
 * The media types of OCI and Docker image documents, and the one list of manifest types every
 * manifest request asks for (the registry client's `Accept`, ECR's `acceptedMediaTypes`): indexes
 * and manifests of both families, so a multi-platform image is read as its index, never narrowed to
 * one platform's manifest by a registry's content negotiation.
 */
export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export const INDEX_TYPES: ReadonlySet<string> = new Set<string>([MEDIA.ociIndex, MEDIA.dockerList]);
export const MANIFEST_TYPES: ReadonlySet<string> = new Set<string>([MEDIA.ociManifest, MEDIA.dockerManifest]);

/** Every manifest type a client accepts, indexes first. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest];

/** {@link MANIFEST_MEDIA_TYPES} as an HTTP `Accept` header. */
export const MANIFEST_ACCEPT = MANIFEST_MEDIA_TYPES.join(', ');
