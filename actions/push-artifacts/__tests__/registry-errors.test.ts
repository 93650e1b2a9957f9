// A registry's failures during a push, each worded with what failed, why and what to check.
import { describe, expect, test } from '@jest/globals';
import { ActionError } from '@deploy-kit/core';
import { RegistryError, RegistryTransportError, SourceReadError } from '@deploy-kit/core/oci/client';
import { explainRegistryError } from '../src/registry-errors.js';

const headers = { get: () => null };
const http = (status: number, code = '', message = `PUT manifest v1 on r.example answered HTTP ${status}`) =>
  new RegistryError(message, status, code, headers, 'PUT manifest v1');
const context = { host: 'r.example', url: 'https://r.example' };

describe('explainRegistryError', () => {
  test.each<[string, unknown, typeof context & { withheld?: string }, string, string | RegExp]>([
    [
      '401 to a host that got no login',
      http(401),
      { ...context, withheld: 'r.example is not an ECR registry' },
      'Push to r.example/app failed: the registry wants a login and was sent none (HTTP 401).',
      /r.example is not an ECR registry, so r.example was asked anonymously/,
    ],
    [
      '401 with the login',
      http(401),
      context,
      'Push to r.example/app failed: the registry rejected the login (HTTP 401).',
      /Authentication fails/,
    ],
    [
      'bytes that changed',
      http(400, 'DIGEST_INVALID'),
      context,
      'Push to r.example/app stopped: the registry refused a blob whose bytes do not match its digest (DIGEST_INVALID).',
      /nothing else writes into the image/,
    ],
    ['403', http(403), context, 'Push to r.example/app failed: permission denied (HTTP 403).', /ecr:InitiateLayerUpload/],
    [
      '404 NAME_UNKNOWN',
      http(404, 'NAME_UNKNOWN'),
      context,
      'Push to r.example/app failed: repository app does not exist.',
      /create-repositories: true/,
    ],
    [
      'an immutable tag',
      http(400, 'TAG_INVALID'),
      context,
      "Push to r.example/app refused: a tag already exists and the repository's tags are immutable.",
      /not already released/,
    ],
    [
      'another answer',
      http(500, '', 'HEAD blob on r.example answered HTTP 500'),
      context,
      'Push to r.example/app failed: HEAD blob on r.example answered HTTP 500',
      '',
    ],
    [
      'a file that could not be read',
      new SourceReadError('reading blobs/sha256/ab failed: EIO'),
      context,
      'Push to r.example/app stopped: reading blobs/sha256/ab failed: EIO.',
      /stay in place/,
    ],
    [
      'an unreachable registry',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      context,
      'Push to r.example/app failed: the registry r.example (https://r.example) could not be reached (ECONNREFUSED).',
      /HTTPS_PROXY/,
    ],
    [
      'a plain-http upload location',
      new RegistryTransportError('http://r.example/upload/1', 0, 'r.example is plain http'),
      context,
      'Push to r.example/app stopped: refusing http://r.example/upload/1: r.example is plain http.',
      /https URLs/,
    ],
  ])('%s', (_, error, registry, message, check) => {
    const explained = explainRegistryError(error, registry, 'app') as ActionError;
    expect(explained).toBeInstanceOf(ActionError);
    expect(explained.message).toBe(message);
    expect([explained.why ?? '', ...explained.check].join('\n')).toMatch(check);
  });

  test('anything else is passed on as it is', () => {
    const error = new TypeError('boom');
    expect(explainRegistryError(error, context, 'app')).toBe(error);
  });
});
