import { useEffect, useState } from 'preact/hooks';
import type { ApiSchemas } from '@vidflow/api-client';
import { client, unwrap } from '../../lib/api';

type Providers = ApiSchemas['Voices']['providers'];
/** The API's Retry-After while no worker has published its voices. */
const VOICES_RETRY_MS = 5000;
export type VoiceProvider = NonNullable<NonNullable<ApiSchemas['VideoRequest']['voice']>['provider']>;

interface Props {
  language: string;
  provider: VoiceProvider;
  name: string;
  onChange: (provider: VoiceProvider, name: string) => void;
  error?: string;
}

/** Voices of `language` first (its primary subtag: "pt" for "pt-BR"), then a voice already chosen, whatever its language. */
export function voicesFor(providers: Providers, language: string, chosen?: { provider: string; name: string }) {
  const primary = language.toLowerCase().split('-')[0] ?? '';
  return providers
    .map((p) => ({
      name: p.name,
      voices: p.voices.filter(
        (v) => v.language.toLowerCase().split('-')[0] === primary || (chosen?.provider === p.name && chosen.name === v.id),
      ),
    }))
    .filter((p) => p.voices.length > 0);
}

/**
 * The voice: the language's default, or one of the voices the workers offer (`GET /api/voices`, grouped by speech
 * provider, those of the form's language). Until a worker has published its voices (503) the select offers only
 * the default and a voice already in the request, and asks again every 5 s.
 */
export function VoiceField({ language, provider, name, onChange, error }: Props) {
  const [providers, setProviders] = useState<Providers>([]);
  useEffect(() => {
    // Until a worker has published (503 with Retry-After: 5), or while the API is unreachable, ask again every 5 s.
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const ask = () =>
      void unwrap(client.GET('/api/voices')).then(
        (v) => !stopped && setProviders(v.providers),
        () => {
          if (!stopped) retry = setTimeout(ask, VOICES_RETRY_MS);
        },
      );
    ask();
    return () => {
      stopped = true;
      clearTimeout(retry);
    };
  }, []);
  const groups = voicesFor(providers, language, { provider, name });
  const value = name ? `${provider}:${name}` : '';
  const known = groups.some((g) => g.name === provider && g.voices.some((v) => v.id === name));
  return (
    <div class="field">
      <label for="voice.name">Voice</label>
      <select id="voice.name" value={value} aria-invalid={error ? true : undefined} aria-describedby={error ? 'voice.name-error' : undefined}
        onChange={(e) => {
          const [p, ...rest] = e.currentTarget.value.split(':');
          onChange((p || 'espeak') as VoiceProvider, rest.join(':'));
        }}>
        <option value="">The language's default voice</option>
        {name && !known && <option value={value}>{name} ({provider})</option>}
        {groups.map((g) => (
          <optgroup key={g.name} label={g.name}>
            {g.voices.map((v) => (
              <option key={v.id} value={`${g.name}:${v.id}`}>{v.description ? `${v.description} (${v.id})` : v.id}</option>
            ))}
          </optgroup>
        ))}
      </select>
      {error && <p id="voice.name-error" class="error" role="alert">{error}</p>}
    </div>
  );
}
