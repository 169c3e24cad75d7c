import { listVoices } from '@vidflow/activities';
import type { VidflowConfig } from '@vidflow/config';
import { VOICE_CATALOG_FILE, type VoiceCatalog } from '@vidflow/contracts';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Lists this worker's voices and writes them to DATA_DIR/voices.json, where the API reads them for GET /api/voices
 * and to refuse an unknown voice.name with 422. Why a file: the API must not run the speech tools itself (it may run
 * on a machine without them), it already shares DATA_DIR with the workers (artifacts, uploads), and the list changes
 * only when a worker is (re)installed, so one write at boot is enough; no extra workflow or port is needed. Written to
 * a temporary name and renamed, so a reader never sees half a file. Every worker of a deployment runs the same
 * image and settings; the last one to start wins.
 */
export async function publishVoices(config: VidflowConfig): Promise<VoiceCatalog> {
  const catalog = await listVoices({ tools: config.tools, tts: config.tts.openai });
  const path = join(config.dataDir, VOICE_CATALOG_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(catalog, null, 2)}\n`);
  await rename(tmp, path);
  return catalog;
}
