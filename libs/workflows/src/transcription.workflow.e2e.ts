import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  TRANSCRIPTION_WORKFLOW,
  transcriptionStatusQuery,
  type TranscribeChunkInput,
  type TranscriptionProgress,
  type TranscriptionStatusView,
  type TranscriptionWorkflowInput,
  type WebhookAttemptInput,
  webhookWorkflowId,
} from '@vidflow/contracts';
import { deliveryInput } from './testing/delivery-input';
import { fakeActivities, heartbeatUntilCancelled } from './testing/fake-activities';
import { type FakeStack, withFakeWorkers } from './testing/fake-workers';

/**
 * The transcription workflow on the real Temporal dev server with fake activities: the order of the steps, the chunk
 * parallelism bound, progress by query, burn-in on the render queue, failures with their stage, cancellation and the
 * removal of partial files.
 */
describe('transcriptionWorkflow', () => {
  const start = (stack: FakeStack, input: TranscriptionWorkflowInput) =>
    stack.client.workflow.start(TRANSCRIPTION_WORKFLOW, { workflowId: input.transcriptionId, taskQueue: stack.taskQueues.io, args: [input] });

  const failureOf = async (p: Promise<TranscriptionProgress>): Promise<ApplicationFailure> => {
    const error = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    return cause as ApplicationFailure;
  };
  const starts = (stack: FakeStack) => stack.log.filter((l) => l.startsWith('start'));

  it('probes, extracts, plans, transcribes the chunks at most chunkParallelism at once, writes the formats and cleans up its work files', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const fake = fakeActivities();
    await withFakeWorkers(
      {
        transcribeChunk: async (i: TranscribeChunkInput) => {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          await new Promise((r) => setTimeout(r, 150));
          inFlight--;
          return { ...(await fake.transcribeChunk(i)), cacheHit: i.chunk.index === 2 };
        },
      },
      async (stack) => {
        const input = stack.transcriptionInput({ source: { upload: 'abc' }, formats: ['srt', 'json'] });
        const value = await (await start(stack, input)).result();
        // 95 s in 30 s chunks: four, two at a time.
        expect(maxInFlight).toBe(2);
        const s = starts(stack);
        expect(s.slice(0, 3)).toEqual(['start probeTranscriptionMedia', 'start extractTranscriptionAudio', 'start planTranscriptionChunks']);
        expect(s.slice(3, 7).sort()).toEqual([0, 1, 2, 3].map((i) => `start transcribeChunk ${i}`));
        expect(s.slice(7)).toEqual(['start writeTranscript', 'start cleanupTranscription outputs=false']);
        expect(stack.log.indexOf('start writeTranscript')).toBeGreaterThan(Math.max(...[0, 1, 2, 3].map((i) => stack.log.indexOf(`end transcribeChunk ${i}`))));
        const id = input.transcriptionId;
        expect(value).toEqual({
          stage: 'done',
          progress: 1,
          chunks: { done: 4, total: 4, cacheHits: 1 },
          durationSeconds: 95,
          result: {
            language: 'en',
            durationSeconds: 95,
            engine: 'fake offline',
            files: { srt: `transcriptions/${id}/subtitles.srt`, json: `transcriptions/${id}/subtitles.json` },
          },
        });
      },
    );
  });

  it('answers the status query while chunks run: stage, chunks done of total', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fake = fakeActivities();
    await withFakeWorkers(
      {
        transcribeChunk: async (i: TranscribeChunkInput) => {
          if (i.chunk.index >= 2) await gate;
          return fake.transcribeChunk(i);
        },
      },
      async (stack) => {
        const handle = await start(stack, stack.transcriptionInput({ source: { upload: 'abc' } }));
        let status: TranscriptionProgress | undefined;
        for (let i = 0; i < 200; i++) {
          status = await handle.query(transcriptionStatusQuery);
          if (status.chunks.done === 2) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(status).toMatchObject({ stage: 'transcribe', chunks: { done: 2, total: 4, cacheHits: 0 }, durationSeconds: 95 });
        expect(status!.progress).toBeGreaterThan(0.1);
        expect(status!.progress).toBeLessThan(1);
        release();
        expect((await handle.result()).stage).toBe('done');
      },
    );
  });

  it('burns the subtitles in on the render queue after writing them, and returns the video', async () => {
    await withFakeWorkers({}, async (stack) => {
      const input = stack.transcriptionInput({ source: { video: 'vid-1' }, burnIn: { enabled: true } });
      const value = await (await start(stack, input)).result();
      expect(starts(stack).slice(-3)).toEqual(['start writeTranscript', 'start burnInSubtitles', 'start cleanupTranscription outputs=false']);
      expect(value.result!.files.video).toBe(`transcriptions/${input.transcriptionId}/video.mp4`);
    });
  });

  it('refuses a burn-in of a source without video at the probe, naming burnIn.enabled, and removes what it made', async () => {
    await withFakeWorkers(
      { probeTranscriptionMedia: async () => ({ source: 'uploads/a.wav', durationSeconds: 5, hasVideo: false, audioCodec: 'pcm_s16le' }) },
      async (stack) => {
        const cause = await failureOf((await start(stack, stack.transcriptionInput({ source: { upload: 'a' }, burnIn: { enabled: true } }))).result());
        expect(cause.type).toBe('BadInput');
        expect(cause.message).toContain('burnIn.enabled');
        expect(cause.details).toEqual([{ stage: 'probe', progress: expect.objectContaining({ stage: 'probe' }) }]);
        expect(starts(stack)).toEqual(['start probeTranscriptionMedia', 'start cleanupTranscription outputs=true']);
      },
    );
  });

  it('fails fast on a file without audio: one probe attempt, the message naming it', async () => {
    await withFakeWorkers(
      {
        probeTranscriptionMedia: async () => {
          throw ApplicationFailure.create({ type: 'BadMedia', message: 'source: "uploads/silent.mp4" has no audio stream: there is nothing to transcribe', nonRetryable: true });
        },
      },
      async (stack) => {
        const cause = await failureOf((await start(stack, stack.transcriptionInput({ source: { upload: 'silent' } }))).result());
        expect({ type: cause.type, message: cause.message }).toEqual({
          type: 'BadMedia',
          message: 'source: "uploads/silent.mp4" has no audio stream: there is nothing to transcribe',
        });
        expect(starts(stack)).toEqual(['start probeTranscriptionMedia', 'start cleanupTranscription outputs=true']);
      },
    );
  });

  it('on a chunk that cannot be transcribed, cancels the chunk still running, waits for it, and fails in stage transcribe', async () => {
    let otherEnded = '';
    await withFakeWorkers(
      {
        transcribeChunk: async (i: TranscribeChunkInput) => {
          if (i.chunk.index === 1) {
            await new Promise((r) => setTimeout(r, 200));
            throw ApplicationFailure.create({ type: 'ProviderRejected', message: 'OpenAI transcription (whisper-1) was rejected (400): bad audio', nonRetryable: true });
          }
          try {
            await heartbeatUntilCancelled(60_000);
          } catch (err) {
            otherEnded = 'cancelled';
            throw err;
          }
          throw new Error('chunk 0 was not cancelled within a minute');
        },
      },
      async (stack) => {
        const cause = await failureOf((await start(stack, stack.transcriptionInput({ source: { upload: 'a' }, provider: { name: 'openai' } }))).result());
        expect({ type: cause.type, message: cause.message }).toEqual({ type: 'ProviderRejected', message: 'OpenAI transcription (whisper-1) was rejected (400): bad audio' });
        expect(cause.details).toEqual([{ stage: 'transcribe', progress: expect.objectContaining({ chunks: { done: 0, total: 4, cacheHits: 0 } }) }]);
        expect(otherEnded).toBe('cancelled');
        // No chunk after the failure was started, nothing written, and the cleanup came after the cancelled chunk ended.
        // The two chunks run in parallel, so the worker may start either first.
        expect(starts(stack).filter((l) => l.startsWith('start transcribeChunk')).sort()).toEqual(['start transcribeChunk 0', 'start transcribeChunk 1']);
        expect(stack.log).not.toContain('start writeTranscript');
        expect(stack.log.indexOf('end transcribeChunk 0')).toBeLessThan(stack.log.indexOf('start cleanupTranscription outputs=true'));
      },
    );
  });

  it('cancelled while transcribing: the running chunks stop before the run ends, then its files are removed', async () => {
    let running!: () => void;
    const started = new Promise<void>((r) => (running = r));
    const cancelled: number[] = [];
    await withFakeWorkers(
      {
        transcribeChunk: async (i: TranscribeChunkInput) => {
          running();
          try {
            await heartbeatUntilCancelled(60_000);
          } catch (err) {
            cancelled.push(i.chunk.index);
            throw err;
          }
          throw new Error('chunk was not cancelled within a minute');
        },
      },
      async (stack) => {
        const handle = await start(stack, stack.transcriptionInput({ source: { upload: 'a' } }));
        await started;
        await handle.cancel();
        const error = await handle.result().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
        expect((await handle.describe()).status.name).toBe('CANCELLED');
        expect(cancelled.sort()).toEqual([0, 1]);
        const cleanup = stack.log.indexOf('start cleanupTranscription outputs=true');
        expect(cleanup).toBeGreaterThan(stack.log.indexOf('end transcribeChunk 0'));
        expect(cleanup).toBeGreaterThan(stack.log.indexOf('end transcribeChunk 1'));
        expect(stack.log).not.toContain('start writeTranscript');
      },
    );
  });

  describe('the completion webhook (request.callbackUrl)', () => {
    const callbackUrl = 'https://hooks.example.com/transcriptions';
    const sent: WebhookAttemptInput[] = [];
    const deliverWebhook = async (i: WebhookAttemptInput) => {
      sent.push(i);
      return { outcome: 'delivered' as const, status: 200 };
    };
    const delivered = (stack: FakeStack, id: string) => stack.client.workflow.getHandle(webhookWorkflowId(id)).result();
    const eventsOf = (id: string) => sent.filter((s) => (s.event.data as TranscriptionStatusView).id === id).map((s) => s.event);

    it('a completed transcription starts one delivery of transcription.completed, its data the status with file URLs', async () => {
      await withFakeWorkers({ deliverWebhook }, async (stack) => {
        const input = stack.transcriptionInput({ source: { upload: 'abc' }, formats: ['srt', 'txt'], callbackUrl }, { webhookRetryHours: 1 });
        const handle = await start(stack, input);
        const value = await handle.result();
        expect(value.webhook).toEqual({ status: 'pending', attempts: 0 });
        expect(await delivered(stack, input.transcriptionId)).toEqual({ status: 'delivered', attempts: 1, deliveredAt: expect.any(String) });
        // After the work files are removed: the webhook says the transcription is done, nothing else runs after it.
        // (Read once the delivery has ended: its workflow runs on its own and may start before handle.result() returns.)
        expect(starts(stack).slice(-2)).toEqual(['start cleanupTranscription outputs=false', 'start deliverWebhook']);
        const desc = await handle.describe();
        expect(await deliveryInput(stack.client, input.transcriptionId)).toMatchObject({
          messageId: `msg_${input.transcriptionId}_${desc.runId}`,
          retryHours: 1,
          event: { data: { createdAt: desc.startTime.toISOString() } },
        });
        const self = `/api/transcriptions/${input.transcriptionId}`;
        expect(eventsOf(input.transcriptionId)).toEqual([
          {
            type: 'transcription.completed',
            timestamp: expect.any(String),
            data: {
              id: input.transcriptionId,
              status: 'completed',
              stage: 'done',
              progress: 1,
              chunks: { done: 4, total: 4, cacheHits: 0 },
              result: { language: 'en', durationSeconds: 95, engine: 'fake offline', files: { srt: `${self}/subtitles.srt`, txt: `${self}/subtitles.txt` } },
              createdAt: expect.any(String),
              updatedAt: expect.any(String),
            },
          },
        ]);
      });
    });

    it('a failed transcription announces transcription.failed with the error and its stage; a cancelled one transcription.cancelled', async () => {
      let running!: () => void;
      const started = new Promise<void>((r) => (running = r));
      await withFakeWorkers(
        {
          deliverWebhook,
          transcribeChunk: async (i: TranscribeChunkInput) => {
            if (i.language === 'en-GB') throw ApplicationFailure.nonRetryable('the recogniser crashed', 'ProviderError');
            running();
            await heartbeatUntilCancelled(60_000);
            throw new Error('chunk was not cancelled within a minute');
          },
        },
        async (stack) => {
          const failing = stack.transcriptionInput({ source: { upload: 'a' }, language: 'en-GB', callbackUrl });
          await failureOf((await start(stack, failing)).result());
          await delivered(stack, failing.transcriptionId);
          expect(eventsOf(failing.transcriptionId)).toEqual([
            expect.objectContaining({
              type: 'transcription.failed',
              data: expect.objectContaining({ status: 'failed', stage: 'transcribe', error: { type: 'ProviderError', message: 'the recogniser crashed', stage: 'transcribe' } }),
            }),
          ]);

          const cancelling = stack.transcriptionInput({ source: { upload: 'b' }, callbackUrl });
          const handle = await start(stack, cancelling);
          await started;
          await handle.cancel();
          await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
          expect((await handle.describe()).status.name).toBe('CANCELLED');
          expect(await delivered(stack, cancelling.transcriptionId)).toMatchObject({ status: 'delivered', attempts: 1 });
          expect(eventsOf(cancelling.transcriptionId)).toEqual([
            expect.objectContaining({ type: 'transcription.cancelled', data: expect.objectContaining({ status: 'cancelled', stage: 'transcribe' }) }),
          ]);
        },
      );
    });
  });
});
