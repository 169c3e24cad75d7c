import { ApiError } from '../../lib/api';
import { messageOf } from '../../lib/format';
import { batchFieldOf } from './BatchFields';
import { InputError } from './batch-input';

/**
 * Messages by form field for a refused submission: the form's own check (InputError), or the API's 400 whose
 * details name each field by its path; the path stays in the message (`items.1.render.fps: ...`), so the row is
 * known. `known` maps further API paths (a schedule's `cron`) to their own controls.
 */
export function errorsOf(err: unknown, known: (path: string) => string | undefined = () => undefined): Record<string, string> {
  if (err instanceof InputError) return { [err.field]: err.message };
  if (err instanceof ApiError && err.issues.length) {
    const out: Record<string, string> = {};
    for (const issue of err.issues) {
      const key = known(issue.field) ?? batchFieldOf(issue.field);
      const message = `${issue.field}: ${issue.message}`;
      out[key] = out[key] ? `${out[key]}; ${message}` : message;
    }
    return out;
  }
  return { '': messageOf(err) };
}
