import { listVoices } from '@vidflow/activities';
import type { ObjectStore } from '@vidflow/activities/object-store';
import type { VidflowConfig } from '@vidflow/config';
import { VOICE_CATALOG_FILE, type VoiceCatalog } from '@vidflow/contracts';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Lists this worker's voices and publishes them as `voices.json` in the artifact store (DATA_DIR/voices.json with
 * ARTIFACT_STORE=local, the bucket's `voices.json` with s3), where the API reads them for GET /api/voices and to refuse
 * an unknown voice.name with 422. Why an object: the API must not run the speech tools itself (it may run on a machine
 * without them), it already reads the artifact store the workers write, and the list changes only when a worker is
 * (re)installed, so one write at boot is enough; no extra workflow or port is needed. The store shows the object only
 * once whole, so a reader never sees half a file. Every worker of a deployment runs the same image and settings; the
 * last one to start wins.
 */
export async function publishVoices(config: VidflowConfig, objects: ObjectStore): Promise<VoiceCatalog> {
  const catalog = await listVoices({ tools: config.tools, tts: config.tts.openai });
  await mkdir(config.dataDir, { recursive: true });
  const tmp = join(config.dataDir, `${VOICE_CATALOG_FILE}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, `${JSON.stringify(catalog, null, 2)}\n`);
    await objects.putFile(VOICE_CATALOG_FILE, tmp, { contentType: 'application/json' });
  } finally {
    await rm(tmp, { force: true });
  }
  return catalog;
}
