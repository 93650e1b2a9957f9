// A validator for the subset of JSON Schema (OpenAPI 3.0 flavour) that GitHub's OpenAPI description
// uses for the operations the fake serves: $ref, type (incl. arrays of types), nullable, enum, const,
// properties, required, additionalProperties (boolean or schema), items, allOf, anyOf, oneOf,
// min/maxProperties, min/maxItems, min/maxLength, minimum/maximum, pattern, and the formats
// date-time, uri and email (formats only when asked: query strings use GitHub's own search syntax).
//
// validate(schema, value, { resolve, formats }) → array of "path: problem" strings ([] = valid).

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function typeOf(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(type, value) {
  const actual = typeOf(value);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

function show(value) {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/**
 * @param {object} schema
 * @param {unknown} value
 * @param {{ resolve?: (ref: string) => object, formats?: boolean, path?: string }} [options]
 * @returns {string[]}
 */
export function validate(schema, value, options = {}) {
  const errors = [];
  check(schema, value, options.path ?? '$', errors, { resolve: options.resolve, formats: options.formats ?? false, depth: 0 });
  return errors;
}

function deref(schema, ctx) {
  let s = schema;
  let guard = 0;
  while (s && typeof s === 'object' && typeof s.$ref === 'string') {
    if (!ctx.resolve) throw new Error(`schema has $ref ${s.$ref} but no resolver was given`);
    s = ctx.resolve(s.$ref);
    if (++guard > 50) throw new Error(`$ref loop at ${schema.$ref}`);
  }
  return s;
}

function check(schemaIn, value, path, errors, ctx) {
  if (ctx.depth > 200) {
    errors.push(`${path}: schema nesting too deep`);
    return;
  }
  const schema = deref(schemaIn, ctx);
  if (schema === true || schema === undefined || schema === null) return;
  if (schema === false) {
    errors.push(`${path}: no value is allowed here`);
    return;
  }
  const next = { ...ctx, depth: ctx.depth + 1 };

  if (value === null && (schema.nullable === true || (Array.isArray(schema.type) && schema.type.includes('null')))) return;
  if (value === null && Array.isArray(schema.enum) && schema.enum.includes(null)) return;

  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeMatches(t, value))) {
      errors.push(`${path}: expected ${types.join(' or ')}${schema.nullable ? ' or null' : ''}, got ${typeOf(value)} ${show(value)}`);
      return;
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) {
    errors.push(`${path}: ${show(value)} is not one of ${show(schema.enum)}`);
  }
  if ('const' in schema && schema.const !== value) errors.push(`${path}: expected ${show(schema.const)}, got ${show(value)}`);

  if (Array.isArray(schema.allOf)) for (const sub of schema.allOf) check(sub, value, path, errors, next);
  if (Array.isArray(schema.anyOf)) {
    const results = schema.anyOf.map((sub) => {
      const e = [];
      check(sub, value, path, e, next);
      return e;
    });
    if (!results.some((e) => e.length === 0)) {
      const best = results.reduce((a, b) => (b.length < a.length ? b : a));
      errors.push(`${path}: matches none of the ${schema.anyOf.length} anyOf schemas (closest: ${best.slice(0, 3).join('; ')})`);
    }
  }
  if (Array.isArray(schema.oneOf)) {
    const results = schema.oneOf.map((sub) => {
      const e = [];
      check(sub, value, path, e, next);
      return e;
    });
    const passing = results.filter((e) => e.length === 0).length;
    if (passing === 0) {
      const best = results.reduce((a, b) => (b.length < a.length ? b : a));
      errors.push(`${path}: matches none of the ${schema.oneOf.length} oneOf schemas (closest: ${best.slice(0, 3).join('; ')})`);
    } else if (passing > 1) {
      errors.push(`${path}: matches ${passing} of the oneOf schemas; exactly one must match`);
    }
  }

  const actual = typeOf(value);
  if (actual === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${path}: longer than ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
      errors.push(`${path}: ${show(value)} does not match ${schema.pattern}`);
    if (ctx.formats && schema.format === 'date-time' && !DATE_TIME.test(value))
      errors.push(`${path}: ${show(value)} is not an RFC 3339 date-time`);
    if (ctx.formats && schema.format === 'uri') {
      try {
        new URL(value);
      } catch {
        errors.push(`${path}: ${show(value)} is not a URI`);
      }
    }
    if (ctx.formats && schema.format === 'email' && !/^[^@\s]+@[^@\s]+$/.test(value))
      errors.push(`${path}: ${show(value)} is not an email address`);
  }
  if (actual === 'integer' || actual === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: ${value} is below the minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: ${value} is above the maximum ${schema.maximum}`);
  }
  if (actual === 'array') {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.items !== undefined) value.forEach((item, i) => check(schema.items, item, `${path}[${i}]`, errors, next));
  }
  if (actual === 'object') {
    const keys = Object.keys(value);
    if (schema.minProperties !== undefined && keys.length < schema.minProperties)
      errors.push(`${path}: fewer than ${schema.minProperties} properties`);
    if (schema.maxProperties !== undefined && keys.length > schema.maxProperties)
      errors.push(`${path}: ${keys.length} properties, more than the maximum ${schema.maxProperties}`);
    for (const name of schema.required ?? []) if (!(name in value)) errors.push(`${path}: required property "${name}" is missing`);
    const properties = schema.properties ?? {};
    for (const key of keys) {
      if (Object.prototype.hasOwnProperty.call(properties, key)) {
        check(properties[key], value[key], `${path}.${key}`, errors, next);
      } else if (schema.additionalProperties === false) {
        errors.push(`${path}: property "${key}" is not allowed`);
      } else if (schema.additionalProperties !== undefined && schema.additionalProperties !== true) {
        check(schema.additionalProperties, value[key], `${path}.${key}`, errors, next);
      }
    }
  }
}
