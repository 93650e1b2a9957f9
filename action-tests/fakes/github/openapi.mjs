// GitHub's published OpenAPI description (from the @octokit/openapi package) as a contract: finds the
// operation for a method + path (by its path template), and checks path and query parameters,
// request bodies and responses against it with validate.mjs. Also applies the description's
// `x-github-breaking-changes` for the API version a request asks for (X-GitHub-Api-Version).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { validate } from './validate.mjs';

const require = createRequire(import.meta.url);

/** The descriptions the fake can serve: github.com, and GitHub Enterprise Server 3.17 and 3.19 (no run details, 10 dispatch inputs). */
export const DESCRIPTIONS = {
  'api.github.com': 'api.github.com.json',
  'ghes-3.17': 'ghes-3.17.json',
  'ghes-3.19': 'ghes-3.19.json',
};

const cache = new Map();

function packageDir() {
  return dirname(require.resolve('@octokit/openapi/package.json'));
}

export function openapiVersion() {
  return JSON.parse(readFileSync(join(packageDir(), 'package.json'), 'utf8')).version;
}

/** Loads (once per process) and indexes one description. */
export function loadContract(name) {
  if (cache.has(name)) return cache.get(name);
  const file = DESCRIPTIONS[name];
  if (!file) throw new Error(`unknown OpenAPI description "${name}"; known: ${Object.keys(DESCRIPTIONS).join(', ')}`);
  const spec = JSON.parse(readFileSync(join(packageDir(), 'generated', file), 'utf8'));
  const contract = new Contract(name, spec);
  cache.set(name, contract);
  return contract;
}

function escapeRegex(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** RFC 6901 pointer segments. */
function pointer(path) {
  return path
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function clone(value) {
  return value === undefined ? undefined : structuredClone(value);
}

/** JSON Patch (remove/replace/add) or, when `patch` is an object, JSON Merge Patch (null removes). */
export function applyPatch(target, patch) {
  if (Array.isArray(patch)) {
    for (const op of patch) {
      const parts = pointer(op.path);
      const last = parts.pop();
      let node = target;
      for (const p of parts) node = node?.[p];
      if (node === undefined || node === null) continue;
      if (op.op === 'remove') delete node[last];
      else if (op.op === 'replace' || op.op === 'add') node[last] = clone(op.value);
    }
    return target;
  }
  const merge = (t, p) => {
    for (const [k, v] of Object.entries(p)) {
      if (v === null) delete t[k];
      else if (v && typeof v === 'object' && !Array.isArray(v) && t[k] && typeof t[k] === 'object') merge(t[k], v);
      else t[k] = clone(v);
    }
  };
  merge(target, patch);
  return target;
}

export class Contract {
  constructor(name, spec) {
    this.name = name;
    this.spec = spec;
    this.operations = [];
    for (const [template, item] of Object.entries(spec.paths)) {
      const segments = template.split('/').slice(1);
      const names = [];
      const regex = segments
        .map((segment, i) => {
          const m = /^\{([^}]+)\}$/.exec(segment);
          if (!m) {
            // Segments mixing literals and parameters ({owner}.{repo}) are matched with one group each.
            return segment.replace(/\{([^}]+)\}|([^{}]+)/g, (_w, param, literal) => {
              if (param) {
                names.push(param);
                return '([^/]+?)';
              }
              return escapeRegex(literal);
            });
          }
          names.push(m[1]);
          // A trailing `path` or `ref` parameter may hold slashes (contents paths, git refs).
          const greedy = i === segments.length - 1 && (m[1] === 'path' || m[1] === 'ref');
          return greedy ? '(.+)' : '([^/]+)';
        })
        .join('/');
      const literals = segments.filter((s) => !s.includes('{')).length;
      for (const [method, operation] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete', 'head'].includes(method)) continue;
        this.operations.push({
          method: method.toUpperCase(),
          template,
          regex: new RegExp(`^/${regex}$`),
          names,
          literals,
          operation,
          pathItem: item,
        });
      }
    }
    // Most literal segments first, so /actions/runs/{run_id}/jobs beats a template with more parameters.
    this.operations.sort((a, b) => b.literals - a.literals || a.names.length - b.names.length);
  }

  resolve = (ref) => {
    if (!ref.startsWith('#/')) throw new Error(`external $ref ${ref} is not supported`);
    let node = this.spec;
    for (const p of pointer(ref.slice(1))) {
      node = node?.[p];
      if (node === undefined) throw new Error(`$ref ${ref} does not resolve in ${this.name}`);
    }
    return node;
  };

  deref(node) {
    let n = node;
    while (n && typeof n === 'object' && typeof n.$ref === 'string') n = this.resolve(n.$ref);
    return n;
  }

  /** The operation for `method` + `path` (path without query, already without a /api/v3 prefix). */
  match(method, path) {
    for (const op of this.operations) {
      if (op.method !== method) continue;
      const m = op.regex.exec(path);
      if (!m) continue;
      const params = {};
      op.names.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(m[i + 1]);
        } catch {
          params[name] = m[i + 1];
        }
      });
      return { ...op, operationId: op.operation.operationId, params };
    }
    return undefined;
  }

  /** The operation with breaking changes applied for API `version` (e.g. 2026-03-10). */
  versioned(op, version) {
    const changes = op.operation['x-github-breaking-changes'];
    if (!version || !Array.isArray(changes)) return { operation: op.operation, removed: [] };
    const operation = structuredClone(op.operation);
    for (const change of changes) if (change.version <= version) applyPatch(operation, change.patch);
    // Request body properties a version removed: sending them is a contract violation.
    const before = this.deref(op.operation.requestBody)?.content?.['application/json']?.schema?.properties ?? {};
    const after = this.deref(operation.requestBody)?.content?.['application/json']?.schema?.properties ?? {};
    const removed = Object.keys(before).filter((k) => !(k in after));
    return { operation, removed };
  }

  parameters(op) {
    const list = [...(op.pathItem.parameters ?? []), ...(op.operation.parameters ?? [])].map((p) => this.deref(p));
    return list;
  }

  /** Coerces a path or query string to the parameter's schema type before validating it. */
  coerce(raw, schemaIn) {
    const schema = this.deref(schemaIn) ?? {};
    const alternatives = schema.oneOf ?? schema.anyOf;
    if (alternatives) {
      // "123" is both an integer and a string once encoded in a URL: accept it when any branch fits.
      for (const alt of alternatives) {
        const { value } = this.coerce(raw, alt);
        if (validate(alt, value, { resolve: this.resolve }).length === 0) return { value, schema: alt };
      }
      return { value: raw, schema: alternatives[0] };
    }
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) return { value: Number(raw), schema };
    if (type === 'boolean' && (raw === 'true' || raw === 'false')) return { value: raw === 'true', schema };
    if (type === 'array') return { value: raw.split(','), schema };
    return { value: raw, schema };
  }

  /** Problems with a request: path/query parameters and the JSON body. */
  checkRequest(op, { pathParams, query, body, hasBody, contentType, version }) {
    const problems = [];
    const { operation, removed } = this.versioned(op, version);
    const declared = this.parameters({ ...op, operation });
    for (const p of declared.filter((d) => d.in === 'path')) {
      const raw = pathParams[p.name];
      if (raw === undefined) {
        problems.push(`path parameter "${p.name}" is missing`);
        continue;
      }
      const { value, schema } = this.coerce(raw, p.schema);
      for (const e of validate(schema, value, { resolve: this.resolve, path: `path.${p.name}` })) problems.push(e);
    }
    const queryDeclared = new Map(declared.filter((d) => d.in === 'query').map((d) => [d.name, d]));
    for (const [name, values] of Object.entries(query)) {
      const p = queryDeclared.get(name);
      if (!p) {
        problems.push(
          `query parameter "${name}" is not declared for ${op.operationId} (declared: ${[...queryDeclared.keys()].join(', ') || 'none'})`,
        );
        continue;
      }
      for (const raw of values) {
        const { value, schema } = this.coerce(raw, p.schema);
        for (const e of validate(schema, value, { resolve: this.resolve, path: `query.${name}` })) problems.push(e);
      }
    }
    for (const p of queryDeclared.values())
      if (p.required && !(p.name in query)) problems.push(`required query parameter "${p.name}" is missing`);
    const requestBody = this.deref(operation.requestBody);
    const binary = requestBody && !requestBody.content?.['application/json'] ? Object.keys(requestBody.content ?? {}) : undefined;
    if (binary) {
      // A raw upload (release assets: application/octet-stream): any media type, named in Content-Type.
      if (hasBody && !contentType) problems.push(`request has a body but no Content-Type (${op.operationId} takes ${binary.join(', ')})`);
      if (!hasBody && requestBody.required) problems.push('the request body is required but missing');
    } else if (requestBody) {
      const schema = requestBody.content?.['application/json']?.schema;
      if (!hasBody) {
        if (requestBody.required) problems.push('the request body is required but missing');
      } else {
        if (!/^application\/json/i.test(contentType ?? ''))
          problems.push(`request Content-Type is ${contentType ?? '(none)'}, expected application/json`);
        if (body === undefined) problems.push('the request body is not valid JSON');
        else if (schema) {
          for (const e of validate(schema, body, { resolve: this.resolve, path: 'body', formats: true })) problems.push(e);
          for (const key of removed)
            if (body && typeof body === 'object' && key in body) problems.push(`body.${key} was removed in API version ${version}`);
        }
      }
    } else if (hasBody && body !== undefined && !(body && typeof body === 'object' && Object.keys(body).length === 0)) {
      problems.push(`${op.operationId} takes no request body, but one was sent`);
    }
    return problems;
  }

  /** Problems with a response: a declared status and a body that fits its schema. */
  checkResponse(op, { status, body, version, conditional }) {
    const problems = [];
    const { operation } = this.versioned(op, version);
    const responses = operation.responses ?? {};
    let response = responses[String(status)] ?? responses[`${String(status)[0]}XX`];
    response = this.deref(response);
    if (!response) {
      if (status === 304 && conditional) return problems;
      if (status >= 400) {
        // GitHub's errors share one shape; the description lists only some of them per operation.
        for (const e of validate(this.resolve('#/components/schemas/basic-error'), body ?? {}, {
          resolve: this.resolve,
          path: 'response',
          formats: true,
        }))
          problems.push(e);
        return problems;
      }
      problems.push(
        `status ${status} is not a documented response of ${op.operationId} (documented: ${Object.keys(responses).join(', ')})`,
      );
      return problems;
    }
    const schema = response.content?.['application/json']?.schema;
    if (!schema) {
      if (body !== undefined && body !== '') problems.push(`status ${status} of ${op.operationId} has no body, but one was sent`);
      return problems;
    }
    for (const e of validate(schema, body, { resolve: this.resolve, path: 'response', formats: true })) problems.push(e);
    return problems;
  }
}
