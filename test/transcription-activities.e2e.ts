import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, NativeConnection, ResourceBasedController, Runtime, Worker } from '@temporalio/worker';
import {
  ArtifactStore,
  createSttActivities,
  createTranscriptionRenderActivities,
  PocketsphinxSpeechToTextProvider,
  wordErrorRate,
} from '@vidflow/activities';
import { type ArtifactCache, createCache } from '@vidflow/cache';
import {
  TRANSCRIPTION_WORKFLOW,
  TranscriptionRequestSchema,
  transcriptionWorkflowInput,
  type TranscriptionProgress,
  type TranscriptionRequestInput,
} from '@vidflow/contracts';
import { FfmpegRunner } from '@vidflow/media';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { cpuBoundSlots } from '../apps/worker/src/cpu-bound-slots';
import { keepAliveHeartbeatInterceptors } from '../apps/worker/src/keep-alive-heartbeat.interceptor';
import { WORKFLOW_BUNDLE } from '../libs/workflows/src/testing/fake-workers';
import { ffprobe } from './support/ffprobe';
import './support/e2e-timeout';

/** Debian's pocketsphinx-testdata: five LibriVox recordings of read English with their transcripts. */
const LIBRIVOX = '/usr/share/pocketsphinx/test/data/librivox';

/**
 * The transcription workflow with the real activities (ffmpeg, silencedetect, PocketSphinx, the cache, libass) on
 * the Temporal dev server, from a file in the data directory: a 1280x720 video whose audio is the five LibriVox
 * recordings with a second of silence between them. Upload handling is the API's; this starts from the file.
 */
describe('transcription with the real activities', () => {
  let root: string;
  let cache: ArtifactCache;
  let client: Client;
  let connection: Connection;
  let native: NativeConnection;
  let workers: Worker[];
  let running: Promise<unknown>;
  let reference: string;
  const queues = { io: `trn-io-${randomUUID()}`, stt: `trn-stt-${randomUUID()}`, render: `trn-render-${randomUUID()}` };

  beforeAll(async () => {
    try {
      // Worker start and stop logs at INFO would bury the test's own output; errors still show.
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      // installed already in this process
    }
    root = mkdtempSync(join(tmpdir(), 'vidflow-transcription-'));
    mkdirSync(join(root, 'uploads'));
    const lines = readFileSync(join(LIBRIVOX, 'transcription'), 'utf8').split('\n').map((l) => /^<s> (.*) <\/s> \((\S+)\)$/.exec(l.trim())).filter((m) => m !== null);
    reference = lines.map((m) => m![1]).join(' ');
    // Each recording followed by 1 s of silence, as 44.1 kHz stereo AAC under a plain H.264 picture.
    const inputs = lines.flatMap((m) => ['-i', join(LIBRIVOX, `${m![2]}.wav`)]);
    const pads = lines.map((_, i) => `[${i}:a]apad=pad_dur=1[a${i}]`).join(';');
    const concat = `${lines.map((_, i) => `[a${i}]`).join('')}concat=n=${lines.length}:v=0:a=1,aresample=44100,aformat=channel_layouts=stereo[a]`;
    execFileSync('ffmpeg', [
      '-v', 'error', '-y', ...inputs, '-f', 'lavfi', '-i', 'color=c=0x203040:s=1280x720:r=25',
      '-filter_complex', `${pads};${concat}`, '-map', `${lines.length}:v`, '-map', '[a]', '-shortest',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', join(root, 'uploads', 'reading.mp4'),
    ]);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=black:s=320x240:r=25:d=2', '-c:v', 'libx264', '-preset', 'ultrafast', join(root, 'uploads', 'silent.mp4')]);

    cache = await createCache({ dir: join(root, 'cache') });
    const deps = {
      store: new ArtifactStore(root),
      ffmpeg: new FfmpegRunner({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' }),
      speech: {},
      scriptWriters: {},
      renderPreset: 'ultrafast',
      cache,
      speechToText: { offline: new PocketsphinxSpeechToTextProvider() },
    };
    const address = process.env.TEMPORAL_TEST_ADDRESS!;
    connection = await Connection.connect({ address });
    native = await NativeConnection.connect({ address });
    client = new Client({ connection });
    // As the worker runs them: the speech-to-text queue with the resource-based tuner and keep-alive heartbeats.
    const controller = ResourceBasedController.create({ targetCpuUsage: 0.9, targetMemoryUsage: 0.9 });
    const tuner = { kind: 'resource-based' as const, targetCpuUsage: 0.9, targetMemoryUsage: 0.9 };
    const common = { connection: native, maxHeartbeatThrottleInterval: '1s' } as const;
    workers = await Promise.all([
      Worker.create({ ...common, taskQueue: queues.io, workflowBundle: { codePath: WORKFLOW_BUNDLE } }),
      Worker.create({
        ...common,
        taskQueue: queues.stt,
        activities: createSttActivities(deps),
        interceptors: { activity: [keepAliveHeartbeatInterceptors()] },
        ...cpuBoundSlots({ tuner, fixedSlots: 2, maximumSlots: 4, rampThrottle: '1s', controller: () => controller }),
      }),
      Worker.create({ ...common, taskQueue: queues.render, activities: createTranscriptionRenderActivities(deps) }),
    ]);
    running = Promise.all(workers.map((w) => w.run()));
  });

  afterAll(async () => {
    for (const w of workers ?? []) w.shutdown();
    await running;
    await native?.close();
    await connection?.close();
    await cache?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const transcribe = async (request: TranscriptionRequestInput, path: string) => {
    const transcriptionId = `trn-${randomUUID()}`;
    const input = transcriptionWorkflowInput({
      transcriptionId,
      request: TranscriptionRequestSchema.parse(request),
      media: { path },
      run: { ioTaskQueue: queues.io, sttTaskQueue: queues.stt, renderTaskQueue: queues.render, chunkParallelism: 2 },
    });
    const handle = await client.workflow.start(TRANSCRIPTION_WORKFLOW, { workflowId: transcriptionId, taskQueue: queues.io, args: [input] });
    return { transcriptionId, result: handle.result() as Promise<TranscriptionProgress> };
  };

  it('transcribes in chunks cut at the pauses, writes every format on the original timeline, burns them in, and repeats from the cache', async () => {
    // A caption style of the video renderer's: boxed, at the top of the frame.
    const request = { source: { upload: 'reading' }, maxChunkSeconds: 10, burnIn: { enabled: true, captions: { preset: 'boxed' as const, position: 'top' as const } } };
    const started = Date.now();
    const { transcriptionId, result } = await transcribe(request, 'uploads/reading.mp4');
    const value = await result;
    const seconds = (Date.now() - started) / 1000;
    const dir = join(root, 'transcriptions', transcriptionId);
    expect(value.stage).toBe('done');
    expect(value.chunks.total).toBeGreaterThanOrEqual(3);
    expect(value.chunks).toEqual({ done: value.chunks.total, total: value.chunks.total, cacheHits: 0 });
    expect(value.result!.engine).toBe('pocketsphinx 5prealpha (en-us)');
    expect(value.result!.files).toEqual({
      srt: `transcriptions/${transcriptionId}/subtitles.srt`,
      vtt: `transcriptions/${transcriptionId}/subtitles.vtt`,
      json: `transcriptions/${transcriptionId}/subtitles.json`,
      txt: `transcriptions/${transcriptionId}/subtitles.txt`,
      video: `transcriptions/${transcriptionId}/video.mp4`,
    });
    // The work files and scratch folders are gone; no .part file is left.
    expect(readdirSync(dir).sort()).toEqual(['subtitles.json', 'subtitles.srt', 'subtitles.txt', 'subtitles.vtt', 'video.mp4']);
    expect(existsSync(join(root, 'tmp', transcriptionId))).toBe(false);

    const json = JSON.parse(readFileSync(join(dir, 'subtitles.json'), 'utf8')) as {
      durationSeconds: number;
      engine: string;
      segments: Array<{ id: number; start: number; end: number; text: string; words: Array<{ word: string; start: number; end: number }> }>;
    };
    const words = json.segments.flatMap((s) => s.words);
    // Times are the original file's: in order, within it, and the last recording's words come after 20 s.
    for (let i = 1; i < words.length; i++) expect(words[i]!.start).toBeGreaterThanOrEqual(words[i - 1]!.start);
    expect(words[words.length - 1]!.end).toBeLessThanOrEqual(json.durationSeconds);
    expect(words[words.length - 1]!.start).toBeGreaterThan(20);
    const wer = wordErrorRate(reference, json.segments.map((s) => s.text).join(' '));
    const audioSeconds = json.durationSeconds;
    console.log(
      `transcription of ${audioSeconds.toFixed(1)} s in ${value.chunks.total} chunks (2 at a time, with burn-in): ${seconds.toFixed(1)} s wall, WER ${wer.toFixed(3)}`,
    );
    expect(wer).toBeLessThan(0.6);
    const srt = readFileSync(join(dir, 'subtitles.srt'), 'utf8');
    expect(srt).toMatch(/^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n\S/);
    expect(readFileSync(join(dir, 'subtitles.vtt'), 'utf8').startsWith('WEBVTT\n\n00:00:')).toBe(true);
    expect(readFileSync(join(dir, 'subtitles.txt'), 'utf8').split('\n').filter(Boolean)).toHaveLength(json.segments.length);

    const probed = ffprobe(join(dir, 'video.mp4'));
    const original = ffprobe(join(root, 'uploads', 'reading.mp4'));
    expect(probed.video).toEqual({ codec: 'h264', width: 1280, height: 720 });
    expect(probed.audio).toEqual({ codec: 'aac' });
    expect(Math.abs(probed.duration - original.duration)).toBeLessThan(0.2);
    // Captions are drawn where speech is: the picture is no longer one flat colour at a spoken word.
    const at = words[Math.floor(words.length / 2)]!;
    const frame = execFileSync('ffmpeg', [
      '-v', 'error', '-ss', String((at.start + at.end) / 2), '-i', join(dir, 'video.mp4'), '-frames:v', '1', '-vf', 'scale=160:90', '-f', 'rawvideo', '-pix_fmt', 'gray', '-',
    ]);
    expect(Math.max(...frame) - Math.min(...frame)).toBeGreaterThan(100);
    // In the style asked for (burnIn.captions): drawn in the top half, the bottom half stays the flat source colour.
    const half = frame.length / 2;
    const range = (b: Buffer) => Math.max(...b) - Math.min(...b);
    expect(range(frame.subarray(0, half))).toBeGreaterThan(100);
    expect(range(frame.subarray(half))).toBeLessThan(20);

    // The same audio again: every chunk's transcript comes from the cache, the text is the same.
    const again = await transcribe({ ...request, burnIn: { enabled: false }, formats: ['json'] }, 'uploads/reading.mp4');
    const second = await again.result;
    expect(second.chunks).toEqual({ done: value.chunks.total, total: value.chunks.total, cacheHits: value.chunks.total });
    const secondJson = JSON.parse(readFileSync(join(root, 'transcriptions', again.transcriptionId, 'subtitles.json'), 'utf8')) as typeof json;
    expect(secondJson.segments).toEqual(json.segments);
  });

  it('fails fast, without retries, on a file without audio, naming it', async () => {
    const { transcriptionId, result } = await transcribe({ source: { upload: 'silent' } }, 'uploads/silent.mp4');
    const error = await result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect({ type: cause.type, message: cause.message }).toEqual({
      type: 'BadMedia',
      message: 'source: "uploads/silent.mp4" has no audio stream: there is nothing to transcribe',
    });
    expect(cause.details).toEqual([expect.objectContaining({ stage: 'probe' })]);
    const history = await client.workflow.getHandle(transcriptionId).fetchHistory();
    const scheduled = history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'probeTranscriptionMedia');
    const attempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt);
    expect(scheduled).toHaveLength(1);
    expect(attempts[0]).toBe(1);
    expect(existsSync(join(root, 'transcriptions', transcriptionId))).toBe(false);
  });
});
