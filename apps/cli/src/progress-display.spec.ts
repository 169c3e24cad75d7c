import type { VideoStatusView } from '@vidflow/contracts';
import { formatBatchProgress, formatBatchSummary, type BatchStatusView } from './format-batch';
import { formatProgressBar, formatPercent } from '@vidflow/contracts';
import { formatBytes, formatVideoProgress, formatVideoStatus } from './format-video-progress';
import { ProgressDisplay, type OutputStream } from './progress-display';

function status(overrides: Partial<VideoStatusView> = {}): VideoStatusView {
  return {
    id: 'vid-1',
    status: 'running',
    stage: 'tts',
    progress: 0.175,
    stages: {
      script: { status: 'completed', cacheHit: false },
      tts: { status: 'running', done: 3, total: 8, cacheHits: 0 },
      render: { status: 'pending', progress: 0, attempt: 0, cacheHit: false },
    },
    cacheHit: false,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:01Z',
    ...overrides,
  };
}

function fakeOut(isTTY: boolean, columns?: number): OutputStream & { text: () => string } {
  const chunks: string[] = [];
  return { isTTY, columns, write: (c: string) => chunks.push(c), text: () => chunks.join('') };
}

describe('progress formatting', () => {
  it('draws a bar and a fixed-width percentage, clamped', () => {
    expect(formatProgressBar(0.5, 10)).toBe('[#####-----]');
    expect(formatProgressBar(1.7, 4)).toBe('[####]');
    expect(formatProgressBar(NaN, 4)).toBe('[----]');
    expect(formatPercent(0.999)).toBe(' 99%');
    expect(formatPercent(1)).toBe('100%');
  });

  it('shows every stage of a video: script, tts done/total, render %, overall %', () => {
    expect(formatVideoProgress(status())).toBe('[#####-------------------------]  17%  running    script done  tts 3/8  render pending');
    const rendering = status({
      stage: 'render',
      progress: 0.65,
      stages: {
        script: { status: 'completed', cacheHit: true },
        tts: { status: 'completed', done: 8, total: 8, cacheHits: 2 },
        render: { status: 'running', progress: 0.5, attempt: 2, cacheHit: false },
      },
    });
    expect(formatVideoProgress(rendering)).toBe(
      '[####################----------]  65%  running    script done (cached)  tts 8/8 (2 cached)  render 50% (attempt 2)',
    );
  });

  it('prints the result or the error under the status', () => {
    const done = status({
      status: 'completed',
      stage: 'done',
      progress: 1,
      result: { file: '/api/videos/vid-1/file', durationSeconds: 12.34, width: 1080, height: 1920, bytes: 812873 },
    });
    expect(formatVideoStatus(done).split('\n')[2]).toBe('file: /api/videos/vid-1/file  (12.3 s, 1080x1920, 812.9 kB)');
    const failed = status({ status: 'failed', error: { type: 'VoiceNotFound', message: 'no voice "xx"', stage: 'tts' } });
    expect(formatVideoStatus(failed).split('\n')[2]).toBe('error in tts: no voice "xx"');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500_000_000)).toBe('1.5 GB');
  });

  it('shows a batch as finished items over the total, with running, failures and cache hits', () => {
    const b: BatchStatusView = {
      id: 'bat-1',
      status: 'running',
      total: 10,
      completed: 3,
      failed: 1,
      cancelled: 0,
      running: 2,
      queued: 4,
      cacheHits: 5,
      offset: 0,
      limit: 2,
      items: [
        { index: 0, videoId: 'vid-a-0', status: 'completed' },
        { index: 10, videoId: 'vid-a-10', status: 'failed', error: { type: 'BadInput', message: 'no voice\n"xx"', stage: 'tts' } },
      ],
    };
    expect(formatBatchProgress(b)).toBe('[############------------------]  40%  4/10 done  running 2  queued 4  failed 1  cache hits 5');
    expect(formatBatchSummary(b).split('\n')).toEqual([
      'batch bat-1: running  total 10  completed 3  failed 1  cancelled 0  running 2  queued 4  cache hits 5',
      'index  videoId   status     error',
      '0      vid-a-0   completed',
      '10     vid-a-10  failed     tts: no voice "xx" (BadInput)',
    ]);
  });
});

describe('ProgressDisplay', () => {
  it('redraws one line in place on a terminal, cut to its width, and ends it with a newline', () => {
    const out = fakeOut(true, 11);
    const display = new ProgressDisplay(out);
    display.update('first line here');
    display.update('first line here');
    display.update('second');
    display.done();
    expect(out.text()).toBe('\rfirst line\x1b[K\rsecond\x1b[K\n');
  });

  it('prints plain lines without control characters, only when the text changes', () => {
    const out = fakeOut(false);
    const display = new ProgressDisplay(out);
    for (const line of ['a', 'a', 'b', 'b', 'a']) display.update(line);
    display.done();
    expect(out.text()).toBe('a\nb\na\n');
  });
});
