import { describeIssues, summarizeIssues } from './validation';
import { VideoRequestSchema, type VideoRequestInput } from './video-request.schema';

/** The field paths of every problem with `body`, or [] when it is valid. */
function fieldsOf(body: unknown): string[] {
  const result = VideoRequestSchema.safeParse(body);
  return result.success ? [] : describeIssues(result.error).map((i) => i.field);
}

function issuesOf(body: unknown) {
  const result = VideoRequestSchema.safeParse(body);
  if (result.success) throw new Error(`expected ${JSON.stringify(body)} to be rejected`);
  return describeIssues(result.error);
}

describe('VideoRequestSchema', () => {
  describe('exactly one of topic, script or scenes', () => {
    it.each<[string, VideoRequestInput]>([
      ['topic', { topic: 'The moon' }],
      ['script', { script: 'The moon is bright. It has phases.' }],
      ['scenes', { scenes: [{ text: 'The moon.' }, { text: 'Its phases.' }] }],
    ])('accepts %s alone', (_name, body) => {
      expect(fieldsOf(body)).toEqual([]);
    });

    it('asks for one when none is given, on the topic field', () => {
      expect(issuesOf({})).toEqual([{ field: 'topic', message: 'exactly one of topic, script or scenes is required' }]);
    });

    it.each([
      [{ topic: 'x', script: 'y' }, 'script', 'topic and script'],
      [{ topic: 'x', scenes: [{ text: 'a' }] }, 'scenes', 'topic and scenes'],
      [{ script: 'x', scenes: [{ text: 'a' }] }, 'scenes', 'script and scenes'],
    ])('names the second of two given fields: %j', (body, field, got) => {
      const issues = issuesOf(body);
      expect(issues).toHaveLength(1);
      expect(issues[0]!.field).toBe(field);
      expect(issues[0]!.message).toContain(`got ${got}`);
    });

    it('treats a blank topic as missing text, not as "given"', () => {
      expect(fieldsOf({ topic: '   ' })).toEqual(['topic']);
    });
  });

  it('rejects unknown fields, naming them', () => {
    expect(issuesOf({ topic: 'x', colour: 'red' })).toEqual([{ field: 'colour', message: 'unknown field(s): colour' }]);
    expect(issuesOf({ topic: 'x', render: { fps: 30, resolution: '4k' } })).toEqual([
      { field: 'render.resolution', message: 'unknown field(s): resolution' },
    ]);
    expect(fieldsOf({ scenes: [{ text: 'a', duration: 3 }] })).toEqual(['scenes.0.duration']);
  });

  describe('render.captions', () => {
    it('accepts a preset with every style field', () => {
      const captions = {
        preset: 'karaoke', mode: 'word', font: 'Noto Sans CJK SC', size: 80, color: '#fff', highlightColor: '#ffd400', outlineColor: '#000000',
        outlineWidth: 6, shadow: 2, box: true, boxColor: '#101010', position: 'top', margin: 40, maxWordsPerLine: 4, lines: 1, uppercase: true,
      };
      expect(VideoRequestSchema.parse({ topic: 'x', render: { captions } }).render.captions).toEqual({ enabled: true, ...captions });
    });

    it.each([
      [{ preset: 'fancy' }, 'render.captions.preset'],
      [{ mode: 'letter' }, 'render.captions.mode'],
      [{ font: 'Comic Sans' }, 'render.captions.font'],
      [{ size: 4 }, 'render.captions.size'],
      [{ highlightColor: 'yellow' }, 'render.captions.highlightColor'],
      [{ outlineColor: '#12' }, 'render.captions.outlineColor'],
      [{ outlineWidth: -1 }, 'render.captions.outlineWidth'],
      [{ position: 'left' }, 'render.captions.position'],
      [{ maxWordsPerLine: 0 }, 'render.captions.maxWordsPerLine'],
      [{ lines: 5 }, 'render.captions.lines'],
      [{ uppercase: 'yes' }, 'render.captions.uppercase'],
      [{ colour: '#fff' }, 'render.captions.colour'],
    ])('rejects %j naming the field', (captions, field) => {
      expect(fieldsOf({ topic: 'x', render: { captions } })).toEqual([field]);
    });
  });

  it.each(['blue', '#12345g', '#abcd', '0b1d3a', '#0b1d3a; drawtext'])('rejects background colour %j', (color) => {
    expect(fieldsOf({ topic: 'x', render: { background: { color } } })).toEqual(['render.background.color']);
  });

  it('accepts 3- and 6-digit hex colours', () => {
    expect(fieldsOf({ topic: 'x', render: { background: { color: '#FFF' } } })).toEqual([]);
    expect(fieldsOf({ topic: 'x', render: { background: { color: '#0b1d3A' } } })).toEqual([]);
  });

  it('rejects a background that matches none of colour, image or video', () => {
    expect(fieldsOf({ topic: 'x', render: { background: { colour: '#fff' } } })).toEqual(['render.background']);
    expect(fieldsOf({ topic: 'x', render: { background: '#fff' } })).toEqual(['render.background']);
  });

  it.each([
    [{ render: { height: 239 } }, 'render.height'],
    [{ render: { height: 2161 } }, 'render.height'],
    [{ render: { height: 720.5 } }, 'render.height'],
    [{ render: { fps: 0 } }, 'render.fps'],
    [{ render: { fps: 61 } }, 'render.fps'],
    [{ render: { aspect: '4:3' } }, 'render.aspect'],
    [{ voice: { speed: 0.49 } }, 'voice.speed'],
    [{ voice: { speed: 2.01 } }, 'voice.speed'],
    [{ voice: { name: 'en us' } }, 'voice.name'],
    [{ llm: { targetSeconds: 4 } }, 'llm.targetSeconds'],
    [{ language: 'english' }, 'language'],
  ])('rejects out-of-range %j at %s', (extra, field) => {
    expect(fieldsOf({ topic: 'x', ...extra })).toEqual([field]);
  });

  it.each([
    { render: { height: 240, fps: 1 } },
    { render: { height: 2160, fps: 60 } },
    { voice: { speed: 0.5 } },
    { voice: { speed: 2 } },
    { language: 'zh-Hans-CN' },
  ])('accepts the boundary values %j', (extra) => {
    expect(fieldsOf({ topic: 'x', ...extra })).toEqual([]);
  });

  it('accepts generated images per scene with a style and a motion, and stock visuals without either', () => {
    expect(VideoRequestSchema.parse({ topic: 'x', visuals: { provider: 'openai-images', style: ' watercolour ', motion: 'none' } }).visuals).toEqual({
      provider: 'openai-images',
      style: 'watercolour',
      motion: 'none',
    });
    expect(VideoRequestSchema.parse({ topic: 'x', visuals: { provider: 'openai-images' } }).visuals).toEqual({ provider: 'openai-images' });
    expect(VideoRequestSchema.parse({ topic: 'x', visuals: {} }).visuals).toEqual({ provider: 'none' });
  });

  it('accepts Ken Burns motion on image backgrounds and a fade transition with its default length', () => {
    const parsed = VideoRequestSchema.parse({
      scenes: [{ text: 'a', background: { image: 'b.png', motion: 'kenburns' } }],
      render: { background: { image: 'a.png', motion: 'none' }, transition: { type: 'fade' } },
    });
    expect(parsed.render.transition).toEqual({ type: 'fade', seconds: 0.4 });
    expect(parsed.scenes![0]!.background).toEqual({ image: 'b.png', motion: 'kenburns' });
    expect(VideoRequestSchema.parse({ topic: 'x' }).render.transition).toBeUndefined();
  });

  it.each([
    [{ render: { transition: { type: 'fade', seconds: 0.05 } } }, 'render.transition.seconds'],
    [{ render: { transition: { type: 'fade', seconds: 2.5 } } }, 'render.transition.seconds'],
    [{ render: { transition: { type: 'wipe' } } }, 'render.transition.type'],
    [{ visuals: { provider: 'dall-e' } }, 'visuals.provider'],
    [{ visuals: { provider: 'pexels', style: 'x' } }, 'visuals.style'],
    [{ visuals: { provider: 'pixabay', motion: 'kenburns' } }, 'visuals.motion'],
    [{ visuals: { provider: 'openai-images', style: '  ' } }, 'visuals.style'],
    [{ visuals: { provider: 'openai-images', style: 'x'.repeat(301) } }, 'visuals.style'],
    [{ visuals: { provider: 'openai-images', motion: 'zoom' } }, 'visuals.motion'],
    [{ visuals: { provider: 'openai-images', size: '1024x1024' } }, 'visuals.size'],
  ])('rejects the transition or visuals %j at %s', (extra, field) => {
    expect(fieldsOf({ topic: 'x', ...extra })).toEqual([field]);
  });

  it('rejects scene keywords that are blank, too many or too long, naming the keyword', () => {
    expect(fieldsOf({ scenes: [{ text: 'a', keywords: ['  '] }] })).toEqual(['scenes.0.keywords.0']);
    expect(fieldsOf({ scenes: [{ text: 'a', keywords: ['a', 'b', 'c', 'd', 'e', 'f'] }] })).toEqual(['scenes.0.keywords']);
    expect(fieldsOf({ scenes: [{ text: 'a', keywords: [] }] })).toEqual(['scenes.0.keywords']);
    expect(fieldsOf({ scenes: [{ text: 'a', keywords: ['x'.repeat(61)] }] })).toEqual(['scenes.0.keywords.0']);
  });

  it('rejects motion that is not none or kenburns, and motion on a colour', () => {
    expect(issuesOf({ topic: 'x', render: { background: { image: 'a.png', motion: 'zoom' } } })[0]!.field).toMatch(/^render\.background/);
    expect(fieldsOf({ topic: 'x', render: { background: { color: '#fff', motion: 'kenburns' } } })).not.toEqual([]);
  });

  it('reports the index and field of a bad scene', () => {
    expect(issuesOf({ scenes: [{ text: 'fine' }, { text: '  ' }] })).toEqual([
      { field: 'scenes.1.text', message: expect.stringMatching(/>=1 characters/) },
    ]);
  });

  it('fills every default', () => {
    expect(VideoRequestSchema.parse({ topic: '  The moon  ' })).toEqual({
      topic: 'The moon',
      language: 'en',
      llm: { provider: 'offline', targetSeconds: 60 },
      voice: { provider: 'espeak', speed: 1 },
      render: { aspect: '9:16', fps: 30, captions: { enabled: true, preset: 'bold' }, background: { color: '#0b1d3a' } },
      cache: { mode: 'use' },
    });
  });

  it('fills defaults inside a partly given object', () => {
    const parsed = VideoRequestSchema.parse({ topic: 'x', render: { aspect: '16:9', captions: {} }, voice: { name: 'en-us' } });
    expect(parsed.render).toEqual({ aspect: '16:9', fps: 30, captions: { enabled: true, preset: 'bold' }, background: { color: '#0b1d3a' } });
    expect(parsed.voice).toEqual({ provider: 'espeak', name: 'en-us', speed: 1 });
    expect(parsed.render.height).toBeUndefined();
  });
});

describe('summarizeIssues', () => {
  it('joins field and message for every issue', () => {
    const issues = issuesOf({ topic: 'x', render: { height: 5000, fps: 0 } });
    expect(summarizeIssues(issues)).toMatch(/^render\.height: .+; render\.fps: .+$/);
  });
});
