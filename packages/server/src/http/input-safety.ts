import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendProblem } from './problem';

/**
 * Text and numbers that cannot hurt, checked once at the boundary for every route (issue 16).
 *
 * - NUL (U+0000): PostgreSQL text cannot hold it (`invalid byte sequence for encoding "UTF8": 0x00`, SQLSTATE
 *   22021), so it used to surface as a 500 from whichever statement met it first.
 * - A lone surrogate (U+D800–U+DFFF not in a high + low pair) is not a Unicode scalar value and has no UTF-8
 *   encoding (Unicode 15, §3.9 D76, D92): the driver would send U+FFFD or fail, so what was stored would not be
 *   what was sent — and a digest or signature over it could never be reproduced.
 * - A non-finite number: JSON has none (RFC 8259 §6), but `JSON.parse` turns an overflowing literal such as
 *   `1e999` into Infinity.
 *
 * Body, query string, path parameters, headers and cookies are all walked, keys as well as values, before any
 * schema or service runs; the answer is a 400 problem+json naming the field, as a schema refusal would.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface UnsafeInput {
  field: string;
  message: string;
}

/** Why a text cannot be accepted, or null when it can. */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain a NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) {
    return 'must be valid Unicode text: it holds an unpaired surrogate (U+D800–U+DFFF)';
  }
  return null;
}

/** A key shown in a field path: unsafe characters escaped, so the answer itself stays valid text. */
function showKey(key: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
  return key.replace(/[\u0000\uD800-\uDFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The first unsafe text or number in a parsed value, with its path (`prefix.a.0.b`, the form schema refusals
 * use), or null when everything is safe. Depth is bounded by the body limit (1 MiB), so recursion is safe.
 */
export function findUnsafeInput(value: unknown, prefix: string): UnsafeInput | null {
  if (typeof value === 'string') {
    const message = textProblem(value);
    return message ? { field: prefix, message } : null;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? null : { field: prefix, message: 'must be a finite number' };
  }
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return null;
  const entries = Array.isArray(value) ? value.entries() : Object.entries(value);
  for (const [key, item] of entries) {
    const path = `${prefix}.${showKey(String(key))}`;
    if (typeof key === 'string') {
      const message = textProblem(key);
      if (message) return { field: path, message: `key ${message}` };
    }
    const found = findUnsafeInput(item, path);
    if (found) return found;
  }
  return null;
}

function refuse(request: FastifyRequest, reply: Parameters<typeof sendProblem>[0], found: UnsafeInput) {
  return sendProblem(reply, request, {
    type: 'https://cgtlink.dev/problems/invalid-input',
    title: 'Invalid input',
    status: 400,
    detail: `${found.field}: ${found.message}`,
    errors: [found],
  });
}

/**
 * Installs the check. Headers, cookies, path parameters and query string are checked on request, before
 * authentication reads the cookie or token; the body once it is parsed, before validation. Registered before
 * the authentication hook so that order holds.
 */
export function installInputSafety(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const found =
      findUnsafeInput(request.headers, 'headers') ??
      findUnsafeInput(request.cookies, 'headers.cookie') ??
      findUnsafeInput(request.params, 'params') ??
      findUnsafeInput(request.query, 'querystring');
    if (found) return refuse(request, reply, found);
  });
  app.addHook('preValidation', async (request, reply) => {
    const found = findUnsafeInput(request.body, 'body');
    if (found) return refuse(request, reply, found);
  });
}
