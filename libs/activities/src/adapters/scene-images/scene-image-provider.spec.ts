import { imageSizeFor, MAX_PROMPT_CHARS, sceneImagePrompt } from './scene-image-provider';

describe('imageSizeFor', () => {
  it.each([
    ['dall-e-3', 1080, 1920, '1024x1792'],
    ['dall-e-3', 1920, 1080, '1792x1024'],
    ['dall-e-3', 1080, 1080, '1024x1024'],
    ['gpt-image-1', 1080, 1920, '1024x1536'],
    ['gpt-image-1', 1920, 1080, '1536x1024'],
    ['dall-e-2', 1080, 1920, '1024x1024'],
    ['sd-xl-turbo', 320, 568, '1024x1792'],
  ])('%s for a %ix%i frame asks for %s', (model, width, height, size) => {
    expect(imageSizeFor(model, width, height)).toBe(size);
  });
});

describe('sceneImagePrompt', () => {
  it('puts the style first, then the topic, the keywords as subjects, no lettering, and the scene', () => {
    expect(sceneImagePrompt({ text: 'Whales  sing\nin the deep.', keywords: ['whales', 'ocean'], topic: 'the sea.', style: 'Watercolour illustration. ' })).toBe(
      'Watercolour illustration. An image for a narrated video about the sea. Subject: whales, ocean. No text, letters or captions in the image. The scene: "Whales sing in the deep."',
    );
  });

  it('without style, topic or keywords is the scene alone with the fixed parts', () => {
    expect(sceneImagePrompt({ text: 'A red door.' })).toBe('An image for a narrated video. No text, letters or captions in the image. The scene: "A red door."');
  });

  it('shortens a long scene at a word boundary so the whole prompt fits the smallest model limit', () => {
    const text = 'word '.repeat(400);
    const prompt = sceneImagePrompt({ text, style: 'isometric 3D render' });
    expect(prompt.length).toBeLessThanOrEqual(MAX_PROMPT_CHARS);
    expect(prompt).toMatch(/^isometric 3D render\. .* The scene: "(word )+word…"$/);
  });

  it('is the same for the same scene (the image cache key is made from it)', () => {
    const scene = { text: 'Owls hunt at night.', keywords: ['owl'], topic: 'owls' };
    expect(sceneImagePrompt(scene)).toBe(sceneImagePrompt({ ...scene }));
  });
});
