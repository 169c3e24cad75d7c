import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore } from '../adapters/artifact-store/artifact-store';
import { makeCleanupVideo } from './cleanup-video.activity';

describe('cleanupVideo', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'vidflow-cleanup-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("removes the video's work and scratch files but keeps the finished video and other videos' files", async () => {
    const store = new ArtifactStore(root);
    await store.writeAtomic(store.sceneAudio('v1', 0), 'a');
    await store.scratchDir('v1', 'render');
    await store.writeAtomic(store.video('v1'), 'mp4');
    await store.writeAtomic(store.sceneAudio('v2', 0), 'b');

    await makeCleanupVideo({ store })({ videoId: 'v1' });

    expect(existsSync(join(root, 'work', 'v1'))).toBe(false);
    expect(existsSync(join(root, 'tmp', 'v1'))).toBe(false);
    expect(existsSync(join(root, 'videos', 'v1.mp4'))).toBe(true);
    expect(existsSync(join(root, 'work', 'v2', 'scene-000.wav'))).toBe(true);
    // Running it again (a retried cleanup) is harmless.
    await expect(makeCleanupVideo({ store })({ videoId: 'v1' })).resolves.toBeUndefined();
  });
});
