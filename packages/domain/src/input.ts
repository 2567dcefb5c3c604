/**
 * Building blocks of every input schema, so that each surface (MCP tools, resources, prompts, the CLI's
 * import, an embedding app) refuses the same things with the same `field: what to fix` messages:
 * - strict objects: an unknown field (a typo such as `size` for `task_size`) is an error naming it and
 *   the known fields, never silently dropped;
 * - lists that say they are lists when given a single string (one message, not zod's two);
 * - text that PostgreSQL can store as sent: a NUL character is refused by the database (it used to
 *   surface as INTERNAL), and a lone UTF-16 surrogate would be replaced by U+FFFD on encoding (silently
 *   storing something else than what was sent).
 */
import { z } from 'zod';

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const hasNul = (value: string): boolean => value.includes('\u0000');
export const isWellFormedText = (value: string): boolean => !LONE_SURROGATE.test(value);

export const NUL_MESSAGE = 'contains a NUL character (\\u0000), which cannot be stored: remove it';
export const SURROGATE_MESSAGE =
  'contains an unpaired UTF-16 surrogate (malformed Unicode), which cannot be stored as sent: send well-formed text';

/** A string without NUL characters or unpaired surrogates; chain trim/min/max as with z.string(). */
export const safeText = (params?: Parameters<typeof z.string>[0]) =>
  z
    .string(params)
    .refine((v) => !hasNul(v), { message: NUL_MESSAGE })
    .refine(isWellFormedText, { message: SURROGATE_MESSAGE });

/**
 * A tool or resource input object that refuses unknown fields. The message of the unknown field is
 * completed with its name by `describeIssues`: `size: unknown field; known fields: queries, scope, ...`.
 */
export function strictInput<S extends z.ZodRawShape>(shape: S) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return `unknown field; known fields: ${known}`;
      if (issue.code === 'invalid_type') return `must be an object with the fields ${known}`;
      return undefined;
    },
  });
}

/** A list of strings whose type error is one sentence with an example, e.g. `["payment retries"]`. */
export const stringList = <T extends z.ZodType<string>>(item: T, example: string) =>
  z.array(item, {
    error: (issue) => (issue.code === 'invalid_type' ? `must be a list of strings, e.g. ${example}` : undefined),
  });
