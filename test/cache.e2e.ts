import type { CacheStats } from '@vidflow/cache';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { VideoRequestInput, VideoStatusView, VideoWorkflowInput } from '@vidflow/contracts';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ffprobe } from './support/ffprobe';
import { startTestStack, type TestStack, waitForVideo } from './support/test-stack';

/**
 * The content-addressed cache end to end: REST API -> Temporal -> real worker (espeak-ng, ffmpeg) with the
 * cache every stage uses. Requests are told apart by their words, so each test sees only its own entries in
 * the stack's fresh cache; assertions are on statuses, hit flags and the cache's own counters, never on ids
 * (identical requests may share an id while one runs, or get a new one answered by the pipeline cache).
 */
describe('cache end to end', () => {
  let stack: TestStack;
  let connection: Connection;
  let temporal: Client;
  beforeAll(async () => {
    // The 100 concurrent submissions below are one client: no rate limit in the way.
    stack = await startTestStack({ RATE_LIMIT_PER_SECOND: '0' });
    connection = await Connection.connect({ address: stack.config.temporal.address });
    temporal = new Client({ connection, namespace: stack.config.temporal.namespace });
  });
  afterAll(async () => {
    await connection?.close();
    await stack?.stop();
  });
  /** Small frames keep the renders quick; what is cached does not depend on the size. */
  const small = { height: 320 } as const;

  async function submit(body: VideoRequestInput, headers: Record<string, string> = {}): Promise<string> {
    const res = await stack.api.post('/api/videos').set(headers).send(body).expect(202);
    return res.body.id as string;
  }
  async function make(body: VideoRequestInput, headers: Record<string, string> = {}): Promise<VideoStatusView> {
    const status = await waitForVideo(stack.api, await submit(body, headers));
    expect(status).toMatchObject({ status: 'completed', stage: 'done', progress: 1 });
    return status;
  }
  async function stats(): Promise<CacheStats> {
    return (await stack.api.get('/api/cache/stats').expect(200)).body as CacheStats;
  }
  const fileOf = (status: VideoStatusView) => join(stack.config.dataDir, 'videos', `${status.id}.mp4`);
  const bytesOf = (status: VideoStatusView) => readFileSync(fileOf(status));
  /** Every stage computed, none came from the cache. */
  const computed = (s: VideoStatusView) => {
    expect(s.cacheHit).toBe(false);
    expect(s.stages.tts.cacheHits).toBe(0);
    expect(s.stages.render.cacheHit).toBe(false);
    // No hardware encoder on this machine: RENDER_ENCODER=auto renders with libx264, and the status says so.
    expect(s.stages.render.encoder).toBe('libx264');
  };

  it('answers an identical request from the pipeline cache, every stage saying hit', async () => {
    const body = { script: 'Honey never spoils. Jars from old tombs are still edible.', render: small };
    const first = await make(body);
    computed(first);
    // One file on disk: the video, its render entry and its pipeline entry are hard links to one inode.
    expect(statSync(fileOf(first)).nlink).toBe(3);
    const before = await stats();

    // The API finds the video in the pipeline cache itself (read-only): the POST answers `completed`, and the run
    // it started placed the cached file with one local activity in its one workflow task (expectRepeatRun).
    const post = await stack.api.post('/api/videos').send(body).expect(202);
    expect(post.body.status).toBe('completed');
    const again = (await stack.api.get(`/api/videos/${post.body.id}`).expect(200)).body as VideoStatusView;
    expect(again).toMatchObject({ status: 'completed', stage: 'done', progress: 1 });
    const history = await temporal.workflow.getHandle(again.id).fetchHistory();
    const events = history.events ?? [];
    expectRepeatRun(events);
    expect(again.cacheHit).toBe(true);
    expect(again.stages.script).toMatchObject({ status: 'completed', cacheHit: true });
    expect(again.stages.tts).toMatchObject({ status: 'completed', total: first.stages.tts.total, cacheHits: first.stages.tts.total });
    expect(again.stages.render).toMatchObject({ status: 'completed', cacheHit: true, encoder: 'libx264' });
    expect(again.result).toMatchObject({ bytes: first.result!.bytes, width: first.result!.width, height: first.result!.height });
    const download = await stack.api.get(again.result!.file).buffer(true).expect(200);
    expect(download.body.equals(bytesOf(first))).toBe(true);
    expect(statSync(fileOf(again)).ino).toBe(statSync(fileOf(first)).ino);

    const after = await stats();
    expect(after.byStage.pipeline.hits - before.byStage.pipeline.hits).toBe(1);
    // Nothing below the pipeline was even asked.
    for (const stage of ['script', 'tts', 'render'] as const) {
      expect(after.byStage[stage]).toMatchObject({ hits: before.byStage[stage].hits, misses: before.byStage[stage].misses });
    }
  });

  it('re-synthesises only the edited scene of a three-scene request', async () => {
    const scenes = ['Bees can recognise faces.', 'They dance to give directions.', 'A hive can hold sixty thousand bees.'];
    const first = await make({ scenes: scenes.map((text) => ({ text })), render: small });
    computed(first);
    expect(first.stages.tts.total).toBe(3);

    const edited = await make({ scenes: [scenes[0], 'They waggle to give directions.', scenes[2]].map((text) => ({ text })), render: small });
    expect(edited.cacheHit).toBe(false);
    expect(edited.stages.script).toMatchObject({ status: 'completed', provider: 'input' });
    expect(edited.stages.tts).toMatchObject({ status: 'completed', total: 3, cacheHits: 2 });
    expect(edited.stages.render.cacheHit).toBe(false);
  });

  it('changing only the render settings reuses the script and all the speech, and renders again', async () => {
    const body = { topic: 'glaciers', llm: { targetSeconds: 8 }, render: { aspect: '9:16', ...small } } as const;
    const first = await make(body);
    computed(first);
    expect(first.stages.script).toMatchObject({ provider: 'offline', cacheHit: false });

    const wide = await make({ ...body, render: { aspect: '16:9', ...small } });
    expect(wide.cacheHit).toBe(false);
    expect(wide.stages.script).toMatchObject({ provider: 'offline', cacheHit: true });
    expect(wide.stages.tts.total).toBe(first.stages.tts.total);
    expect(wide.stages.tts.cacheHits).toBe(wide.stages.tts.total);
    expect(wide.stages.render.cacheHit).toBe(false);
    expect(ffprobe(fileOf(wide)).video).toEqual({ codec: 'h264', width: 568, height: 320 });
  });

  it('a render-only repeat under a new video id takes its file from the render cache', async () => {
    const body = { script: 'Sloths can hold their breath for forty minutes.', render: small };
    const first = await make(body);
    computed(first);
    // Without the whole-pipeline entry, the repeat runs every stage and the render stage's own cache answers.
    await stack.api.delete('/api/cache').query({ stage: 'pipeline' }).expect(200);
    const before = await stats();

    const repeat = await make(body, { 'Idempotency-Key': `render-only-${randomUUID()}` });
    expect(repeat.id).not.toBe(first.id);
    expect(repeat.cacheHit).toBe(false);
    expect(repeat.stages.tts.cacheHits).toBe(repeat.stages.tts.total);
    expect(repeat.stages.render).toMatchObject({ status: 'completed', cacheHit: true });
    expect(bytesOf(repeat).equals(bytesOf(first))).toBe(true);
    expect(ffprobe(fileOf(repeat))).toMatchObject({ video: { codec: 'h264', width: 180, height: 320 }, audio: { codec: 'aac' } });

    const after = await stats();
    expect(after.byStage.render.hits - before.byStage.render.hits).toBe(1);
    expect(after.byStage.render.misses).toBe(before.byStage.render.misses);
  });

  it('a background replaced under the same name gives a new video, not the cached one', async () => {
    mkdirSync(stack.config.mediaDir, { recursive: true });
    const picture = (colour: string) =>
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=${colour}:s=90x160`, '-frames:v', '1', join(stack.config.mediaDir, 'backdrop.png')]);
    const body = { script: 'Flamingos are pink because of what they eat.', render: { ...small, captions: { enabled: false }, background: { image: 'backdrop.png' } } };
    picture('red');
    const red = await make(body);
    computed(red);
    expect(dominant(fileOf(red))).toBe('red');

    picture('blue');
    const blue = await make(body);
    expect(blue.cacheHit).toBe(false);
    expect(blue.stages.tts.cacheHits).toBe(blue.stages.tts.total);
    expect(blue.stages.render.cacheHit).toBe(false);
    expect(dominant(fileOf(blue))).toBe('blue');

    // And the blue one is now what an identical request gets.
    // The API finds the video in the pipeline cache itself (read-only): the POST answers `completed`, and the run
    // it started placed the cached file with one local activity in its one workflow task (expectRepeatRun).
    const post = await stack.api.post('/api/videos').send(body).expect(202);
    expect(post.body.status).toBe('completed');
    const again = (await stack.api.get(`/api/videos/${post.body.id}`).expect(200)).body as VideoStatusView;
    expect(again).toMatchObject({ status: 'completed', stage: 'done', progress: 1 });
    const history = await temporal.workflow.getHandle(again.id).fetchHistory();
    const events = history.events ?? [];
    expectRepeatRun(events);
    expect(again.cacheHit).toBe(true);
    expect(dominant(fileOf(again))).toBe('blue');
  });

  it('refresh recomputes every stage and rewrites the entries', async () => {
    const body = { script: 'Octopuses taste with their arms.', render: small };
    const first = await make(body);
    computed(first);
    // One file on disk: the video, its render entry and its pipeline entry are hard links to one inode.
    expect(statSync(fileOf(first)).nlink).toBe(3);
    const before = await stats();

    const refreshed = await make({ ...body, cache: { mode: 'refresh' } });
    computed(refreshed);
    const after = await stats();
    // Nothing was read (no hit, no miss counted) and each stage's entry was replaced, not added.
    expect(after.hits).toBe(before.hits);
    expect(after.misses).toBe(before.misses);
    expect(after.entries).toBe(before.entries);

    // The API finds the video in the pipeline cache itself (read-only): the POST answers `completed`, and the run
    // it started placed the cached file with one local activity in its one workflow task (expectRepeatRun).
    const post = await stack.api.post('/api/videos').send(body).expect(202);
    expect(post.body.status).toBe('completed');
    const again = (await stack.api.get(`/api/videos/${post.body.id}`).expect(200)).body as VideoStatusView;
    expect(again).toMatchObject({ status: 'completed', stage: 'done', progress: 1 });
    const history = await temporal.workflow.getHandle(again.id).fetchHistory();
    const events = history.events ?? [];
    expectRepeatRun(events);
    expect(again.cacheHit).toBe(true);
  });

  it('bypass neither reads nor writes the cache', async () => {
    const cached = { script: 'Honey never spoils. Jars from old tombs are still edible.', render: small };
    const fresh = { script: 'Crows remember the faces of people who wronged them.', render: small };
    const before = await stats();

    // Cached already (first test), yet every stage computes.
    computed(await make({ ...cached, cache: { mode: 'bypass' } }));
    // Not cached, and stays so: the same request again computes again.
    computed(await make({ ...fresh, cache: { mode: 'bypass' } }));
    computed(await make({ ...fresh, cache: { mode: 'bypass' } }));

    const after = await stats();
    expect(after.entries).toBe(before.entries);
    expect(after.bytes).toBe(before.bytes);
    expect(after.byStage).toEqual(before.byStage);
  });

  it('100 identical concurrent submissions all complete, from exactly one render', async () => {
    const body = { script: 'Sharks are older than trees. They have been around for four hundred million years.', render: small };
    const before = await stats();

    const ids = await Promise.all(Array.from({ length: 100 }, () => submit(body)));
    expect(ids).toHaveLength(100);
    const statuses = new Map<string, VideoStatusView>();
    for (const id of new Set(ids)) statuses.set(id, await waitForVideo(stack.api, id));
    for (const id of ids) expect(statuses.get(id)).toMatchObject({ status: 'completed', stage: 'done' });

    // The count that cannot pass with two renders: the render stage was asked once, and missed. A second
    // run reaching the render would count a second miss, or a hit.
    const after = await stats();
    expect(after.byStage.render.misses - before.byStage.render.misses).toBe(1);
    expect(after.byStage.render.hits).toBe(before.byStage.render.hits);
    expect(after.byStage.render.entries - before.byStage.render.entries).toBe(1);
    expect(after.byStage.pipeline.entries - before.byStage.pipeline.entries).toBe(1);
    // Every other answer came whole from the pipeline cache (an id that later got a run of its own shows that run).
    const computedRuns = [...statuses.values()].filter((s) => !s.cacheHit);
    expect(computedRuns.length).toBeLessThanOrEqual(1);
    for (const s of computedRuns) expect(s.stages.render.cacheHit).toBe(false);
    expect(new Set([...statuses.values()].map((s) => s.result!.bytes)).size).toBe(1);
  });
});

/** Which of red, green and blue dominates the first frame, averaged down to one pixel. */
function dominant(file: string): 'red' | 'green' | 'blue' {
  const [r, g, b] = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-frames:v', '1', '-vf', 'scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  return r! >= g! && r! >= b! ? 'red' : g! >= b! ? 'green' : 'blue';
}

type HistoryEvents = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>;

/** The arguments a run was started with, from its first history event. */
function startInput(events: HistoryEvents | undefined): VideoWorkflowInput[] {
  return (events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload<VideoWorkflowInput>(p));
}

/**
 * The history of a run the API started with a pipeline hit it found: no activity task, exactly one local
 * activity (placePipelineHit, which links the cached MP4 at the new video's path) and one workflow task,
 * i.e. one round trip between the worker and Temporal.
 */
function expectRepeatRun(events: HistoryEvents): void {
  expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toEqual([]);
  const markers = events.filter((e) => e.markerRecordedEventAttributes);
  expect(markers).toHaveLength(1);
  const payload = markers[0]!.markerRecordedEventAttributes!.details!.data!.payloads![0]!;
  expect(JSON.parse(Buffer.from(payload.data!).toString('utf8'))).toMatchObject({ activity_type: 'placePipelineHit' });
  expect(events.filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(1);
  const [input] = startInput(events);
  expect(input?.pipelineCache?.found?.progress.result).toBeDefined();
  expect(input?.pipelineCache).not.toHaveProperty('hit');
}
