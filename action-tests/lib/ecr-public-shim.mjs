// ECR Public's API for the action-tests, as moto's ECR: moto 5.2.1 does not serve ECR Public (its
// server answers an `ecr-public` request with a 500), so this loopback server takes what the AWS SDK's
// ECR Public client sends (JSON 1.1, X-Amz-Target SpencerFrontendService.<Operation>, signed for
// `ecr-public` in us-east-1), forwards GetAuthorizationToken, DescribeRepositories and CreateRepository
// to moto as ECR's own operations (X-Amz-Target AmazonEC2ContainerRegistry_V20150921.<Operation>, the
// credential scope's service `ecr`; moto routes by it and does not check signatures), and answers in
// ECR Public's shapes: GetAuthorizationToken's `authorizationData` is one object (ECR's is a list)
// with the token moto issues. Every request is recorded (operation, signing scope, body), so a test
// sees what the action asked and where.
import { createServer } from 'node:http';

const ECR_TARGET = 'AmazonEC2ContainerRegistry_V20150921';
const PUBLIC_TARGET = 'SpencerFrontendService';

/** Starts the shim in front of moto at `motoUrl`. Returns { url, requests, stop }. */
export async function startEcrPublicShim(motoUrl) {
  const requests = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', async () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const authorization = String(req.headers.authorization ?? '');
      const scope = /Credential=[^/]+\/\d+\/([^,]+)/.exec(authorization)?.[1] ?? '';
      const operation = target.startsWith(`${PUBLIC_TARGET}.`) ? target.slice(PUBLIC_TARGET.length + 1) : '';
      const body = text ? JSON.parse(text) : {};
      requests.push({ operation, scope, body });
      const reply = (status, json) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(json));
      };
      if (!['GetAuthorizationToken', 'DescribeRepositories', 'CreateRepository'].includes(operation))
        return reply(400, { __type: 'UnsupportedOperation', message: `the ECR Public shim does not serve ${target}` });
      try {
        const answer = await fetch(motoUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': `${ECR_TARGET}.${operation}`,
            authorization: authorization.replace(/\/ecr-public\/aws4_request/, '/ecr/aws4_request'),
          },
          body: JSON.stringify(body),
        });
        const json = await answer.json();
        if (answer.ok && operation === 'GetAuthorizationToken') {
          const [first] = json.authorizationData ?? [];
          return reply(200, { authorizationData: { authorizationToken: first.authorizationToken, expiresAt: first.expiresAt } });
        }
        return reply(answer.status, json);
      } catch (error) {
        return reply(500, { __type: 'ShimError', message: String(error) });
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
