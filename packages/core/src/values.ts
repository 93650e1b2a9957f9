/**
 * Reading values of unknown shape: a JSON document (the event payload, an API answer) or a thrown
 * value (an SDK's error, fetch's `cause` chain), without assuming its type.
 */

/** Whether `value` is a JSON object (not null, not an array): a mapping whose keys can be read. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value at `path` in `document`, or undefined where the path leads nowhere. */
export function valueAt(document: unknown, ...path: string[]): unknown {
  let node = document;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The HTTP status an error carries as a number in `status` (Octokit's RequestError, fetch-style errors), or undefined. */
export function httpStatus(error: unknown): number | undefined {
  const status = valueAt(error, 'status');
  return typeof status === 'number' ? status : undefined;
}

/** How deep {@link causes} looks: fetch → undici → the socket's error is three. */
const MAX_CAUSES = 5;

/**
 * A thrown value and what caused it, outermost first (at most five): each `cause`, or where there is
 * none, an AggregateError's first error (a connection refused on every address of a host).
 */
export function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && current !== null && chain.length < MAX_CAUSES;) {
    chain.push(current);
    const inner = valueAt(current, 'errors');
    current = valueAt(current, 'cause') ?? (Array.isArray(inner) ? inner[0] : undefined);
  }
  return chain;
}
