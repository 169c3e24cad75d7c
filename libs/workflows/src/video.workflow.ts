import {
  ActivityCancellationType,
  ApplicationFailure,
  type RetryPolicy,
  CancellationScope,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { IoActivities, LlmActivities, RenderActivities } from '@vidflow/activities';
import {
  captionMode,
  initialStages,
  overallProgress,
  resolveRender,
  SEARCH_ATTRIBUTES,
  type FoundSceneVisual,
  type SceneStatus,
  type SceneVisual,
  type Stage,
  toStatusView,
  type VideoError,
  videoStatusQuery,
  type VideoProgress,
  type VideoWorkflowInput,
  type WordTimeSource,
} from '@vidflow/contracts/workflow';
import { announceCompletion } from './announce-completion';
import { mapLimit } from './map-limit';
import { describeRootCause } from './root-cause';

const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 6 };

// Speech and script attempts are kept alive by the worker's heartbeats (keep-alive-heartbeat.interceptor.ts):
// one lost with its worker runs again after 30 s, not after the whole 5-minute start-to-close timeout.
// Timeouts are not part of replay's determinism check, so this needs no patch.
const keptAlive = { startToCloseTimeout: '5m', heartbeatTimeout: '30s', retry } as const;
const io = proxyActivities<IoActivities>(keptAlive);
// The pipeline-cache lookup runs in the workflow's own worker: a repeated request completes without
// a round trip through a task queue.
const local = proxyLocalActivities<IoActivities>({ startToCloseTimeout: '1m', retry });

/**
 * One video: script -> speech for every scene (in parallel) -> render. State lives in workflow
 * variables and is answered by the `status` query; the return value is the same object, final.
 */
export async function videoWorkflow(input: VideoWorkflowInput): Promise<VideoProgress> {
  const llm = proxyActivities<LlmActivities>({ ...keptAlive, taskQueue: input.llmTaskQueue });
  const render = proxyActivities<RenderActivities>({
    taskQueue: input.renderTaskQueue,
    startToCloseTimeout: '1h',
    // A worker killed mid-render stops heartbeating; after this long the attempt is retried elsewhere.
    heartbeatTimeout: '30s',
    // On cancel, wait until the attempt has killed ffmpeg and removed its scratch files, so that a
    // video reported as cancelled really has stopped using the machine.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry,
  });
  const { request, videoId } = input;
  const state: VideoProgress = { stage: 'script', progress: 0, stages: initialStages(), cacheHit: false };
  setHandler(videoStatusQuery, () => ({ ...state, progress: overallProgress(state.stages) }));

  const enter = (stage: Stage) => {
    state.stage = stage;
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.stage, value: stage }]);
  };
  const now = () => Date.now(); // workflow Date.now() is the deterministic workflow-task time
  const cache = { mode: request.cache.mode, ttlSeconds: request.cache.ttlSeconds };
  let madeFiles = false;

  /** The completion webhook, once the terminal status is known (see announceCompletion). */
  const announce = async (status: 'completed' | 'failed' | 'cancelled', error?: VideoError) => {
    const webhook = await announceCompletion({
      subjectId: videoId,
      callbackUrl: request.callbackUrl,
      type: `video.${status}`,
      retryHours: input.webhookRetryHours,
      data: (desc) =>
        toStatusView({
          id: videoId,
          status,
          progress: { ...state, progress: status === 'completed' ? 1 : overallProgress(state.stages) },
          ...(error ? { error } : {}),
          desc,
          fileUrl: `/api/videos/${videoId}/file`,
        }),
    });
    if (webhook) state.webhook = webhook;
  };

  try {
    if (cache.mode === 'use') {
      // The API looks a request up before it starts the run (read-only): a hit's file is placed here by a local
      // activity in the first workflow task, so the run still completes in one round trip. Runs with `hit`
      // (older APIs placed the file themselves) record it without an activity; batch items and runs whose
      // API lookup failed or ran out of time look the request up here. Each input has always meant the same
      // commands, so no patch is needed.
      const given = input.pipelineCache;
      const cached = given?.found
        ? await local.placePipelineHit({ videoId, ...given.found })
        : given
          ? given.hit
          : await local.lookupPipeline({ videoId, request });
      if (cached) {
        Object.assign(state, cached);
        enter('done');
        await announce('completed');
        return { ...state, progress: 1 };
      }
    }
    madeFiles = true;
    enter('script');
    let t0 = now();
    state.stages.script.status = 'running';
    const script = await llm.writeScript({
      videoId,
      topic: request.topic,
      script: request.script,
      scenes: request.scenes,
      language: request.language,
      llm: request.llm,
      cache,
    });
    Object.assign(state.stages.script, { status: 'completed', cacheHit: script.cacheHit, provider: script.provider, seconds: (now() - t0) / 1000 });
    state.sceneCount = script.scenes.length;

    enter('tts');
    t0 = now();
    Object.assign(state.stages.tts, { status: 'running', total: script.scenes.length });
    const resolved = resolveRender(request.render);
    const wantWordTimes = captionMode(resolved) === 'word';
    // Visuals (stock clips searched, or images generated) are found while the scenes are spoken. Only requests
    // with visuals call patched(): runs from before visuals replay without the marker. openai-images was refused
    // before generateSceneImage existed, so no earlier history has its activity.
    const visualsSoFar: Record<number, SceneVisual> = {};
    const asked = request.visuals && request.visuals.provider !== 'none' && patched('scene-visuals') ? request.visuals : undefined;
    const visualsProvider = asked?.provider;
    const found = (index: number, visual: FoundSceneVisual) => {
      // The status shows each scene's visual as soon as it is known (without the run file of a generated image).
      const { image: _image, ...shown } = visual;
      visualsSoFar[index] = shown;
      state.scenes = sceneStatuses(script.scenes.length, visualsSoFar);
      return visual;
    };
    const searching =
      visualsProvider && visualsProvider !== 'none'
        ? Promise.all(
            script.scenes.map(async (scene, index): Promise<FoundSceneVisual> => {
              if (scene.background) return found(index, { source: 'background', reason: 'the scene has its own background' });
              const sceneInput = {
                videoId,
                index,
                text: scene.text,
                ...(scene.keywords ? { keywords: scene.keywords } : {}),
                ...(request.topic ? { topic: request.topic } : {}),
                width: resolved.width,
                height: resolved.height,
              };
              return found(
                index,
                visualsProvider === 'openai-images'
                  ? await io.generateSceneImage({ ...sceneInput, ...(asked?.style ? { style: asked.style } : {}), cache })
                  : await io.findSceneVisual({ ...sceneInput, provider: visualsProvider }),
              );
            }),
          )
        : Promise.resolve(undefined);
    const [audio, visuals] = await Promise.all([
      mapLimit(script.scenes, input.ttsParallelism, async (scene, index) => {
        const result = await io.synthesizeScene({
          videoId,
          index,
          text: scene.text,
          language: request.language,
          voice: request.voice,
          cache,
          // An activity input only (no new command), so runs from before it replay unchanged.
          ...(wantWordTimes ? { wordTimes: true } : {}),
        });
        state.stages.tts.done++;
        if (result.cacheHit) state.stages.tts.cacheHits++;
        return result;
      }),
      searching,
    ]);
    const audioSeconds = Math.round(audio.reduce((sum, a) => sum + a.durationSeconds, 0) * 1000) / 1000;
    Object.assign(state.stages.tts, { status: 'completed', seconds: (now() - t0) / 1000, audioSeconds });

    enter('render');
    t0 = now();
    state.stages.render.status = 'running';
    const rendered = await render.renderVideo({
      videoId,
      language: request.language,
      render: resolved,
      scenes: script.scenes.map((scene, i) => ({
        ...scene,
        ...sceneVisualInput(visuals?.[i], asked?.motion ?? 'kenburns'),
        audioPath: audio[i]!.audioPath,
        durationSeconds: audio[i]!.durationSeconds,
        ...(audio[i]!.words ? { words: audio[i]!.words } : {}),
        ...(audio[i]!.wordSource ? { wordSource: audio[i]!.wordSource } : {}),
      })),
      cache,
    });
    Object.assign(state.stages.render, {
      status: 'completed',
      progress: 1,
      cacheHit: rendered.cacheHit,
      attempt: rendered.attempt,
      seconds: (now() - t0) / 1000,
      ...(rendered.encoder ? { encoder: rendered.encoder } : {}),
    });
    const { cacheHit: _cacheHit, attempt: _attempt, wordTimes, encoder: _encoder, ...file } = rendered;
    if (wordTimes || visuals) state.scenes = sceneStatuses(script.scenes.length, visualsSoFar, wordTimes);
    state.result = file;
    enter('done');
    const final = { ...state, progress: 1 };
    // Activity inputs are not part of replay's determinism check, so the added fields need no patch.
    if (cache.mode !== 'bypass') await io.storePipeline({ videoId, request, progress: final, startedAtMs: workflowInfo().runStartTime.getTime() });
    await announce('completed');
    return { ...final, ...(state.webhook ? { webhook: state.webhook } : {}) };
  } catch (err) {
    const failedStage = state.stage;
    const step = state.stages[failedStage as Exclude<Stage, 'done'>];
    if (step) step.status = isCancellation(err) ? 'cancelled' : 'failed';
    if (isCancellation(err)) {
      await announce('cancelled');
      throw err;
    }
    // Fail the workflow with the root cause's type and message and the stage it happened in, so that
    // the API can show "tts: espeak-ng has no voice ..." without digging through the failure chain.
    const cause = describeRootCause(err);
    await announce('failed', { type: cause.type ?? 'Error', message: cause.message, stage: failedStage });
    throw ApplicationFailure.create({
      type: cause.type ?? 'Error',
      message: cause.message,
      nonRetryable: true,
      // The progress travels with the failure, so a failed video's status is read without a query (which
      // would make a worker replay the closed workflow).
      details: [{ stage: failedStage, progress: { ...state, progress: overallProgress(state.stages) } }],
      cause: err instanceof Error ? err : undefined,
    });
  } finally {
    // Runs on success, failure and cancellation alike; a cancelled scope must not stop the cleanup.
    // A pipeline-cache hit made no intermediate files, and skipping the activity keeps it fast.
    if (madeFiles) await CancellationScope.nonCancellable(() => io.cleanupVideo({ videoId }));
  }
}

/** What the render shows for a scene's visual: a stock clip as its background video, a generated image with its motion. */
function sceneVisualInput(visual: FoundSceneVisual | undefined, motion: 'none' | 'kenburns') {
  if (visual?.source === 'pexels' || visual?.source === 'pixabay') return { background: { video: visual.url } };
  if (visual?.source === 'openai-images' && visual.image) return { generatedImage: { path: visual.image, ...(motion === 'kenburns' ? { motion } : {}) } };
  return {};
}

/** The status's `scenes[]`: per scene, what timed its caption words and what it showed (each when known). */
function sceneStatuses(count: number, visuals: Record<number, SceneVisual>, wordTimes?: WordTimeSource[]): SceneStatus[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    ...(wordTimes?.[index] ? { wordTimes: wordTimes[index] } : {}),
    ...(visuals[index] ? { visual: visuals[index] } : {}),
  }));
}
