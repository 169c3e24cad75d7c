import { z } from 'zod';
import type { FieldIssue } from './validation';

/** Where, under DATA_DIR (shared by the API and the workers), a worker publishes the voices it has at boot. */
export const VOICE_CATALOG_FILE = 'voices.json';

export const VoiceSchema = z.strictObject({
  id: z.string().describe('The value of voice.name'),
  language: z.string().describe('BCP-47-like language tag'),
  description: z.string(),
  aliases: z.array(z.string()).optional().describe('Other names voice.name may use for this voice (espeak-ng: its file name, its other language tags, its name)'),
});

export const VoiceCatalogSchema = z.strictObject({
  providers: z.array(
    z.strictObject({
      name: z.string().describe('The value of voice.provider'),
      voices: z.array(VoiceSchema),
      complete: z.boolean().describe('true: voices lists every voice.name this provider accepts; false: its server decides (an OpenAI-compatible TTS_BASE_URL)'),
    }),
  ),
  publishedAt: z.string().describe('When a worker published this list (ISO-8601)'),
});

export type Voice = z.output<typeof VoiceSchema>;
export type VoiceCatalog = z.output<typeof VoiceCatalogSchema>;

/**
 * The 422 issue for a `voice.name` the catalog shows to be absent, else undefined. espeak-ng names may carry a
 * `+variant` (`en-us+f3`): the voice before the `+` is checked, case-insensitively, as espeak-ng looks it up.
 * A provider missing from the catalog, or not `complete`, is not judged here.
 */
export function voiceNameIssue(catalog: VoiceCatalog, voice: { provider: string; name?: string }): FieldIssue | undefined {
  if (voice.name === undefined) return undefined;
  const provider = catalog.providers.find((p) => p.name === voice.provider);
  if (!provider?.complete) return undefined;
  const base = voice.provider === 'espeak' ? voice.name.split('+')[0]!.toLowerCase() : voice.name;
  const names = (v: Voice) => [v.id, ...(v.aliases ?? [])];
  const known = provider.voices.some((v) => names(v).some((n) => (voice.provider === 'espeak' ? n.toLowerCase() === base : n === base)));
  if (known) return undefined;
  const examples = provider.voices.slice(0, 8).map((v) => v.id).join(', ');
  return { field: 'voice.name', message: `${voice.provider} has no voice "${voice.name}" (GET /api/voices lists them${examples ? `, e.g. ${examples}` : ''})` };
}
