/**
 * Build step (Node, not workflow code): bundles the workflows once with Temporal's bundler so that
 * workers start in a second instead of running webpack on every start and restart.
 * Writes dist/workflow-bundle.js next to this file's output, and dist/workflow-bundle-traced.js: the same
 * workflows with the OpenTelemetry workflow interceptors (libs/tracing) built in, which only a worker with
 * tracing on loads, so that a worker without it runs no tracing code at all.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTORS_MODULE } from '@vidflow/tracing';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const WORKFLOW_BUNDLE_PATH = join(__dirname, 'workflow-bundle.js');
export const TRACED_WORKFLOW_BUNDLE_PATH = join(__dirname, 'workflow-bundle-traced.js');

async function main(): Promise<void> {
  const bundles = [
    { path: WORKFLOW_BUNDLE_PATH, workflowInterceptorModules: [] },
    { path: TRACED_WORKFLOW_BUNDLE_PATH, workflowInterceptorModules: [WORKFLOW_INTERCEPTORS_MODULE] },
  ];
  for (const { path, workflowInterceptorModules } of bundles) {
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./index'), workflowInterceptorModules, logger: quietLogger() });
    await writeFile(path, code);
    console.log(`workflow bundle: ${path} (${Math.round(code.length / 1024)} KiB)`);
  }
}

function quietLogger() {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error };
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
