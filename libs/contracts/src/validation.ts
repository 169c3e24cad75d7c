import type { z } from 'zod';

/** One problem with one field, in the shape the REST contract puts in `error.details`. */
export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `render.background.color` or `scenes.2.text`. */
  field: string;
  message: string;
}

export function describeIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join('.') : '(body)';
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.join(', ');
      return { field: issue.path.length ? `${field}.${issue.keys[0]}` : issue.keys[0] ?? field, message: `unknown field(s): ${keys}` };
    }
    return { field, message: issue.message };
  });
}

/** A one-line summary such as `render.height: Too big: expected number to be <=2160`. */
export function summarizeIssues(issues: FieldIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join('; ');
}
