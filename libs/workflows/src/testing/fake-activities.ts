import { Context } from '@temporalio/activity';
import type { IoActivities, LlmActivities, RenderActivities, SttActivities, TranscriptionRenderActivities } from '@vidflow/activities';
import {
  transcriptionFilePath,
  type RenderVideoInput,
  type SynthesizeSceneInput,
  type TranscribeChunkInput,
  type VideoProgress,
  type WriteScriptInput,
} from '@vidflow/contracts';

/** Every activity the workflows call, across the four task queues. */
export type AllActivities = LlmActivities & IoActivities & RenderActivities & SttActivities & TranscriptionRenderActivities;
export type ActivityName = keyof AllActivities;

/**
 * Small stand-ins for the real activities, with the shapes the real ones return: a script split into one scene
 * per sentence, a WAV path per scene whose length follows its text (as espeak-ng's would), an MP4 under videos/.
 * Tests override the ones whose behaviour they are about (a failure, a wait, a cache hit).
 */
export function fakeActivities(overrides: Partial<AllActivities> = {}): AllActivities {
  const base: AllActivities = {
    writeScript: async (i: WriteScriptInput) => ({ scenes: scenesOf(i), provider: i.script || i.scenes ? 'input' : 'fake', cacheHit: false }),
    synthesizeScene: async (i: SynthesizeSceneInput) => ({
      index: i.index,
      audioPath: `work/${i.videoId}/scene-${i.index}.wav`,
      durationSeconds: Math.round(i.text.length * 6.5) / 100,
      cacheHit: false,
    }),
    renderVideo: async (i: RenderVideoInput) => ({
      path: `videos/${i.videoId}.mp4`,
      durationSeconds: Math.round(i.scenes.reduce((sum, s) => sum + s.durationSeconds, 0) * 1000) / 1000,
      width: i.render.width,
      height: i.render.height,
      bytes: 48_213,
      cacheHit: false,
      attempt: Context.current().info.attempt,
    }),
    cleanupVideo: async () => undefined,
    // A stock clip per scene named after its first term (its keywords, else its longest word), as a provider would answer.
    findSceneVisual: async (i) => {
      const query = i.keywords?.[0] ?? [...i.text.toLowerCase().matchAll(/[a-z]{3,}/g)].map((m) => m[0]).sort((a, b) => b.length - a.length)[0];
      if (!query) return { source: 'background', reason: 'no search terms' };
      return { source: i.provider, url: `https://stock.test/${query}-${i.width}x${i.height}.mp4`, query, author: 'Fake Author', pageUrl: `https://stock.test/${query}`, licence: 'test licence' };
    },
    // An image per scene, its prompt the style and the text, at the path the real activity commits it to.
    generateSceneImage: async (i) => ({
      source: 'openai-images',
      model: 'fake-image-1',
      prompt: [i.style, i.text].filter(Boolean).join(': '),
      image: `work/${i.videoId}/image-${String(i.index).padStart(3, '0')}`,
    }),
    // Workflow tests never sniff library files: a call is a test bug.
    probeLibraryMedia: async () => {
      throw new Error('probeLibraryMedia is not faked');
    },
    lookupPipeline: async () => undefined,
    placePipelineHit: async () => undefined,
    storePipeline: async () => undefined,
    maintainCache: async () => ({ removed: 0, bytesFreed: 0 }),
    // Transcriptions: a 95 s video, cut every 30 s (the last chunk shorter), one word per second.
    probeTranscriptionMedia: async (i) => ({
      source: i.media.path ?? `transcriptions/x/work/source`,
      durationSeconds: 95,
      hasVideo: true,
      width: 1280,
      height: 720,
      audioCodec: 'aac',
    }),
    extractTranscriptionAudio: async (i) => ({ audio: `transcriptions/${i.transcriptionId}/work/audio.wav`, durationSeconds: i.durationSeconds }),
    planTranscriptionChunks: async (i) => {
      const chunks = [];
      for (let start = 0, index = 0; start < i.durationSeconds; start += i.maxChunkSeconds, index++) {
        const end = Math.min(i.durationSeconds, start + i.maxChunkSeconds);
        chunks.push({ index, start, end, cut: end === i.durationSeconds ? ('end' as const) : ('silence' as const) });
      }
      return chunks;
    },
    transcribeChunk: async (i: TranscribeChunkInput) => ({
      index: i.chunk.index,
      cacheHit: false,
      transcript: `transcriptions/${i.transcriptionId}/work/chunk-${i.chunk.index}.json`,
      words: Math.round(i.chunk.end - i.chunk.start),
      engine: `fake ${i.provider.name}`,
    }),
    writeTranscript: async (i) => ({
      files: Object.fromEntries(i.formats.map((f) => [f, transcriptionFilePath(i.transcriptionId, f)])),
      segments: i.chunks.length,
      words: 95,
      ...(i.burnIn ? { captions: `transcriptions/${i.transcriptionId}/work/captions.ass` } : {}),
    }),
    burnInSubtitles: async (i) => ({ video: transcriptionFilePath(i.transcriptionId, 'video') }),
    cleanupTranscription: async () => undefined,
    sweepRunFolders: async () => ({ removed: [], kept: 0 }),
    // Fakes ask for no callbackUrl; a run that does is tested against a real receiver (test/webhooks.e2e.ts).
    deliverWebhook: async () => ({ outcome: 'delivered' as const, status: 200 }),
  };
  return { ...base, ...overrides };
}

function scenesOf(i: WriteScriptInput): Array<{ text: string }> {
  if (i.scenes?.length) return i.scenes;
  if (i.script) return i.script.split(/(?<=[.!?])\s+/).filter(Boolean).map((text) => ({ text }));
  return [1, 2, 3, 4, 5].map((n) => ({ text: `Part ${n} about ${i.topic ?? 'something'}.` }));
}

/**
 * Wraps activities so that each call appends `start <name>` and `end <name>` to `log` (speech adds the scene
 * index): the order the workflow scheduled them in, as the workers saw it.
 */
export function loggedActivities(activities: AllActivities, log: string[]): AllActivities {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities) as Array<[string, (...args: unknown[]) => Promise<unknown>]>) {
    wrapped[name] = async (...args: unknown[]) => {
      const detail =
        name === 'synthesizeScene'
          ? ` ${(args[0] as SynthesizeSceneInput).index}`
          : name === 'transcribeChunk'
            ? ` ${(args[0] as TranscribeChunkInput).chunk.index}`
            : name === 'cleanupTranscription'
              ? ` outputs=${(args[0] as { outputs: boolean }).outputs}`
              : '';
      log.push(`start ${name}${detail}`);
      try {
        return await fn(...args);
      } finally {
        log.push(`end ${name}${detail}`);
      }
    };
  }
  return wrapped as AllActivities;
}

/** What the pipeline cache holds for a finished video: every stage a hit, the file already there. */
export function cachedProgress(videoId: string): VideoProgress {
  return {
    stage: 'done',
    progress: 1,
    cacheHit: true,
    stages: {
      script: { status: 'completed', cacheHit: true, provider: 'offline', seconds: 0 },
      tts: { status: 'completed', done: 2, total: 2, cacheHits: 2, seconds: 0, audioSeconds: 4.1 },
      render: { status: 'completed', progress: 1, cacheHit: true, attempt: 1, seconds: 0 },
    },
    sceneCount: 2,
    result: { path: `videos/${videoId}.mp4`, durationSeconds: 4.1, width: 1080, height: 1920, bytes: 99_120 },
  };
}

/** Heartbeats until the activity is cancelled (then throws the cancellation) or `ms` have passed. */
export async function heartbeatUntilCancelled(ms: number): Promise<void> {
  const ctx = Context.current();
  const until = Date.now() + ms;
  while (Date.now() < until) {
    ctx.heartbeat();
    await Promise.race([new Promise((r) => setTimeout(r, 100)), ctx.cancelled]);
  }
}
