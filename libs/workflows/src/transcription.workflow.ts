import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  type RetryPolicy,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SttActivities, TranscriptionRenderActivities } from '@vidflow/activities';
import {
  ErrorTypes,
  SEARCH_ATTRIBUTES,
  transcriptionProgress,
  transcriptionStatusQuery,
  transcriptionStatusView,
  type TranscriptionError,
  type TranscribedChunk,
  type TranscriptionChunkPlan,
  type TranscriptionFailureDetails,
  type TranscriptionProgress,
  type TranscriptionStage,
  type TranscriptionWorkflowInput,
} from '@vidflow/contracts/workflow';
import { announceCompletion } from './announce-completion';
import { describeRootCause } from './root-cause';

const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 6 };

/**
 * One transcription: probe -> extract 16 kHz audio -> plan chunks at silences -> transcribe every chunk in parallel
 * (at most `chunkParallelism` at once; the workers' tuner bounds the machine) -> merge and write the formats ->
 * optionally burn the subtitles in. State lives in workflow variables and is answered by the `status` query; the
 * return value is the same object, final. Cancelling stops the running activities (each kills its tool) and removes
 * the transcription's files; so does a failure, which carries the stage and progress in its details.
 */
export async function transcriptionWorkflow(input: TranscriptionWorkflowInput): Promise<TranscriptionProgress> {
  // Every attempt heartbeats (the worker's keep-alive interceptor on the speech-to-text queue, ffmpeg's progress on
  // the render queue): an attempt lost with its worker runs again after 30 s. On cancel, wait until the attempt has
  // killed its tool and removed its scratch files, so a cancelled transcription really stops using the machine.
  const common = { heartbeatTimeout: '30s', cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED, retry } as const;
  const stt = proxyActivities<SttActivities>({ ...common, taskQueue: input.sttTaskQueue, startToCloseTimeout: '2h' });
  const chunkStt = proxyActivities<SttActivities>({ ...common, taskQueue: input.sttTaskQueue, startToCloseTimeout: '30m' });
  const render = proxyActivities<TranscriptionRenderActivities>({ ...common, taskQueue: input.renderTaskQueue, startToCloseTimeout: '6h' });
  const { request, transcriptionId } = input;
  const burnIn = request.burnIn.enabled;
  const state: TranscriptionProgress = { stage: 'probe', progress: 0, chunks: { done: 0, total: 0, cacheHits: 0 } };
  const snapshot = (): TranscriptionProgress => ({ ...state, chunks: { ...state.chunks }, progress: transcriptionProgress({ ...state, burnIn }) });
  setHandler(transcriptionStatusQuery, snapshot);
  const enter = (stage: TranscriptionStage) => {
    state.stage = stage;
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.stage, value: stage }]);
  };
  /** The completion webhook, once the terminal status is known (see announceCompletion). */
  const announce = async (status: 'completed' | 'failed' | 'cancelled', error?: TranscriptionError) => {
    const webhook = await announceCompletion({
      subjectId: transcriptionId,
      callbackUrl: request.callbackUrl,
      type: `transcription.${status}`,
      retryHours: input.webhookRetryHours,
      data: (desc) => transcriptionStatusView({ id: transcriptionId, status, progress: snapshot(), ...(error ? { error } : {}), desc }),
    });
    if (webhook) state.webhook = webhook;
  };

  try {
    enter('probe');
    const probed = await stt.probeTranscriptionMedia({ transcriptionId, media: input.media });
    state.durationSeconds = probed.durationSeconds;
    if (burnIn && !probed.hasVideo) {
      throw ApplicationFailure.create({
        type: ErrorTypes.BadInput,
        message: 'burnIn.enabled: the source has no video stream to burn subtitles into (audio only)',
        nonRetryable: true,
        details: [{ field: 'burnIn.enabled' }],
      });
    }

    enter('extract');
    const audio = await stt.extractTranscriptionAudio({ transcriptionId, source: probed.source, durationSeconds: probed.durationSeconds });

    enter('split');
    const chunks = await stt.planTranscriptionChunks({
      transcriptionId,
      audio: audio.audio,
      durationSeconds: audio.durationSeconds,
      maxChunkSeconds: request.maxChunkSeconds,
    });
    state.chunks.total = chunks.length;

    enter('transcribe');
    const transcribed = await transcribeAll(chunks, input.chunkParallelism, async (chunk) => {
      const result = await chunkStt.transcribeChunk({
        transcriptionId,
        audio: audio.audio,
        chunk,
        language: request.language,
        provider: request.provider,
        cache: { mode: request.cache.mode, ttlSeconds: request.cache.ttlSeconds },
      });
      state.chunks.done++;
      if (result.cacheHit) state.chunks.cacheHits++;
      return result;
    });
    const engine = transcribed.find((t) => t.words > 0)?.engine ?? transcribed[0]?.engine ?? request.provider.name;

    enter('merge');
    const written = await stt.writeTranscript({
      transcriptionId,
      language: request.language,
      durationSeconds: audio.durationSeconds,
      engine,
      chunks: chunks.map((c, i) => ({ index: c.index, start: c.start, end: c.end, transcript: transcribed[i]!.transcript })),
      formats: request.formats,
      ...(burnIn ? { burnIn: { width: probed.width!, height: probed.height!, captions: request.burnIn.captions } } : {}),
    });
    const files = { ...written.files };

    if (burnIn) {
      enter('burn');
      const burned = await render.burnInSubtitles({
        transcriptionId,
        source: probed.source,
        captions: written.captions!,
        durationSeconds: probed.durationSeconds,
        audioCodec: probed.audioCodec,
        options: request.burnIn,
      });
      files.video = burned.video;
    }

    state.result = { language: request.language, durationSeconds: audio.durationSeconds, engine, files };
    enter('done');
    await stt.cleanupTranscription({ transcriptionId, outputs: false });
    await announce('completed');
    return snapshot();
  } catch (err) {
    // Nothing half-made stays behind: the cleanup runs even though the workflow's scope is cancelled.
    await CancellationScope.nonCancellable(() => stt.cleanupTranscription({ transcriptionId, outputs: true }));
    if (isCancellation(err)) {
      await announce('cancelled');
      throw err;
    }
    const cause = describeRootCause(err);
    // The error the API shows for the failed run (from this failure), and so the webhook's.
    await announce('failed', { type: cause.type ?? 'Error', message: cause.message, stage: state.stage });
    const details: TranscriptionFailureDetails = { stage: state.stage, progress: snapshot() };
    throw ApplicationFailure.create({
      type: cause.type ?? 'Error',
      message: cause.message,
      nonRetryable: true,
      details: [details],
      cause: err instanceof Error ? err : undefined,
    });
  }
}

/**
 * Runs `fn` over the chunks with at most `limit` in flight, results in chunk order. On the first failure it stops
 * starting chunks, cancels the running ones (their recognisers are killed) and waits for them to end before
 * rethrowing, so the cleanup that follows does not race a chunk still writing its transcript.
 */
async function transcribeAll(
  chunks: TranscriptionChunkPlan[],
  limit: number,
  fn: (chunk: TranscriptionChunkPlan) => Promise<TranscribedChunk>,
): Promise<TranscribedChunk[]> {
  const results = new Array<TranscribedChunk>(chunks.length);
  const scope = new CancellationScope();
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (next < chunks.length && !failure) {
      const index = next++;
      try {
        results[index] = await scope.run(() => fn(chunks[index]!));
      } catch (error) {
        if (!failure) {
          failure = { error };
          scope.cancel();
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, chunks.length)) }, lane));
  if (failure) throw failure.error;
  return results;
}
