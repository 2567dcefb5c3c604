import type { z } from 'zod';
import { KaizenError } from './errors.js';

/** Formats zod issues as one line per field: "scope: invalid scope: write it as ...". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.length ? issue.path.join('.') : 'input';
      return `${field}: ${issue.message}`;
    })
    .join('; ');
}

/** Parses input with a domain schema, turning failures into INVALID_INPUT with the fields named. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new KaizenError('INVALID_INPUT', describeIssues(result.error), {
      fields: result.error.issues.map((i) => i.path.join('.')),
    });
  }
  return result.data;
}
