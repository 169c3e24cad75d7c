import { RenderOptionsSchema, type RenderOptions } from './video-request.schema';
import { captionMode, initialStages, overallProgress, resolveRender, STAGE_WEIGHTS, type StageStates } from './video-status';

const render = (o: Partial<RenderOptions> = {}): RenderOptions => ({ ...RenderOptionsSchema.parse({}), ...o });

describe('resolveRender', () => {
  it.each<[RenderOptions['aspect'], number, number]>([
    ['9:16', 1080, 1920],
    ['16:9', 1920, 1080],
    ['1:1', 1080, 1080],
  ])('%s defaults to %ix%i', (aspect, width, height) => {
    expect(resolveRender(render({ aspect }))).toMatchObject({ width, height });
  });

  it('derives the width from a requested height', () => {
    expect(resolveRender(render({ aspect: '9:16', height: 1280 }))).toMatchObject({ width: 720, height: 1280 });
    expect(resolveRender(render({ aspect: '16:9', height: 720 }))).toMatchObject({ width: 1280, height: 720 });
    expect(resolveRender(render({ aspect: '9:16', height: 568 }))).toMatchObject({ width: 320, height: 568 });
  });

  it.each<[RenderOptions['aspect'], number]>([
    ['9:16', 1081],
    ['9:16', 241],
    ['16:9', 721],
    ['16:9', 243],
    ['1:1', 999],
  ])('makes both sides even for %s at height %i (libx264 + yuv420p)', (aspect, height) => {
    const r = resolveRender(render({ aspect, height }));
    expect(r.width % 2).toBe(0);
    expect(r.height % 2).toBe(0);
    expect(Math.abs(r.height - height)).toBeLessThanOrEqual(1);
    const [w, h] = aspect.split(':').map(Number) as [number, number];
    expect(Math.abs(r.width - (r.height * w) / h)).toBeLessThanOrEqual(1);
  });

  it('carries fps, captions, background and music through', () => {
    const music = { source: 'music/calm.mp3', volume: 0.2, duck: true };
    expect(
      resolveRender(render({ fps: 24, captions: { enabled: false, preset: 'bold' }, background: { color: '#112233' }, music })),
    ).toEqual({ width: 1080, height: 1920, fps: 24, captions: false, background: { color: '#112233' }, music });
  });

  it('carries a fade transition as its length, and none as no transition', () => {
    expect(resolveRender(render({ transition: { type: 'fade', seconds: 0.7 } })).transition).toEqual({ seconds: 0.7 });
    expect(resolveRender(render({ transition: { type: 'none', seconds: 0.7 } }))).not.toHaveProperty('transition');
    expect(resolveRender(render({}))).not.toHaveProperty('transition');
  });
});

describe('captionMode', () => {
  const captions = (c: object) => resolveRender(RenderOptionsSchema.parse({ captions: c }));
  it('is the requested mode, else the preset\'s, and undefined without captions', () => {
    expect(captionMode(captions({}))).toBe('word');
    expect(captionMode(captions({ preset: 'karaoke' }))).toBe('word');
    expect(captionMode(captions({ preset: 'clean' }))).toBe('phrase');
    expect(captionMode(captions({ preset: 'boxed' }))).toBe('phrase');
    expect(captionMode(captions({ preset: 'bold', mode: 'phrase' }))).toBe('phrase');
    expect(captionMode(captions({ preset: 'clean', mode: 'word' }))).toBe('word');
    expect(captionMode(captions({ enabled: false }))).toBeUndefined();
  });

  it('is word for runs from before caption options (the renderer then draws the default preset)', () => {
    expect(captionMode({ captions: true })).toBe('word');
  });
});

describe('overallProgress', () => {
  /** A run through every stage, as the workflow reports it. */
  function* run(): Generator<StageStates> {
    const s = initialStages();
    yield structuredClone(s);
    s.script.status = 'running';
    yield structuredClone(s);
    s.script.status = 'completed';
    yield structuredClone(s);
    s.tts = { status: 'running', done: 0, total: 4, cacheHits: 0 };
    yield structuredClone(s);
    for (let done = 1; done <= 4; done++) {
      s.tts.done = done;
      yield structuredClone(s);
    }
    s.tts.status = 'completed';
    yield structuredClone(s);
    s.render.status = 'running';
    for (const progress of [0, 0.1, 0.35, 0.8, 0.999, 1]) {
      s.render.progress = progress;
      yield structuredClone(s);
    }
    s.render.status = 'completed';
    yield structuredClone(s);
  }

  it('never goes down from start to finish, starts at 0 and ends at exactly 1', () => {
    const values = [...run()].map(overallProgress);
    expect(values[0]).toBe(0);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]!);
    expect(values.at(-1)).toBe(1);
    for (const v of values) expect(v).toBeLessThanOrEqual(1);
  });

  it('weights the stages 5% / 25% / 70%', () => {
    const s = initialStages();
    s.script.status = 'completed';
    expect(overallProgress(s)).toBe(0.05);
    s.tts = { status: 'running', done: 2, total: 4, cacheHits: 0 };
    expect(overallProgress(s)).toBe(0.175);
    s.tts.status = 'completed';
    s.render = { ...s.render, status: 'running', progress: 0.5 };
    expect(overallProgress(s)).toBe(0.65);
    expect(STAGE_WEIGHTS.script + STAGE_WEIGHTS.tts + STAGE_WEIGHTS.render).toBeCloseTo(1, 10);
  });

  it('is 1 when all stages completed, even if a stale render progress is below 1', () => {
    const s = initialStages();
    s.script.status = 'completed';
    s.tts = { status: 'completed', done: 0, total: 0, cacheHits: 0 };
    s.render = { status: 'completed', progress: 0.42, attempt: 1, cacheHit: false };
    expect(overallProgress(s)).toBe(1);
  });

  it('does not divide by zero before the scene count is known', () => {
    const s = initialStages();
    s.script.status = 'completed';
    s.tts.status = 'running';
    expect(overallProgress(s)).toBe(0.05);
  });
});
