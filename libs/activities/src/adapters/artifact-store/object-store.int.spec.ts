import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { startSeaweed, type SeaweedServer } from '../../../../../test/support/seaweedfs';
import { LocalObjectStore, type ObjectStore } from './object-store';
import { S3ObjectStore } from './s3-object-store';

/**
 * The same behaviour from both backends: the local DATA_DIR and S3 on a real SeaweedFS server started here.
 * Files big enough for several multipart parts (8 MiB each) check the streamed upload and that the object appears whole.
 */
jest.setTimeout(120_000);

async function bytesOf(stream: Readable | undefined): Promise<Buffer> {
  if (!stream) throw new Error('no object');
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let seaweed: SeaweedServer;
let scratch: string;
beforeAll(async () => {
  seaweed = await startSeaweed();
  scratch = await mkdtemp(join(tmpdir(), 'vidflow-objects-'));
});
afterAll(async () => {
  await seaweed?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const backends: Array<[string, () => ObjectStore]> = [
  ['local', () => new LocalObjectStore(join(scratch, 'data'))],
  ['s3', () => new S3ObjectStore(seaweed.config)],
];

describe.each(backends)('%s object store', (kind, make) => {
  let store: ObjectStore;
  let big: Buffer;
  let bigFile: string;
  beforeAll(async () => {
    store = make();
    big = randomBytes(19 * 1024 * 1024 + 123); // three parts, the last one short
    bigFile = join(scratch, `${kind}-big.bin`);
    await writeFile(bigFile, big);
  });

  it('stores a multi-part file and reads it back whole, with its size', async () => {
    expect(store.kind).toBe(kind);
    expect(await store.putFile('videos/big.mp4', bigFile, { contentType: 'video/mp4' })).toEqual({ bytes: big.length });
    expect((await store.stat('videos/big.mp4'))?.bytes).toBe(big.length);
    expect(sha(await bytesOf(await store.read('videos/big.mp4')))).toBe(sha(big));
  });

  it('reads byte ranges, inclusive at both ends', async () => {
    const start = 8 * 1024 * 1024 - 10;
    const end = 8 * 1024 * 1024 + 9; // across a part boundary
    expect(await bytesOf(await store.read('videos/big.mp4', { start, end }))).toEqual(big.subarray(start, end + 1));
    expect(await bytesOf(await store.read('videos/big.mp4', { start: 0, end: 0 }))).toEqual(big.subarray(0, 1));
  });

  it('answers undefined / false for a missing object instead of throwing', async () => {
    expect(await store.stat('videos/missing.mp4')).toBeUndefined();
    expect(await store.read('videos/missing.mp4')).toBeUndefined();
    expect(await store.download('videos/missing.mp4', join(scratch, 'never'))).toBe(false);
    await expect(readFile(join(scratch, 'never'))).rejects.toThrow();
  });

  it('downloads into a local file whole, leaving no partial file beside it', async () => {
    const dir = join(scratch, `${kind}-dl`);
    expect(await store.download('videos/big.mp4', join(dir, 'copy.mp4'))).toBe(true);
    expect(sha(await readFile(join(dir, 'copy.mp4')))).toBe(sha(big));
    expect(await readdir(dir)).toEqual(['copy.mp4']);
  });

  it('replaces an object and removes it; lists keys under a prefix', async () => {
    const small = join(scratch, `${kind}-small.txt`);
    await writeFile(small, 'first');
    await store.putFile('cache/a/one.txt', small);
    await writeFile(small, 'second version');
    await store.putFile('cache/a/one.txt', small);
    await store.putFile('cache/a/two.txt', small);
    expect((await bytesOf(await store.read('cache/a/one.txt'))).toString()).toBe('second version');
    const listed: string[] = [];
    for await (const o of store.list('cache/a/')) listed.push(`${o.key}:${o.bytes}`);
    expect(listed.sort()).toEqual(['cache/a/one.txt:14', 'cache/a/two.txt:14']);
    await store.remove('cache/a/one.txt');
    await store.remove('cache/a/one.txt'); // removing twice is fine (a retried activity)
    expect(await store.stat('cache/a/one.txt')).toBeUndefined();
  });

  it('copies an object inside the store, keeping the source', async () => {
    await store.copy('videos/big.mp4', 'videos/copied.mp4', { contentType: 'video/mp4' });
    expect(sha(await bytesOf(await store.read('videos/copied.mp4')))).toBe(sha(big));
    expect((await store.stat('videos/big.mp4'))?.bytes).toBe(big.length);
    await expect(store.copy('videos/missing.mp4', 'videos/never.mp4')).rejects.toThrow(/no object videos\/missing.mp4/);
    expect(await store.stat('videos/never.mp4')).toBeUndefined();
  });

  it('refuses keys that would leave the store', async () => {
    for (const key of ['../etc/passwd', '/abs', 'videos/../../x', 'a//b', '']) {
      await expect(store.putFile(key, bigFile)).rejects.toThrow(/invalid object key/);
    }
  });

  it('leaves nothing behind when the source cannot be read whole', async () => {
    await expect(store.putFile('videos/broken.mp4', join(scratch, 'does-not-exist'))).rejects.toThrow();
    expect(await store.stat('videos/broken.mp4')).toBeUndefined();
  });
});

describe('s3 specifics', () => {
  it('serves a presigned GET (with Range) that needs no credentials, and signs nothing for a local store', async () => {
    const s3 = new S3ObjectStore(seaweed.config);
    const file = join(scratch, 'presign.bin');
    const data = randomBytes(4096);
    await writeFile(file, data);
    await s3.putFile('videos/presigned.mp4', file);
    const url = await s3.presignGet('videos/presigned.mp4', 60, { filename: 'clip.mp4' });
    expect(url).toContain('X-Amz-Signature=');
    expect(url).not.toContain(seaweed.config.credentials!.secretAccessKey);
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-disposition')).toContain('clip.mp4');
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(data);
    const part = await fetch(url, { headers: { Range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(data.subarray(100, 200));
    // A tampered signature is refused: the URL is what grants access. Flip the first hex digit to a different one
    // (replacing it with a fixed digit left the URL unchanged whenever the signature already started with it).
    const tampered = url.replace(/X-Amz-Signature=([0-9a-f])/, (_, d: string) => `X-Amz-Signature=${d === '0' ? '1' : '0'}`);
    expect(tampered).not.toBe(url);
    expect((await fetch(tampered)).status).toBe(403);
    expect(await new LocalObjectStore(scratch).presignGet()).toBeUndefined();
  });

  it('keeps metadata with an object, and copies only while the ETag given matches (server-side, or streamed when big)', async () => {
    const s3 = new S3ObjectStore(seaweed.config);
    const file = join(scratch, 'meta.bin');
    const data = randomBytes(10 * 1024 * 1024);
    await writeFile(file, data);
    await s3.putFile('cache/meta.bin', file, { metadata: { sha256: sha(data) } });
    const head = await s3.stat('cache/meta.bin');
    expect(head).toMatchObject({ bytes: data.length, metadata: { sha256: sha(data) }, etag: expect.any(String) });
    expect((await s3.stat('videos/big.mp4'))?.metadata).toEqual({});

    await s3.copy('cache/meta.bin', 'videos/meta-copy.mp4', { ifMatch: head!.etag, contentType: 'video/mp4' });
    expect(sha(await bytesOf(await s3.read('videos/meta-copy.mp4')))).toBe(sha(data));
    await expect(s3.copy('cache/meta.bin', 'videos/meta-stale.mp4', { ifMatch: '"0123456789abcdef0123456789abcdef"' })).rejects.toThrow(/changed/);
    expect(await s3.stat('videos/meta-stale.mp4')).toBeUndefined();

    // Past copyMaxBytes (5 GiB in use) the copy streams through this host as a multipart upload.
    s3.copyMaxBytes = 1024 * 1024;
    await s3.copy('cache/meta.bin', 'videos/meta-streamed.mp4', { ifMatch: head!.etag });
    expect(sha(await bytesOf(await s3.read('videos/meta-streamed.mp4')))).toBe(sha(data));
  });

  it('refuses wrong credentials', async () => {
    const wrong = new S3ObjectStore(Object.defineProperty({ ...seaweed.config }, 'credentials', { value: { accessKeyId: 'vidflow-test', secretAccessKey: 'wrong' } }));
    await expect(wrong.stat('videos/big.mp4')).rejects.toThrow();
  });

  it('a file that shrinks mid-upload fails the upload: no object, no multipart upload left open', async () => {
    const s3 = new S3ObjectStore(seaweed.config);
    const file = join(scratch, 'shrinks.bin');
    await writeFile(file, randomBytes(48 * 1024 * 1024));
    const openUploads = async () =>
      ((await s3.client.send(new ListMultipartUploadsCommand({ Bucket: seaweed.config.bucket }))).Uploads ?? []).filter((u) => u.Key === 'videos/shrinks.mp4');
    const pending = s3.putFile('videos/shrinks.mp4', file).then(
      () => 'completed',
      (err: Error) => err.message,
    );
    // Once the multipart upload exists (the first part is on its way), cut the file short.
    while ((await openUploads()).length === 0) await new Promise((r) => setTimeout(r, 20));
    await truncate(file, 1024);
    expect(await pending).toMatch(/changed while it was uploaded/);
    expect(await s3.stat('videos/shrinks.mp4')).toBeUndefined();
    expect(await openUploads()).toEqual([]);
  });
});
