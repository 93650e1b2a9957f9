export const id = 683;
export const ids = [683];
export const modules = {

/***/ 3683:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createEcrApi: () => (/* binding */ createEcrApi)
});

// UNUSED EXPORTS: awsEndpointDescription, decodeAuthorizationToken, describeAwsNetworkError

// EXTERNAL MODULE: ./packages/core/src/errors.ts
var errors = __webpack_require__(7638);
// EXTERNAL MODULE: ./packages/core/src/secrets.ts
var secrets = __webpack_require__(7620);
// EXTERNAL MODULE: ./packages/core/src/aws.ts
var aws = __webpack_require__(2196);
;// CONCATENATED MODULE: ./packages/core/src/oci/media.ts
/**
 * The media types of OCI and Docker image documents, and the one list of manifest types every
 * manifest request asks for (the registry client's `Accept`, ECR's `acceptedMediaTypes`): indexes
 * and manifests of both families, so a multi-platform image is read as its index, never narrowed to
 * one platform's manifest by a registry's content negotiation.
 */
const MEDIA = {
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
};
const INDEX_TYPES = new Set([MEDIA.ociIndex, MEDIA.dockerList]);
const MANIFEST_TYPES = new Set([MEDIA.ociManifest, MEDIA.dockerManifest]);
/** Every manifest type a client accepts, indexes first. */
const MANIFEST_MEDIA_TYPES = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest];
/** {@link MANIFEST_MEDIA_TYPES} as an HTTP `Accept` header. */
const MANIFEST_ACCEPT = MANIFEST_MEDIA_TYPES.join(', ');

;// CONCATENATED MODULE: ./packages/core/src/oci/network.ts
/**
 * Network failures (nothing answered, or not in time) of a registry or its token service, as errors
 * that name the service, the endpoint and what to check, instead of "Unexpected error: connect
 * ECONNREFUSED". Pure functions; push-artifacts' AWS endpoints use {@link networkFailure} too.
 */

const NETWORK_CODES = new Set([
    'ECONNREFUSED',
    'ECONNRESET',
    'ECONNABORTED',
    'ETIMEDOUT',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENETDOWN',
    'EPIPE',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_SOCKET',
    'CERT_HAS_EXPIRED',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'ERR_TLS_CERT_ALTNAME_INVALID',
]);
function field(value, key) {
    return value !== null && typeof value === 'object' ? value[key] : undefined;
}
/**
 * Why the request got no answer (`ECONNREFUSED`, `ENOTFOUND`, `timed out`, a TLS certificate code …),
 * or undefined when the failure is not a network one (an HTTP answer, a local error).
 */
function networkFailure(error) {
    let current = error;
    for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
        const name = field(current, 'name');
        // AbortSignal.timeout (node's AbortError has it as its cause) and the SDK's request/connection timeouts.
        if (name === 'TimeoutError' || (name === 'AbortError' && /timeout|timed out/i.test((0,errors/* errorMessage */.gJ)(current))))
            return 'timed out';
        const code = field(current, 'code');
        if (typeof code === 'string' && NETWORK_CODES.has(code))
            return code;
        current = field(current, 'cause');
    }
    return undefined;
}
function isCertificateProblem(reason) {
    return /CERT|SIGNED|SIGNATURE/.test(reason);
}
/**
 * `<what> failed: the <service> <host> (<url>) could not be reached (<why>).`, or undefined when the
 * error is not a network failure.
 */
function describeRegistryNetworkError(error, context) {
    if (error instanceof ActionError)
        return undefined; // already explained
    const reason = networkFailure(error);
    if (!reason)
        return undefined;
    return new ActionError(`${context.what} failed: the ${context.service ?? 'registry'} ${context.host} (${context.url}) ${reason === 'timed out' ? 'did not answer in time' : `could not be reached (${reason})`}.`, {
        why: errorMessage(error),
        check: [
            'the registry host in `images` / `registry` is right (host[:port]; `http://` only for loopback)',
            'the runner can reach it: network, firewall, DNS, HTTPS_PROXY / NO_PROXY',
            ...(isCertificateProblem(reason) ? ['the TLS certificate: NODE_EXTRA_CA_CERTS for a private CA'] : []),
        ],
        cause: error,
    });
}

;// CONCATENATED MODULE: ./packages/core/src/ecr.ts
/**
 * ECR through the AWS SDK (loaded on first use): the caller's account, the login token,
 * repositories and images by tag or digest, behind a small interface so the logic that uses it is
 * tested without AWS. push-artifacts pushes and promotes through it; the release gate and the
 * rollback (release-steps) check that recorded images still exist by digest. AWS network failures
 * (nothing answered, or not in time) become errors that name the service, the endpoint and what to
 * check; what counts as a network failure is core's (`./oci`).
 */





const ENDPOINT_PREFIX = { ECR: 'api.ecr', 'ECR PUBLIC': 'api.ecr-public', STS: 'sts', S3: 's3' };
/** The endpoint the SDK uses for `service`, as a user would recognise it in the environment. */
function awsEndpointDescription(service, region, env) {
    const configured = (0,aws/* awsEndpointFromEnv */.eh)(service, env);
    if (configured)
        return configured;
    const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    return `https://${ENDPOINT_PREFIX[service]}.${region}.${suffix} (AWS's ${service} endpoint for ${region})`;
}
/** `<what> failed: the <service> endpoint <endpoint> could not be reached (<why>).` or undefined. */
function describeAwsNetworkError(error, context) {
    if (error instanceof errors/* ActionError */.lZ)
        return undefined; // already explained
    const reason = networkFailure(error);
    if (!reason)
        return undefined;
    const { service } = context;
    const endpoint = awsEndpointDescription(service, context.region, context.env);
    const configured = (0,aws/* awsEndpointFromEnv */.eh)(service, context.env) !== undefined;
    return new errors/* ActionError */.lZ(`${context.what} failed: the ${service} endpoint ${endpoint} ${reason === 'timed out' ? 'did not answer in time' : `could not be reached (${reason})`}.`, {
        why: (0,errors/* errorMessage */.gJ)(error),
        check: [
            configured
                ? `AWS_ENDPOINT_URL_${service.replace(/ /g, '_')} / AWS_ENDPOINT_URL point at a running ${service} endpoint (unset them to use AWS's own)`
                : `the region ${context.region} is right for this account and ${service}`,
            'the runner can reach it: network, firewall, DNS, HTTPS_PROXY / NO_PROXY',
            ...(isCertificateProblem(reason) ? ['the TLS certificate: NODE_EXTRA_CA_CERTS for a private CA'] : []),
        ],
        cause: error,
    });
}
/** Splits ECR's base64 `AWS:<password>` token; the password is masked before anything else. */
function decodeAuthorizationToken(token) {
    (0,secrets/* registerSecret */.cl)(token);
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0)
        throw new errors/* ActionError */.lZ('ECR returned an authorization token that is not `user:password`.', {
            check: 'the AWS endpoint in use is ECR (AWS_ENDPOINT_URL_ECR)',
        });
    const password = decoded.slice(colon + 1);
    (0,secrets/* registerSecret */.cl)(password);
    return { username: decoded.slice(0, colon), password };
}
/**
 * ECR and STS through the AWS SDK (loaded on first use), every call time-limited, retried and
 * explained; a call that gets no answer names the service and its endpoint.
 */
async function createEcrApi(region, options = {}) {
    const ecr = await Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(249)]).then(__webpack_require__.t.bind(__webpack_require__, 8249, 19));
    const config = (0,aws/* awsClientConfig */.rw)({ region, requestTimeoutMs: options.requestTimeoutMs, connectionTimeoutMs: options.connectionTimeoutMs });
    const client = new ecr.ECRClient(config);
    // STS only answers which account the credentials are for, when no registry names it: loaded then
    // (its client is a chunk of its own, a few ms to load on every run that never asks).
    let sts;
    const askAccount = async () => {
        sts ??= Promise.all(/* import() */[__webpack_require__.e(861), __webpack_require__.e(695)]).then(__webpack_require__.t.bind(__webpack_require__, 1695, 19)).then((m) => {
            const stsClient = new m.STSClient(config);
            return async () => (await stsClient.send(new m.GetCallerIdentityCommand({}))).Account;
        });
        return (await sts)();
    };
    const env = options.env ?? process.env;
    const call = async (what, permission, fn) => {
        const service = what.startsWith('STS ') ? 'STS' : 'ECR';
        try {
            return await (0,aws/* awsCall */.uF)(what, fn, options.retry ?? {});
        }
        catch (error) {
            throw (describeAwsNetworkError(error, { what, service, region, env }) ??
                (0,aws/* describeCommonAwsError */.AJ)(error, what, { permission, region }) ??
                error);
        }
    };
    const repo = (r) => ({
        name: r.repositoryName ?? '',
        uri: r.repositoryUri ?? '',
        mutability: r.imageTagMutability ?? 'MUTABLE',
    });
    const api = {
        async callerAccount() {
            const account = await call('STS GetCallerIdentity', 'sts:GetCallerIdentity', askAccount);
            if (!account)
                throw new errors/* ActionError */.lZ('STS GetCallerIdentity returned no account id.');
            return account;
        },
        async login(registryId) {
            const out = await call('ECR GetAuthorizationToken', 'ecr:GetAuthorizationToken', () => client.send(new ecr.GetAuthorizationTokenCommand(registryId ? { registryIds: [registryId] } : {})));
            const data = out.authorizationData?.[0];
            if (!data?.authorizationToken)
                throw new errors/* ActionError */.lZ('ECR GetAuthorizationToken returned no token.');
            const { username, password } = decodeAuthorizationToken(data.authorizationToken);
            return { username, password, proxyEndpoint: data.proxyEndpoint ?? '', expiresAt: data.expiresAt };
        },
        async describeRepository(name, registryId) {
            try {
                const out = await call(`ECR DescribeRepositories ${name}`, 'ecr:DescribeRepositories', () => client.send(new ecr.DescribeRepositoriesCommand({ repositoryNames: [name], registryId })));
                const found = out.repositories?.[0];
                return found ? repo(found) : undefined;
            }
            catch (error) {
                if ((0,aws/* awsErrorName */.ZH)(error) === 'RepositoryNotFoundException')
                    return undefined;
                throw error;
            }
        },
        async createRepository(name, settings, registryId) {
            try {
                const out = await call(`ECR CreateRepository ${name}`, 'ecr:CreateRepository', () => client.send(new ecr.CreateRepositoryCommand({
                    repositoryName: name,
                    registryId,
                    imageTagMutability: settings.mutability,
                    imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
                })));
                return repo(out.repository ?? { repositoryName: name, imageTagMutability: settings.mutability });
            }
            catch (error) {
                if ((0,aws/* awsErrorName */.ZH)(error) === 'RepositoryAlreadyExistsException') {
                    return (await api.describeRepository(name, registryId)) ?? repo({ repositoryName: name });
                }
                throw error;
            }
        },
        async getImage(repository, id, registryId) {
            const out = await call(`ECR BatchGetImage ${repository}:${id.tag ?? id.digest}`, 'ecr:BatchGetImage', () => client.send(new ecr.BatchGetImageCommand({
                repositoryName: repository,
                registryId,
                imageIds: [id.digest ? { imageDigest: id.digest } : { imageTag: id.tag }],
                acceptedMediaTypes: [...MANIFEST_MEDIA_TYPES],
            })));
            const image = out.images?.find((i) => i.imageManifest && i.imageId?.imageDigest);
            if (!image)
                return undefined;
            return { digest: image.imageId.imageDigest, manifest: image.imageManifest, mediaType: image.imageManifestMediaType, tag: id.tag };
        },
        async putImage(repository, image, registryId) {
            await call(`ECR PutImage ${repository}:${image.tag}`, 'ecr:PutImage', () => client.send(new ecr.PutImageCommand({
                repositoryName: repository,
                registryId,
                imageTag: image.tag,
                imageManifest: image.manifest,
                imageManifestMediaType: image.mediaType,
                imageDigest: image.digest,
            })));
        },
    };
    return api;
}


/***/ })

};
