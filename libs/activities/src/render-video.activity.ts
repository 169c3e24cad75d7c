import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { ErrorTypes, type RenderHeartbeat, type RenderVideoInput, type RenderVideoOutput } from '@vidflow/contracts';
import {
  buildAssSubtitles,
  buildCaptionCues,
  buildConcatList,
  buildRenderArgs,
  captionLayout,
  type ProbeResult,
} from '@vidflow/media';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActivityDeps } from './activity-deps';
import { toFailure } from './failures';

/** A rendered file whose duration is off by more than this is rejected rather than delivered. */
const DURATION_TOLERANCE = 0.02;

/**
 * Render stage: background, narration and burned-in captions in one ffmpeg run, checked with ffprobe
 * before it is moved into place. Heartbeats carry ffmpeg's progress (the API shows it) and are how
 * Temporal notices a dead worker and how cancellation reaches this attempt, which then kills ffmpeg.
 */
export function makeRenderVideo(deps: Pick<ActivityDeps, 'store' | 'ffmpeg' | 'renderPreset'>) {
  return async function renderVideo(input: RenderVideoInput): Promise<RenderVideoOutput> {
    const ctx = Context.current();
    const heartbeat = (progress: number) => ctx.heartbeat({ progress } satisfies RenderHeartbeat);
    heartbeat(0);
    const scratch = await deps.store.scratchDir(input.videoId, 'render');
    try {
      const { render } = input;
      const durationSeconds = input.scenes.reduce((sum, s) => sum + s.durationSeconds, 0);
      const narrationList = join(scratch, 'narration.txt');
      await writeFile(narrationList, buildConcatList(input.scenes.map((s) => deps.store.resolve(s.audioPath))));

      let subtitlesPath: string | undefined;
      if (render.captions) {
        subtitlesPath = join(scratch, 'captions.ass');
        const cues = buildCaptionCues({
          scenes: input.scenes.map((s) => ({ text: s.text, durationSeconds: s.durationSeconds })),
          maxChars: captionLayout(render.width, render.height).maxChars,
          language: input.language,
        });
        await writeFile(subtitlesPath, buildAssSubtitles(cues, { width: render.width, height: render.height }));
      }

      if (!('color' in render.background)) {
        throw ApplicationFailure.create({
          type: ErrorTypes.BadInput,
          message: 'render.background: only colour backgrounds are supported by this worker',
          nonRetryable: true,
        });
      }
      const output = join(scratch, 'video.mp4');
      const spec = buildRenderArgs({
        width: render.width,
        height: render.height,
        fps: render.fps,
        durationSeconds,
        backgroundColor: render.background.color,
        narrationList,
        subtitlesPath,
        preset: deps.renderPreset,
        output,
      });
      await deps.ffmpeg.run(spec, { signal: ctx.cancellationSignal, totalSeconds: durationSeconds, onProgress: heartbeat });
      const probe = await deps.ffmpeg.probe(output);
      checkOutput(probe, { width: render.width, height: render.height, durationSeconds });
      const path = deps.store.video(input.videoId);
      await deps.store.commit(output, path);
      heartbeat(1);
      return {
        path,
        durationSeconds: round(probe.durationSeconds),
        width: render.width,
        height: render.height,
        bytes: probe.bytes,
        cacheHit: false,
        attempt: ctx.info.attempt,
      };
    } catch (err) {
      if (ctx.cancellationSignal.aborted) throw new CancelledFailure('render cancelled');
      throw toFailure(err);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  };
}

/** The delivered file must be what was asked for: H.264 at the right size, AAC, and the narration's length. */
export function checkOutput(probe: ProbeResult, expected: { width: number; height: number; durationSeconds: number }): void {
  const video = probe.streams.find((s) => s.type === 'video');
  const audio = probe.streams.find((s) => s.type === 'audio');
  const problems: string[] = [];
  if (video?.codec !== 'h264') problems.push(`video codec ${video?.codec ?? 'missing'}, expected h264`);
  if (video && (video.width !== expected.width || video.height !== expected.height)) {
    problems.push(`frame ${video.width}x${video.height}, expected ${expected.width}x${expected.height}`);
  }
  if (audio?.codec !== 'aac') problems.push(`audio codec ${audio?.codec ?? 'missing'}, expected aac`);
  const drift = Math.abs(probe.durationSeconds - expected.durationSeconds) / Math.max(expected.durationSeconds, 0.001);
  if (drift > DURATION_TOLERANCE) {
    problems.push(`duration ${probe.durationSeconds.toFixed(2)}s, expected ${expected.durationSeconds.toFixed(2)}s`);
  }
  if (problems.length) {
    throw ApplicationFailure.create({
      type: ErrorTypes.RenderFailed,
      message: `rendered file failed its check: ${problems.join('; ')}`,
      nonRetryable: true,
    });
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
