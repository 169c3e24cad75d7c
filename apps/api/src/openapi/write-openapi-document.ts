import 'reflect-metadata';
import { loadConfig } from '@vidflow/config';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { createApp } from '../create-app';
import { buildOpenApiDocument } from './openapi-document';

/**
 * Writes the OpenAPI document exactly as `GET /docs-json` serves it, from the same builder, without a
 * server or Temporal (the Temporal connection is lazy and never used; the cache lives in a throwaway
 * DATA_DIR). The build generates the typed client (libs/api-client) from this file, and `npm run lint`
 * runs redocly on it. Returns whether the file changed: an unchanged document is not rewritten, so the
 * incremental build does not recompile the client and the CLI for nothing.
 */
export async function writeOpenApiDocument(target: string): Promise<boolean> {
  const dataDir = mkdtempSync(resolve(tmpdir(), 'vidflow-openapi-'));
  try {
    // The defaults otherwise: the document does not depend on the machine (servers is the default URL).
    const config = loadConfig({ DATA_DIR: dataDir });
    const app = await createApp(config, { logger: false });
    try {
      const text = `${JSON.stringify(buildOpenApiDocument(app, config), null, 2)}\n`;
      let previous: string | undefined;
      try {
        previous = readFileSync(target, 'utf8');
      } catch {
        previous = undefined;
      }
      if (previous === text) return false;
      mkdirSync(dirname(target), { recursive: true });
      // Never a half-written document for the generator to read.
      writeFileSync(`${target}.part`, text);
      renameSync(`${target}.part`, target);
      return true;
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const target = process.argv[2];
  if (!target) {
    process.stderr.write('usage: node write-openapi-document.js <openapi.json>\n');
    process.exitCode = 2;
  } else {
    writeOpenApiDocument(resolve(target)).catch((e: unknown) => {
      process.stderr.write(`cannot write the OpenAPI document: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 1;
    });
  }
}
