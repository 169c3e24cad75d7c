import { voiceNameIssue, type VoiceCatalog } from './voices';

describe('voiceNameIssue', () => {
  const catalog: VoiceCatalog = {
    publishedAt: '2026-12-02T00:00:00.000Z',
    providers: [
      { name: 'espeak', complete: true, voices: [{ id: 'en-us', language: 'en-us', description: '', aliases: ['en'] }, { id: 'de', language: 'de', description: '' }] },
      { name: 'flite', complete: true, voices: [{ id: 'slt', language: 'en-US', description: '' }] },
      { name: 'openai', complete: false, voices: [{ id: 'af_bella', language: 'mul', description: '' }] },
    ],
  };

  it('accepts known names, espeak-ng names case-insensitively and with a +variant', () => {
    expect(voiceNameIssue(catalog, { provider: 'espeak', name: 'en-US' })).toBeUndefined();
    expect(voiceNameIssue(catalog, { provider: 'espeak', name: 'de+f3' })).toBeUndefined();
    expect(voiceNameIssue(catalog, { provider: 'espeak', name: 'EN' })).toBeUndefined(); // an alias
    expect(voiceNameIssue(catalog, { provider: 'flite', name: 'slt' })).toBeUndefined();
  });

  it('names voice.name for an unknown voice, with examples', () => {
    expect(voiceNameIssue(catalog, { provider: 'espeak', name: 'zz-nope' })).toEqual({
      field: 'voice.name',
      message: 'espeak has no voice "zz-nope" (GET /api/voices lists them, e.g. en-us, de)',
    });
    expect(voiceNameIssue(catalog, { provider: 'flite', name: 'SLT' })?.field).toBe('voice.name');
  });

  it('leaves to the server what it cannot know: no name, an incomplete list, a provider not listed', () => {
    expect(voiceNameIssue(catalog, { provider: 'espeak' })).toBeUndefined();
    expect(voiceNameIssue(catalog, { provider: 'openai', name: 'anything' })).toBeUndefined();
    expect(voiceNameIssue(catalog, { provider: 'festival', name: 'kal_diphone' })).toBeUndefined();
  });
});
