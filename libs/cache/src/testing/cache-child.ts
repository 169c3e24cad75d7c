import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const LIBRARY = resolve(__dirname, '..', 'index.ts');

/**
 * Runs `body` (JavaScript, inside an async function with `cache` = the library's exports and `args`) in a
 * separate node process against the library's TypeScript sources, compiled on load by @swc/core (the compiler
 * jest uses), so multi-process tests need no build step.
 */
export function spawnCacheChild(body: string, args: unknown): ChildProcess {
  const dir = mkdtempSync(join(tmpdir(), 'vidflow-cache-child-'));
  const script = join(dir, 'child.js');
  writeFileSync(
    script,
    `'use strict';
const fs = require('node:fs');
const swc = require(${JSON.stringify(require.resolve('@swc/core'))});
require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
const cache = require(${JSON.stringify(LIBRARY)});
const args = JSON.parse(process.argv[2]);
(async () => {
${body}
})().then(
  () => { process.exitCode = 0; },
  (error) => { console.error(error); process.exitCode = 1; },
);
`,
  );
  const child = spawn(process.execPath, [script, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return child;
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function waitForChild(child: ChildProcess): Promise<ChildResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

export async function runCacheChild(body: string, args: unknown): Promise<ChildResult> {
  const result = await waitForChild(spawnCacheChild(body, args));
  if (result.code !== 0) throw new Error(`cache child failed (${result.code ?? result.signal}):\n${result.stderr}`);
  return result;
}
