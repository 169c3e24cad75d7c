import { MockActivityEnvironment } from '@temporalio/testing';
import { existsSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore } from '../adapters/artifact-store/artifact-store';
import type { RunState, WorkflowRuns } from '../adapters/workflow-runs/workflow-runs';
import { makeSweepRunFolders } from './sweep-run-folders.activity';

describe('sweepRunFolders', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vidflow-sweep-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Strict: answers only for the ids it was given, and records which it was asked about. */
  function runs(states: Record<string, RunState>): WorkflowRuns & { asked: string[] } {
    const asked: string[] = [];
    return {
      asked,
      async stateOf(id) {
        asked.push(id);
        const state = states[id];
        if (!state) throw new Error(`unexpected question about ${id}`);
        return state;
      },
    };
  }

  /** Sets the mtime of a folder and everything in it (two levels) to `secondsAgo`. */
  function age(rel: string, secondsAgo: number, children: string[] = []) {
    const t = Date.now() / 1000 - secondsAgo;
    for (const c of children) utimesSync(join(root, rel, c), t, t);
    utimesSync(join(root, rel), t, t);
  }

  it('removes the work/ and tmp/ folders of closed runs past the grace period, and keeps the rest', async () => {
    const store = new ArtifactStore(root);
    await store.writeAtomic(store.sceneAudio('vid-terminated', 0), 'a');
    const scratch = await store.scratchDir('vid-terminated', 'render');
    await store.writeAtomic(store.sceneAudio('vid-running', 0), 'b');
    await store.writeAtomic(store.sceneAudio('vid-young', 0), 'c');
    await store.writeAtomic(store.video('vid-terminated'), 'mp4');
    age('work/vid-terminated', 3600, ['scene-000.wav']);
    age('tmp/vid-terminated', 3600, [scratch.split('/').at(-1)!]);
    age('work/vid-running', 3600, ['scene-000.wav']);

    const workflowRuns = runs({ 'vid-terminated': 'closed', 'vid-running': 'open' });
    const sweep = makeSweepRunFolders({ store, workflowRuns, sweepGraceSeconds: 900 });
    const result = await new MockActivityEnvironment().run(sweep);

    expect(result).toEqual({ removed: ['tmp/vid-terminated', 'work/vid-terminated'], kept: 2 });
    expect(existsSync(join(root, 'work', 'vid-terminated'))).toBe(false);
    expect(existsSync(join(root, 'tmp', 'vid-terminated'))).toBe(false);
    expect(existsSync(join(root, 'work', 'vid-running', 'scene-000.wav'))).toBe(true);
    expect(existsSync(join(root, 'work', 'vid-young', 'scene-000.wav'))).toBe(true);
    expect(existsSync(join(root, 'videos', 'vid-terminated.mp4'))).toBe(true);
    // Each run asked once (its work/ and tmp/ share the answer); the young folder's run not at all.
    expect(workflowRuns.asked.sort()).toEqual(['vid-running', 'vid-terminated']);
  });

  it('a file written into an old folder keeps it (the newest change counts, not the folder\'s own)', async () => {
    const store = new ArtifactStore(root);
    await store.writeAtomic(store.sceneAudio('vid-reset', 0), 'a');
    await store.writeAtomic(store.sceneAudio('vid-reset', 1), 'b');
    age('work/vid-reset', 3600, ['scene-000.wav']); // scene-001.wav was written just now
    const result = await new MockActivityEnvironment().run(makeSweepRunFolders({ store, workflowRuns: runs({}), sweepGraceSeconds: 900 }));
    expect(result).toEqual({ removed: [], kept: 1 });
  });

  it('without work/ or tmp/ there is nothing to do', async () => {
    const result = await new MockActivityEnvironment().run(makeSweepRunFolders({ store: new ArtifactStore(root), workflowRuns: runs({}) }));
    expect(result).toEqual({ removed: [], kept: 0 });
  });
  it("removes a closed transcription's work folder and keeps its results and an open one's work", async () => {
    const store = new ArtifactStore(root);
    await store.writeAtomic('transcriptions/trn-terminated/work/audio.wav', 'a');
    await store.writeAtomic('transcriptions/trn-terminated/subtitles.srt', 'srt');
    await store.writeAtomic('transcriptions/trn-running/work/audio.wav', 'b');
    age('transcriptions/trn-terminated/work', 3600, ['audio.wav']);
    age('transcriptions/trn-running/work', 3600, ['audio.wav']);

    const workflowRuns = runs({ 'trn-terminated': 'closed', 'trn-running': 'open' });
    const result = await new MockActivityEnvironment().run(makeSweepRunFolders({ store, workflowRuns, sweepGraceSeconds: 900 }));

    expect(result).toEqual({ removed: ['transcriptions/trn-terminated/work'], kept: 1 });
    expect(existsSync(join(root, 'transcriptions', 'trn-terminated', 'work'))).toBe(false);
    expect(existsSync(join(root, 'transcriptions', 'trn-terminated', 'subtitles.srt'))).toBe(true);
    expect(existsSync(join(root, 'transcriptions', 'trn-running', 'work', 'audio.wav'))).toBe(true);
  });
});
