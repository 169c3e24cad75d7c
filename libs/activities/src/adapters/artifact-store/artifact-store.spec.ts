import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ArtifactStore } from './artifact-store';
import type { ObjectStore } from './object-store';

describe('ArtifactStore', () => {
  let root: string;
  let store: ArtifactStore;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'vidflow-store-'));
    store = new ArtifactStore(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lays out work, tmp and video paths relative to the store', () => {
    expect(store.sceneAudio('vid-1', 7)).toBe('work/vid-1/scene-007.wav');
    expect(store.workDir('vid-1')).toBe('work/vid-1');
    expect(store.tmpDir('vid-1')).toBe('tmp/vid-1');
    expect(store.video('vid-1')).toBe('videos/vid-1.mp4');
  });

  describe('resolve', () => {
    it('maps store-relative paths inside the root', () => {
      expect(store.resolve('videos/a.mp4')).toBe(join(root, 'videos/a.mp4'));
      expect(store.resolve('work/../videos/a.mp4')).toBe(join(root, 'videos/a.mp4'));
      expect(store.resolve('.')).toBe(root);
      expect(store.relative(join(root, 'work/v/scene-000.wav'))).toBe('work/v/scene-000.wav');
    });

    it.each(['../etc/passwd', 'work/../../x', '..', '/etc/passwd', 'videos/../../../tmp'])('refuses %j, which escapes the store', (path) => {
      expect(() => store.resolve(path)).toThrow(/escapes the artifact store/);
    });

    it('refuses a sibling directory whose name starts with the root name', () => {
      expect(() => store.resolve(`../${root.split('/').at(-1)}-evil/x`)).toThrow(/escapes the artifact store/);
    });
  });

  it('writeAtomic writes the whole file, replaces an old one and leaves no .tmp files', async () => {
    await store.writeAtomic('meta/v1.json', '{"a":1}');
    await store.writeAtomic('meta/v1.json', Buffer.from('{"a":2}'));
    expect(readFileSync(join(root, 'meta/v1.json'), 'utf8')).toBe('{"a":2}');
    expect(readdirSync(join(root, 'meta'))).toEqual(['v1.json']);
  });

  it('writeAtomic cleans up its temporary file when the rename fails', async () => {
    await store.writeAtomic('blocked/inner/file.txt', 'x');
    // The target is now a non-empty directory: rename(2) onto it fails.
    await expect(store.writeAtomic('blocked/inner', 'y')).rejects.toThrow();
    expect(readdirSync(join(root, 'blocked')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('commit moves a finished file into place, creating its directory', async () => {
    const scratch = await store.scratchDir('vid-2', 'render');
    expect(scratch.startsWith(join(root, 'tmp', 'vid-2', 'render-'))).toBe(true);
    const tmp = join(scratch, 'video.mp4');
    writeFileSync(tmp, 'mp4 bytes');
    const final = await store.commit(tmp, store.video('vid-2'));
    expect(final).toBe(join(root, 'videos/vid-2.mp4'));
    expect(readFileSync(final, 'utf8')).toBe('mp4 bytes');
    expect(existsSync(tmp)).toBe(false);
  });

  it('commit refuses a destination outside the store', async () => {
    const tmp = join(await store.scratchDir('vid-3', 'x'), 'f');
    writeFileSync(tmp, 'x');
    await expect(store.commit(tmp, '../outside.mp4')).rejects.toThrow(/escapes the artifact store/);
    expect(existsSync(tmp)).toBe(true);
  });

  it('gives every attempt its own scratch directory', async () => {
    const a = await store.scratchDir('vid-4', 'tts-0');
    const b = await store.scratchDir('vid-4', 'tts-0');
    expect(a).not.toBe(b);
    expect(existsSync(a) && existsSync(b)).toBe(true);
  });

  it('remove deletes a directory tree and ignores one that is missing', async () => {
    await store.writeAtomic('work/vid-5/scene-000.wav', 'x');
    await store.remove('work/vid-5');
    expect(existsSync(join(root, 'work/vid-5'))).toBe(false);
    await expect(store.remove('work/vid-5')).resolves.toBeUndefined();
    await expect(store.remove('../')).rejects.toThrow(/escapes/);
  });

  it('works with a root given with a trailing slash', () => {
    const slashed = new ArtifactStore(`${root}/`);
    expect(slashed.resolve('work/x')).toBe(join(root, 'work', 'x'));
    expect(() => slashed.resolve('../outside')).toThrow(/escapes/);
  });

  describe('placeCachedFile', () => {
    it('hard-links the cached file at the path (same inode), replacing what was there, with no temporary left', async () => {
      const source = join(root, 'cached-a.mp4');
      writeFileSync(source, 'cached bytes');
      await store.writeAtomic('videos/vid-place.mp4', 'old');
      const placed = await store.placeCachedFile(source, 'videos/vid-place.mp4');
      expect(placed).toBe(join(root, 'videos/vid-place.mp4'));
      expect(readFileSync(placed, 'utf8')).toBe('cached bytes');
      expect(statSync(placed).ino).toBe(statSync(source).ino);
      expect(readdirSync(join(root, 'videos')).filter((f) => f.startsWith('vid-place'))).toEqual(['vid-place.mp4']);
    });

    it('creates missing directories and keeps the file when the cache removes its copy', async () => {
      const source = join(root, 'cached-b.wav');
      writeFileSync(source, 'audio');
      await store.placeCachedFile(source, 'work/vid-new/scene-000.wav');
      rmSync(source);
      expect(readFileSync(join(root, 'work/vid-new/scene-000.wav'), 'utf8')).toBe('audio');
    });

    it('fails when the cached file is gone (evicted) and leaves nothing behind', async () => {
      await expect(store.placeCachedFile(join(root, 'evicted.mp4'), 'videos/vid-gone.mp4')).rejects.toMatchObject({ code: 'ENOENT' });
      expect(readdirSync(join(root, 'videos')).filter((f) => f.startsWith('vid-gone'))).toEqual([]);
    });

    it('refuses a destination outside the store', async () => {
      await expect(store.placeCachedFile(join(root, 'cached-a.mp4'), '../outside.mp4')).rejects.toThrow(/escapes/);
    });
  });

  it('writes scratch files inside a scratch directory and removes the directory', async () => {
    const scratch = await store.scratchDir('vid-s', 'render');
    const list = await store.writeScratchFile(scratch, 'narration.txt', 'file a');
    expect(readFileSync(list, 'utf8')).toBe('file a');
    await expect(store.writeScratchFile(scratch, '../../../../x', 'no')).rejects.toThrow(/escapes/);
    await store.removeScratch(scratch);
    expect(existsSync(scratch)).toBe(false);
  });

  describe('with finished videos in a bucket (ARTIFACT_STORE=s3)', () => {
    /** Records what goes up; reads the file at upload time as a real store would. */
    class RecordingObjectStore {
      readonly kind = 's3' as const;
      readonly objects = new Map<string, string>();
      async putFile(key: string, file: string) {
        const data = readFileSync(file, 'utf8');
        this.objects.set(key, data);
        return { bytes: data.length };
      }
      async download(key: string, file: string) {
        const data = this.objects.get(key);
        if (data === undefined) return false;
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, data);
        return true;
      }
      async *list(prefix: string) {
        for (const [key, data] of this.objects) if (key.startsWith(prefix)) yield { key, bytes: data.length };
      }
      async remove(key: string) {
        this.objects.delete(key);
      }
    }
    let bucket: RecordingObjectStore;
    let remote: ArtifactStore;
    beforeEach(() => {
      bucket = new RecordingObjectStore();
      remote = new ArtifactStore(root, { finished: bucket as unknown as ObjectStore });
    });

    it('commits a finished video to the bucket under its store path and keeps no local copy', async () => {
      const scratch = await remote.scratchDir('vid-s3', 'render');
      writeFileSync(join(scratch, 'video.mp4'), 'mp4 bytes');
      await remote.commit(join(scratch, 'video.mp4'), remote.video('vid-s3'));
      expect([...bucket.objects]).toEqual([['videos/vid-s3.mp4', 'mp4 bytes']]);
      expect(existsSync(join(scratch, 'video.mp4'))).toBe(false);
      expect(existsSync(join(root, 'videos/vid-s3.mp4'))).toBe(false);
    });

    it('commits work files (scene audio) to this disk and to the bucket, where another host fetches them', async () => {
      const scratch = await remote.scratchDir('vid-s3', 'tts');
      writeFileSync(join(scratch, 'a.wav'), 'wav');
      await remote.commit(join(scratch, 'a.wav'), remote.sceneAudio('vid-s3', 0));
      expect([...bucket.objects]).toEqual([['work/vid-s3/scene-000.wav', 'wav']]);
      expect(readFileSync(join(root, 'work/vid-s3/scene-000.wav'), 'utf8')).toBe('wav');

      const otherRoot = mkdtempSync(join(tmpdir(), 'vidflow-store-other-'));
      try {
        const other = new ArtifactStore(otherRoot, { finished: bucket as unknown as ObjectStore });
        await other.fetchShared([other.sceneAudio('vid-s3', 0), other.sceneAudio('vid-s3', 1)]);
        expect(readFileSync(join(otherRoot, 'work/vid-s3/scene-000.wav'), 'utf8')).toBe('wav');
        // Missing everywhere stays missing: the render then reports the file as on one machine.
        expect(existsSync(join(otherRoot, 'work/vid-s3/scene-001.wav'))).toBe(false);
      } finally {
        rmSync(otherRoot, { recursive: true, force: true });
      }
    });

    it('fetchShared leaves a local file alone and never fetches finished videos or scratch', async () => {
      writeFileSync(join(root, 'local-only.txt'), 'x');
      bucket.objects.set('work/vid-keep/scene-000.wav', 'bucket copy');
      mkdirSync(join(root, 'work/vid-keep'), { recursive: true });
      writeFileSync(join(root, 'work/vid-keep/scene-000.wav'), 'local copy');
      bucket.objects.set('tmp/vid-keep/x', 'scratch');
      await remote.fetchShared(['work/vid-keep/scene-000.wav', 'tmp/vid-keep/x']);
      expect(readFileSync(join(root, 'work/vid-keep/scene-000.wav'), 'utf8')).toBe('local copy');
      expect(existsSync(join(root, 'tmp/vid-keep/x'))).toBe(false);
    });

    it('removing a run folder removes its bucket copies too, and only that run\'s', async () => {
      bucket.objects.set('work/vid-1/scene-000.wav', 'a');
      bucket.objects.set('work/vid-10/scene-000.wav', 'b');
      bucket.objects.set('videos/vid-1.mp4', 'video');
      await remote.remove(remote.workDir('vid-1'));
      expect([...bucket.objects.keys()].sort()).toEqual(['videos/vid-1.mp4', 'work/vid-10/scene-000.wav']);
    });

    it('places a cache hit by uploading the cached copy, and fails when the copy is gone (the caller renders)', async () => {
      const cached = join(root, 'cached.mp4');
      writeFileSync(cached, 'cached video');
      await remote.placeCachedFile(cached, remote.video('vid-hit'));
      expect(bucket.objects.get('videos/vid-hit.mp4')).toBe('cached video');
      expect(existsSync(cached)).toBe(true); // the cache keeps its own copy
      await expect(remote.placeCachedFile(join(root, 'evicted.mp4'), remote.video('vid-gone'))).rejects.toThrow();
      expect(bucket.objects.has('videos/vid-gone.mp4')).toBe(false);
    });

    it('a local object store changes nothing: videos are renamed into DATA_DIR as before', async () => {
      const local = new ArtifactStore(root, { finished: { kind: 'local' } as ObjectStore });
      const scratch = await local.scratchDir('vid-local', 'render');
      writeFileSync(join(scratch, 'video.mp4'), 'local');
      await local.commit(join(scratch, 'video.mp4'), local.video('vid-local'));
      expect(readFileSync(join(root, 'videos/vid-local.mp4'), 'utf8')).toBe('local');
    });
  });
});
