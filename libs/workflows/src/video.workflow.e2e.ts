import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { type RenderVideoInput, videoStatusQuery, type VideoProgress, type VideoWorkflowInput } from '@vidflow/contracts';
import { cachedProgress, heartbeatUntilCancelled } from './testing/fake-activities';
import { type FakeStack, withFakeWorkers } from './testing/fake-workers';

/**
 * The video workflow on the real Temporal dev server with fake activities: the order of the stages, the speech
 * parallelism bound, retries, failures with their stage, cancellation, cleanup and the pipeline-cache paths.
 */
describe('videoWorkflow', () => {
  const start = (stack: FakeStack, input: VideoWorkflowInput) =>
    stack.client.workflow.start('videoWorkflow', { workflowId: input.videoId, taskQueue: stack.taskQueues.io, args: [input] });

  const outcome = (p: Promise<VideoProgress>) =>
    p.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );

  it('runs script, then speech with at most ttsParallelism scenes at once, then render, store and cleanup', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    await withFakeWorkers(
      {
        synthesizeScene: async (i) => {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          await new Promise((r) => setTimeout(r, 150));
          inFlight--;
          return { index: i.index, audioPath: `a${i.index}.wav`, durationSeconds: 2, cacheHit: i.index === 1 };
        },
      },
      async (stack) => {
        const handle = await start(stack, stack.videoInput({ topic: 'owls' }));
        const value = await handle.result();
        // Five scenes two at a time: the bound is reached and never passed.
        expect(maxInFlight).toBe(2);
        const starts = stack.log.filter((l) => l.startsWith('start'));
        expect(starts.slice(0, 2)).toEqual(['start lookupPipeline', 'start writeScript']);
        expect(starts.slice(2, 7).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `start synthesizeScene ${i}`));
        expect(starts.slice(7)).toEqual(['start renderVideo', 'start storePipeline', 'start cleanupVideo']);
        // The render starts only after the last scene has ended.
        expect(stack.log.indexOf('start renderVideo')).toBeGreaterThan(Math.max(...[0, 1, 2, 3, 4].map((i) => stack.log.indexOf(`end synthesizeScene ${i}`))));
        expect(value).toMatchObject({ stage: 'done', progress: 1, cacheHit: false, sceneCount: 5, result: { path: `videos/${handle.workflowId}.mp4`, bytes: 48_213 } });
        expect(value.stages.tts).toMatchObject({ status: 'completed', done: 5, total: 5, cacheHits: 1, audioSeconds: 10 });
        expect(value.stages.render).toMatchObject({ status: 'completed', progress: 1, attempt: 1 });
      },
    );
  });

  it('with ttsParallelism 1 speaks the scenes one after another, in order', async () => {
    await withFakeWorkers({}, async (stack) => {
      await (await start(stack, stack.videoInput({ script: 'One. Two. Three.' }, { ttsParallelism: 1 }))).result();
      const speech = stack.log.filter((l) => l.includes('synthesizeScene'));
      expect(speech).toEqual([0, 1, 2].flatMap((i) => [`start synthesizeScene ${i}`, `end synthesizeScene ${i}`]));
    });
  });

  it('asks the speech stage for word times only for word-by-word captions, and renders aligned words as aligned', async () => {
    const asked: Array<{ preset: string; wordTimes: boolean | undefined }> = [];
    const rendered: RenderVideoInput[] = [];
    let preset = '';
    await withFakeWorkers(
      {
        synthesizeScene: async (i) => {
          asked.push({ preset, wordTimes: i.wordTimes });
          return { index: i.index, audioPath: `a${i.index}.wav`, durationSeconds: 1, words: [{ text: 'Owls.', start: 0.1, end: 0.6 }], wordSource: 'alignment', cacheHit: false };
        },
        renderVideo: async (i) => {
          rendered.push(i);
          return { path: `videos/${i.videoId}.mp4`, durationSeconds: 1, width: i.render.width, height: i.render.height, bytes: 1, cacheHit: false, attempt: 1 };
        },
      },
      async (stack) => {
        for (const [name, captions] of [
          ['bold', {}],
          ['clean', { preset: 'clean' }],
          ['clean in word mode', { preset: 'clean', mode: 'word' }],
          ['none', { enabled: false }],
        ] as const) {
          preset = name;
          await (await start(stack, stack.videoInput({ script: 'Owls.', render: { captions } }))).result();
        }
      },
    );
    expect(asked).toEqual([
      { preset: 'bold', wordTimes: true },
      { preset: 'clean', wordTimes: undefined },
      { preset: 'clean in word mode', wordTimes: true },
      { preset: 'none', wordTimes: undefined },
    ]);
    expect(rendered[0]!.scenes).toEqual([expect.objectContaining({ words: [{ text: 'Owls.', start: 0.1, end: 0.6 }], wordSource: 'alignment' })]);
  });

  it('searches a stock visual per scene while speaking, shows each clip in the status, and renders it for scenes without their own background', async () => {
    let rendered: RenderVideoInput | undefined;
    await withFakeWorkers(
      {
        renderVideo: async (i) => {
          rendered = i;
          return { path: `videos/${i.videoId}.mp4`, durationSeconds: 3, width: i.render.width, height: i.render.height, bytes: 1, cacheHit: false, attempt: 1 };
        },
        findSceneVisual: async (i) =>
          i.keywords?.[0] === 'nothing'
            ? { source: 'background', reason: 'no pexels video for "nothing"' }
            : { source: 'pexels', url: `https://stock.test/${i.keywords?.[0] ?? 'sea'}.mp4`, query: i.keywords?.[0] ?? 'sea', author: 'A', pageUrl: 'https://stock.test/p', licence: 'L' },
      },
      async (stack) => {
        const request = {
          scenes: [{ text: 'Whales sing.', keywords: ['whales'] }, { text: 'Nothing here.', keywords: ['nothing'] }, { text: 'Own.', background: { color: '#112233' } }],
          visuals: { provider: 'pexels' as const },
          render: { height: 640 },
        };
        const value = await (await start(stack, stack.videoInput(request))).result();
        const searches = stack.log.filter((l) => l.startsWith('start findSceneVisual'));
        // Two searches: the scene with its own background keeps it without asking.
        expect(searches).toHaveLength(2);
        expect(rendered!.scenes.map((sc) => sc.background)).toEqual([{ video: 'https://stock.test/whales.mp4' }, undefined, { color: '#112233' }]);
        expect(value.scenes).toEqual([
          { index: 0, visual: { source: 'pexels', url: 'https://stock.test/whales.mp4', query: 'whales', author: 'A', pageUrl: 'https://stock.test/p', licence: 'L' } },
          { index: 1, visual: { source: 'background', reason: 'no pexels video for "nothing"' } },
          { index: 2, visual: { source: 'background', reason: 'the scene has its own background' } },
        ]);
      },
    );
  });

  it('generates an image per scene with the style and the cache options, renders it with its motion, and keeps the run file out of the status', async () => {
    const renders: RenderVideoInput[] = [];
    const asked: Array<{ index: number; style?: string; cache?: unknown }> = [];
    await withFakeWorkers(
      {
        renderVideo: async (i) => {
          renders.push(i);
          return { path: `videos/${i.videoId}.mp4`, durationSeconds: 3, width: i.render.width, height: i.render.height, bytes: 1, cacheHit: false, attempt: 1 };
        },
        generateSceneImage: async (i) => {
          asked.push({ index: i.index, style: i.style, cache: i.cache });
          return { source: 'openai-images', model: 'm', prompt: `p${i.index}`, image: `work/${i.videoId}/image-00${i.index}` };
        },
      },
      async (stack) => {
        const scenes = [{ text: 'Whales sing.' }, { text: 'Own.', background: { color: '#112233' } }];
        const moving = stack.videoInput({ scenes, visuals: { provider: 'openai-images', style: 'ink' }, cache: { mode: 'refresh' } });
        const value = await (await start(stack, moving)).result();
        expect(stack.log.filter((l) => l.startsWith('start generateSceneImage'))).toHaveLength(1);
        expect(stack.log.some((l) => l.startsWith('start findSceneVisual'))).toBe(false);
        expect(asked).toEqual([{ index: 0, style: 'ink', cache: { mode: 'refresh' } }]);
        expect(renders[0]!.scenes.map((sc) => [sc.generatedImage, sc.background])).toEqual([
          [{ path: `work/${moving.videoId}/image-000`, motion: 'kenburns' }, undefined],
          [undefined, { color: '#112233' }],
        ]);
        expect(value.scenes).toEqual([
          { index: 0, visual: { source: 'openai-images', model: 'm', prompt: 'p0' } },
          { index: 1, visual: { source: 'background', reason: 'the scene has its own background' } },
        ]);

        const still = stack.videoInput({ scenes: [scenes[0]!], visuals: { provider: 'openai-images', motion: 'none' } });
        await (await start(stack, still)).result();
        expect(renders[1]!.scenes[0]!.generatedImage).toEqual({ path: `work/${still.videoId}/image-000` });
      },
    );
  });

  describe('the pipeline cache', () => {
    it('records a hit the API found as the result, running no activity at all', async () => {
      await withFakeWorkers({}, async (stack) => {
        const input = stack.videoInput({ script: 'Cached.' });
        const hit = cachedProgress(input.videoId);
        const value = await (await start(stack, { ...input, pipelineCache: { hit } })).result();
        expect(stack.log).toEqual([]);
        expect(value).toEqual(hit);
      });
    });

    it('places a hit the API found (read-only) with one local activity and records it, running nothing else', async () => {
      const placed: string[] = [];
      await withFakeWorkers(
        { placePipelineHit: async (i: { videoId: string; progress: VideoProgress }) => (placed.push(i.videoId), i.progress) },
        async (stack) => {
          const input = stack.videoInput({ script: 'Found.' });
          const hit = cachedProgress(input.videoId);
          const value = await (await start(stack, { ...input, pipelineCache: { found: { progress: hit, videoFile: '/cache/x.mp4' } } })).result();
          expect(placed).toEqual([input.videoId]);
          expect(stack.log.filter((l) => l.startsWith('start') && !l.includes('placePipelineHit'))).toEqual([]);
          expect(value).toEqual(hit);
        },
      );
    });

    it('makes the video when the found hit can no longer be placed (its file was evicted)', async () => {
      await withFakeWorkers({ placePipelineHit: async () => undefined }, async (stack) => {
        const input = stack.videoInput({ script: 'Evicted.' });
        const value = await (await start(stack, { ...input, pipelineCache: { found: { progress: cachedProgress(input.videoId), videoFile: '/gone.mp4' } } })).result();
        expect(stack.log).toContain('start renderVideo');
        expect(value.cacheHit).toBe(false);
      });
    });

    it('does not look the request up again when the API already missed', async () => {
      await withFakeWorkers({ lookupPipeline: async () => cachedProgress('never') }, async (stack) => {
        const value = await (await start(stack, { ...stack.videoInput({ script: 'Not cached.' }), pipelineCache: {} })).result();
        expect(stack.log).not.toContain('start lookupPipeline');
        expect(stack.log).toContain('start renderVideo');
        expect(value.cacheHit).toBe(false);
      });
    });

    it('looks the request up itself when started without the API (batch items), and stops at a hit', async () => {
      await withFakeWorkers({ lookupPipeline: async (i) => cachedProgress(i.videoId) }, async (stack) => {
        const input = stack.videoInput({ script: 'From a batch.' });
        const value = await (await start(stack, input)).result();
        // A hit made no intermediate files, so there is nothing to clean up either.
        expect(stack.log).toEqual(['start lookupPipeline', 'end lookupPipeline']);
        expect(value).toEqual(cachedProgress(input.videoId));
      });
    });

    it('does not look up in refresh mode, and stores nothing in bypass mode', async () => {
      await withFakeWorkers({ lookupPipeline: async () => cachedProgress('never') }, async (stack) => {
        await (await start(stack, stack.videoInput({ script: 'Refreshed.', cache: { mode: 'refresh' } }))).result();
        expect(stack.log).not.toContain('start lookupPipeline');
        expect(stack.log).toContain('start storePipeline');
        stack.log.length = 0;
        await (await start(stack, stack.videoInput({ script: 'Bypassed.', cache: { mode: 'bypass' } }))).result();
        expect(stack.log.filter((l) => l.startsWith('start'))).toEqual(['start writeScript', 'start synthesizeScene 0', 'start renderVideo', 'start cleanupVideo']);
      });
    });
  });

  it('retries a render that failed with a retryable error and reports the attempt that succeeded', async () => {
    let calls = 0;
    await withFakeWorkers(
      {
        renderVideo: async (i) => {
          if (++calls === 1) throw ApplicationFailure.retryable('ffmpeg crashed', 'RenderFailed');
          return { path: `videos/${i.videoId}.mp4`, durationSeconds: 1, width: 1080, height: 1920, bytes: 1, cacheHit: false, attempt: Context.current().info.attempt };
        },
      },
      async (stack) => {
        const value = await (await start(stack, stack.videoInput({ script: 'One. Two.' }))).result();
        expect(calls).toBe(2);
        expect(value.stages.render).toMatchObject({ status: 'completed', attempt: 2 });
      },
    );
  });

  it('fails with the root cause and its stage after a non-retryable speech error, and still cleans up', async () => {
    await withFakeWorkers(
      {
        synthesizeScene: async (i) => {
          if (i.index === 3) throw ApplicationFailure.nonRetryable('espeak-ng has no voice "xx"', 'BadInput');
          return { index: i.index, audioPath: 'a.wav', durationSeconds: 1, cacheHit: false };
        },
      },
      async (stack) => {
        const result = await outcome((await start(stack, stack.videoInput({ topic: 'owls' }))).result());
        expect(result.ok).toBe(false);
        const err = (result as { error: unknown }).error;
        expect(err).toBeInstanceOf(WorkflowFailedError);
        const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
        expect(cause).toBeInstanceOf(ApplicationFailure);
        expect({ type: cause.type, message: cause.message, nonRetryable: cause.nonRetryable }).toEqual({ type: 'BadInput', message: 'espeak-ng has no voice "xx"', nonRetryable: true });
        // The progress travels with the failure, so the API reads a failed video's status without a query.
        expect(cause.details).toEqual([
          { stage: 'tts', progress: expect.objectContaining({ stage: 'tts', stages: expect.objectContaining({ tts: expect.objectContaining({ status: 'failed' }) }) }) },
        ]);
        expect(stack.log).not.toContain('start renderVideo');
        expect(stack.log).not.toContain('start storePipeline');
        expect(stack.log.filter((l) => l === 'start cleanupVideo')).toHaveLength(1);
      },
    );
  });

  it('a script that cannot be written fails in stage script with its type', async () => {
    await withFakeWorkers({ writeScript: async () => Promise.reject(ApplicationFailure.nonRetryable('the model refused', 'ProviderRejected')) }, async (stack) => {
      const result = await outcome((await start(stack, stack.videoInput({ topic: 'owls' }))).result());
      const cause = ((result as { error: unknown }).error as WorkflowFailedError).cause as ApplicationFailure;
      expect({ type: cause.type, message: cause.message, stage: (cause.details?.[0] as { stage: string }).stage }).toEqual({
        type: 'ProviderRejected',
        message: 'the model refused',
        stage: 'script',
      });
      expect(stack.log.filter((l) => l.startsWith('start'))).toEqual(['start lookupPipeline', 'start writeScript', 'start cleanupVideo']);
    });
  });

  it('cancelled while rendering: the render attempt is cancelled and has stopped before the run ends, then cleanup runs', async () => {
    let renderStarted!: () => void;
    const rendering = new Promise<void>((r) => (renderStarted = r));
    let renderEnded = '';
    await withFakeWorkers(
      {
        renderVideo: async () => {
          renderStarted();
          try {
            await heartbeatUntilCancelled(60_000);
          } catch (err) {
            renderEnded = 'cancelled';
            throw err;
          }
          throw new Error('render was not cancelled within a minute');
        },
      },
      async (stack) => {
        const handle = await start(stack, stack.videoInput({ script: 'One. Two.' }));
        await rendering;
        await handle.cancel();
        const result = await outcome(handle.result());
        expect(result.ok).toBe(false);
        expect((result as { error: WorkflowFailedError }).error.cause).toBeInstanceOf(CancelledFailure);
        // WAIT_CANCELLATION_COMPLETED: the run ended only after the attempt had given up (ffmpeg killed, in real life).
        expect(renderEnded).toBe('cancelled');
        expect(stack.log.indexOf('end renderVideo')).toBeLessThan(stack.log.indexOf('start cleanupVideo'));
        expect(stack.log.filter((l) => l.startsWith('start')).slice(-2)).toEqual(['start renderVideo', 'start cleanupVideo']);
        expect(stack.log).not.toContain('start storePipeline');
        expect((await handle.describe()).status.name).toBe('CANCELLED');
      },
    );
  });

  it('answers the status query while rendering', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await withFakeWorkers(
      {
        renderVideo: async (i) => {
          await gate;
          return { path: `videos/${i.videoId}.mp4`, durationSeconds: 1, width: 1080, height: 1920, bytes: 1, cacheHit: false, attempt: 1 };
        },
      },
      async (stack) => {
        const handle = await start(stack, stack.videoInput({ topic: 'owls' }));
        let seen: VideoProgress | undefined;
        for (let i = 0; i < 300 && seen?.stage !== 'render'; i++) {
          seen = await handle.query(videoStatusQuery);
          if (seen.stage !== 'render') await new Promise((r) => setTimeout(r, 100));
        }
        release();
        await handle.result();
        expect(seen).toMatchObject({ stage: 'render', stages: { script: { status: 'completed' }, tts: { status: 'completed', done: 5 }, render: { status: 'running' } } });
        // Script and speech done, render not begun: STAGE_WEIGHTS.script + STAGE_WEIGHTS.tts of overallProgress().
        expect(seen!.progress).toBeCloseTo(0.3, 5);
      },
    );
  });
});
