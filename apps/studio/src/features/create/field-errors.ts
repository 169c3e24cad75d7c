import type { FieldIssue } from '../../lib/api';

/**
 * The API names the field of each problem with its path in the request (`render.fps`, `scenes.2.text`);
 * the form shows each message next to the control for that path. Issues no control shows are returned
 * under `""` so the form can list them at the top instead of dropping them.
 */
export function mapFieldErrors(issues: FieldIssue[], known: ReadonlySet<string>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    let field = issue.field;
    // A problem inside a control's value (render.background.color) belongs to the nearest known control.
    while (field && !known.has(field)) field = field.includes('.') ? field.slice(0, field.lastIndexOf('.')) : '';
    const key = field || '';
    const message = field ? issue.message : `${issue.field}: ${issue.message}`;
    errors[key] = errors[key] ? `${errors[key]}; ${message}` : message;
  }
  return errors;
}
