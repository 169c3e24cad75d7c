import { LocalObjectStore } from '@vidflow/activities/object-store';
import { loadConfig } from '@vidflow/config';
import { VOICE_CATALOG_FILE, VoiceCatalogSchema } from '@vidflow/contracts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishVoices } from './publish-voices';

/** The worker asks the installed engines for their voices and publishes them where the API reads them. */
describe('publishVoices (real espeak-ng, flite, festival)', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'vidflow-publish-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every installed engine and writes DATA_DIR/voices.json', async () => {
    const catalog = await publishVoices(loadConfig({ DATA_DIR: dir }, dir), new LocalObjectStore(dir));
    expect(VoiceCatalogSchema.parse(JSON.parse(readFileSync(join(dir, VOICE_CATALOG_FILE), 'utf8')))).toEqual(catalog);
    const byName = Object.fromEntries(catalog.providers.map((p) => [p.name, p]));
    expect(Object.keys(byName)).toEqual(['espeak', 'flite', 'festival']); // no openai without an endpoint
    const espeak = byName.espeak!.voices.map((v) => v.id);
    expect(espeak).toEqual(expect.arrayContaining(['en-us', 'en-gb', 'de', 'cmn']));
    // "en" is espeak-ng's file name of en-gb: accepted by -v, so listed as an alias.
    expect(byName.espeak!.voices.find((v) => v.id === 'en-gb')!.aliases).toContain('en');
    expect(espeak.length).toBeGreaterThan(50);
    expect(byName.flite!.voices.map((v) => v.id)).toEqual(['slt', 'rms', 'awb', 'kal']);
    expect(byName.festival!.voices.map((v) => v.id)).toEqual(['cmu_us_slt_arctic_hts']);
  });

  it('leaves out an engine that is not installed, and lists OpenAI\'s voices with an OpenAI key', async () => {
    const catalog = await publishVoices(loadConfig({ DATA_DIR: dir, FLITE_PATH: '/nonexistent/flite', OPENAI_API_KEY: 'sk-test' }, dir), new LocalObjectStore(dir));
    expect(catalog.providers.map((p) => p.name)).toEqual(['espeak', 'festival', 'openai']);
    expect(catalog.providers[2]).toMatchObject({ complete: true, voices: expect.arrayContaining([expect.objectContaining({ id: 'nova' })]) });
    // Another OpenAI-compatible server (Kokoro-FastAPI) has its own names: only its default is known.
    const kokoro = await publishVoices(loadConfig({ DATA_DIR: dir, TTS_BASE_URL: 'http://127.0.0.1:8880/v1', TTS_VOICE: 'af_bella' }, dir), new LocalObjectStore(dir));
    expect(kokoro.providers.at(-1)).toMatchObject({ name: 'openai', complete: false, voices: [expect.objectContaining({ id: 'af_bella' })] });
  });
});
