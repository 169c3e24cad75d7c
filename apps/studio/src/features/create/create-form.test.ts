import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPTIONS, fromCaptions, toCaptions } from './CaptionFields';
import { fromRequest, presetForm, toRequest } from './CreatePage';
import { voicesFor } from './VoiceField';

describe('the Create form as a request', () => {
  const base = presetForm({ script: 'Hello there.' });

  it('sends only the caption fields the form sets, so the rest take the preset', () => {
    expect(toCaptions(DEFAULT_CAPTIONS)).toEqual({ enabled: true, preset: 'bold' });
    expect(toCaptions({ ...DEFAULT_CAPTIONS, preset: 'karaoke', mode: 'word', position: 'top', size: '64', highlightColor: '#ff0000', uppercase: true })).toEqual({
      enabled: true, preset: 'karaoke', mode: 'word', position: 'top', size: 64, highlightColor: '#ff0000', uppercase: true,
    });
    expect(toCaptions({ ...DEFAULT_CAPTIONS, enabled: false, preset: 'boxed' })).toEqual({ enabled: false });
  });

  it('round-trips a request through the form ("edit and make again")', () => {
    const request = toRequest({ ...base, provider: 'flite', voice: 'slt', captions: { ...DEFAULT_CAPTIONS, preset: 'clean', font: 'Noto Serif' }, music: 'media:med-1' });
    expect(request).toMatchObject({ voice: { provider: 'flite', name: 'slt' }, render: { captions: { preset: 'clean', font: 'Noto Serif' }, music: { source: 'media:med-1' } } });
    expect(toRequest(fromRequest(request))).toEqual(request);
    expect(fromCaptions(request.render?.captions)).toMatchObject({ preset: 'clean', font: 'Noto Serif', size: '' });
  });

  it('asks for Ken Burns motion only on an image background, and a fade only when its length is set', () => {
    const moving = toRequest({ ...base, background: 'media:med-3', backgroundKind: 'image', motion: true, fade: '0.6' });
    expect(moving.render?.background).toEqual({ image: 'media:med-3', motion: 'kenburns' });
    expect(moving.render?.transition).toEqual({ type: 'fade', seconds: 0.6 });
    expect(fromRequest(moving)).toMatchObject({ motion: true, fade: '0.6' });
    expect(toRequest({ ...base, background: '#112233', motion: true }).render?.background).toEqual({ color: '#112233' });
    expect(toRequest(base).render).not.toHaveProperty('transition');
    expect(toRequest(base)).not.toHaveProperty('visuals');
    const stock = toRequest({ ...base, visuals: 'pexels' });
    expect(stock.visuals).toEqual({ provider: 'pexels' });
    expect(fromRequest(stock).visuals).toBe('pexels');
    // A style is sent only with generated images (the API refuses it with stock clips), trimmed, and read back.
    expect(toRequest({ ...base, visuals: 'pexels', visualsStyle: 'ink' }).visuals).toEqual({ provider: 'pexels' });
    const generated = toRequest({ ...base, visuals: 'openai-images', visualsStyle: '  ink wash  ' });
    expect(generated.visuals).toEqual({ provider: 'openai-images', style: 'ink wash' });
    expect(fromRequest(generated)).toMatchObject({ visuals: 'openai-images', visualsStyle: 'ink wash' });
    expect(toRequest({ ...base, visuals: 'openai-images', visualsStyle: ' ' }).visuals).toEqual({ provider: 'openai-images' });
  });

  it('puts a library item in the background slot of its kind (media:<id> has no extension)', () => {
    expect(toRequest({ ...base, background: 'media:med-2', backgroundKind: 'video' }).render?.background).toEqual({ video: 'media:med-2' });
    expect(toRequest({ ...base, background: 'media:med-3', backgroundKind: 'image' }).render?.background).toEqual({ image: 'media:med-3' });
    expect(toRequest({ ...base, background: 'https://x.test/a.webm' }).render?.background).toEqual({ video: 'https://x.test/a.webm' });
    expect(toRequest({ ...base, background: '#112233' }).render?.background).toEqual({ color: '#112233' });
    expect(fromRequest(toRequest({ ...base, background: 'media:med-2', backgroundKind: 'video' })).backgroundKind).toBe('video');
  });

  it('opens presets saved before caption styles (captions: true|false)', () => {
    expect(presetForm({ script: 'x', captions: false } as never).captions).toEqual({ ...DEFAULT_CAPTIONS, enabled: false });
    expect(presetForm({ script: 'x', captions: true } as never).captions).toEqual(DEFAULT_CAPTIONS);
  });
});

describe('voicesFor', () => {
  const providers = [
    { name: 'espeak', complete: true, voices: [{ id: 'en-us', language: 'en-US', description: 'English (America)' }, { id: 'de', language: 'de', description: 'German' }] },
    { name: 'flite', complete: true, voices: [{ id: 'slt', language: 'en-US', description: 'US female' }] },
    { name: 'festival', complete: true, voices: [] },
  ];

  it("offers the voices of the form's language (by primary subtag), grouped by provider, none of an empty provider", () => {
    expect(voicesFor(providers, 'en').map((p) => [p.name, p.voices.map((v) => v.id)])).toEqual([['espeak', ['en-us']], ['flite', ['slt']]]);
    expect(voicesFor(providers, 'de-AT').map((p) => p.name)).toEqual(['espeak']);
  });

  it('keeps the voice already chosen, whatever its language', () => {
    expect(voicesFor(providers, 'fr', { provider: 'espeak', name: 'de' })).toEqual([{ name: 'espeak', voices: [providers[0]!.voices[1]] }]);
  });
});
