import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes `<file>.br` and `<file>.gz` next to every text asset of the build, so the API serves them
 * without compressing on each request (apps/api/src/studio/studio-static.middleware.ts).
 */
function precompress(): Plugin {
  return {
    name: 'vidflow-precompress',
    apply: 'build',
    // After the files are written: earlier hooks still see placeholders (__VITE_PRELOAD__) that Vite fills in last.
    writeBundle(options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg|json|webmanifest)$/.test(fileName)) continue;
        const path = join(options.dir!, fileName);
        const buffer = readFileSync(path);
        writeFileSync(`${path}.br`, brotliCompressSync(buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        writeFileSync(`${path}.gz`, gzipSync(buffer, { level: 9 }));
      }
    },
  };
}

/**
 * Gives the service worker (public/sw.js, copied to dist/ as it is) the list of this build's assets to cache at
 * install, and a cache name made from that list. Run once everything is written (public files included).
 */
function precacheList(): Plugin {
  let outDir = 'dist';
  let assets: string[] = [];
  return {
    name: 'vidflow-precache-list',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    writeBundle(_options, bundle) {
      assets = Object.keys(bundle).filter((f) => f.startsWith('assets/') && /\.(js|css)$/.test(f)).map((f) => `/${f}`).sort();
    },
    closeBundle() {
      const path = join(outDir, 'sw.js');
      const version = createHash('sha256').update(assets.join('\n')).digest('hex').slice(0, 12);
      const source = readFileSync(path, 'utf8');
      const filled = source.replace('const PRECACHE = [];', `const PRECACHE = ${JSON.stringify(assets)};`).replace("const CACHE = 'vidflow-shell-dev';", `const CACHE = 'vidflow-shell-${version}';`);
      if (filled === source) throw new Error('sw.js: the PRECACHE and CACHE lines to fill in are missing');
      writeFileSync(path, filled);
    },
  };
}

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // The typed client from its TypeScript source (ES module, tree-shaken), not the CommonJS build the CLI uses.
  resolve: { alias: { '@vidflow/api-client': resolve(import.meta.dirname, '../../libs/api-client/src/index.ts') } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  plugins: [precompress(), precacheList()],
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
