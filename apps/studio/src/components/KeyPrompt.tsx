import { useState } from 'preact/hooks';
import { apiKey, ApiError, client, unwrap } from '../lib/api';

/** Shown when the API answers 401: asks for a key once and keeps it for this tab (sessionStorage). */
export function KeyPrompt({ onDone }: { onDone: () => void }) {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    apiKey.set(key.trim());
    try {
      await unwrap(client.GET('/api/videos', { params: { query: { limit: 1 } } }));
      onDone();
    } catch (err) {
      apiKey.clear();
      setProblem(err instanceof ApiError && err.status === 401 ? 'That key was refused.' : (err as Error).message);
    }
  };
  return (
    <form class="key-prompt" onSubmit={submit} aria-labelledby="key-title">
      <h1 id="key-title">API key</h1>
      <p>This server needs an API key. It is kept only for this tab.</p>
      <label for="api-key">Key</label>
      <input id="api-key" type="password" autoComplete="off" value={key} onInput={(e) => setKey(e.currentTarget.value)} aria-describedby={problem ? 'api-key-error' : undefined} />
      {problem && <p id="api-key-error" class="error" role="alert">{problem}</p>}
      <button type="submit" class="primary" disabled={!key.trim()}>Use key</button>
    </form>
  );
}
