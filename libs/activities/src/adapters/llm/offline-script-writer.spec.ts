import { OfflineScriptWriter, WORDS_PER_SECOND } from './offline-script-writer';
import type { WriteScriptRequest } from './script-writer';

const writer = new OfflineScriptWriter();
const request = (o: Partial<WriteScriptRequest> = {}): WriteScriptRequest => ({ topic: 'volcanoes', language: 'en', targetSeconds: 60, ...o });
const words = (texts: string[]) => texts.join(' ').split(/\s+/).filter(Boolean).length;

describe('OfflineScriptWriter', () => {
  it('is called "offline"', () => {
    expect(writer.name).toBe('offline');
  });

  it('writes the same script for the same request', async () => {
    const a = await writer.write(request({ style: 'cheerful' }));
    const b = await new OfflineScriptWriter().write(request({ style: 'cheerful' }));
    expect(b).toEqual(a);
  });

  it('writes different scripts for different topics, styles and lengths', async () => {
    const base = await writer.write(request());
    const texts = (scenes: { text: string }[]) => scenes.map((s) => s.text.replaceAll('glaciers', 'volcanoes'));
    // Even with the topic name swapped back, the sentence choice and order differ.
    expect(texts(await writer.write(request({ topic: 'glaciers' })))).not.toEqual(texts(base));
    expect(await writer.write(request({ style: 'dramatic' }))).not.toEqual(base);
    expect(await writer.write(request({ targetSeconds: 120 }))).not.toEqual(base);
  });

  it('treats extra whitespace in the topic as one space', async () => {
    expect(await writer.write(request({ topic: '  the   moon ' }))).toEqual(await writer.write(request({ topic: 'the moon' })));
  });

  it.each([
    ['volcanoes', 30],
    ['volcanoes', 60],
    ['the moon', 60],
    ['the moon', 120],
    ['volcanoes', 300],
    ['the moon', 600],
  ])('sizes a script about %s to within 25%% of %i s of narration', async (topic, targetSeconds) => {
    const scenes = await writer.write(request({ topic, targetSeconds }));
    const target = targetSeconds * WORDS_PER_SECOND;
    const count = words(scenes.map((s) => s.text));
    expect(Math.abs(count - target) / target).toBeLessThanOrEqual(0.25);
  });

  it('says in its first scene that no language model wrote it', async () => {
    const [first] = await writer.write(request());
    expect(first!.text).toMatch(/not by a language model/);
  });

  it('talks about the topic and has no empty scenes', async () => {
    const scenes = await writer.write(request({ topic: 'tide pools' }));
    expect(scenes.length).toBeGreaterThanOrEqual(3);
    for (const scene of scenes) expect(scene.text.trim()).not.toBe('');
    expect(scenes.filter((s) => s.text.includes('tide pools')).length).toBeGreaterThanOrEqual(scenes.length - 1);
    expect(scenes.at(-1)!.text).toMatch(/Thanks for watching|See you next time/);
  });
});
