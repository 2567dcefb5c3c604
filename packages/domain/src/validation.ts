import type { z } from 'zod';
import { KaizenError } from './errors.js';

interface Problem {
  field: string;
  message: string;
}

/**
 * One problem per field at fault, the first: zod goes on checking a value of the wrong type (a string
 * has a length, so `queries: "x"` also broke the list's size bounds), and the later messages only
 * mislead. An issue about unknown fields names each of them.
 */
function problems(error: z.ZodError): Problem[] {
  const all = error.issues.flatMap((issue) => {
    const prefix = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...prefix, key].join('.'), message: issue.message }));
    }
    return [{ field: prefix.length ? prefix.join('.') : 'input', message: issue.message }];
  });
  return all.filter((p, i) => all.findIndex((q) => q.field === p.field) === i);
}

/** Formats zod issues as one line per field: "scope: invalid scope: write it as ...". */
export function describeIssues(error: z.ZodError): string {
  return problems(error)
    .map((p) => `${p.field}: ${p.message}`)
    .join('; ');
}

/** Parses input with a domain schema, turning failures into INVALID_INPUT with the fields named. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new KaizenError('INVALID_INPUT', describeIssues(result.error), {
      fields: problems(result.error).map((p) => p.field),
    });
  }
  return result.data;
}
