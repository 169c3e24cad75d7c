import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import { withFakeWorkers } from '../testing/fake-workers';
import { HISTORIES_DIR, historyToJsonObject, type HistoryFixture, writeHistoryFixture } from './history-fixtures';
import { SCENARIOS } from './scenarios';

/**
 * `npm run record:histories`: runs every scenario of scenarios.ts on a fresh Temporal dev server (the e2e
 * project's global setup) with the built workflow bundle and fake activities, and writes each kept run's history
 * to histories/<name>.json. Not part of `npm test`: fixtures change only when someone records them on purpose.
 * `RECORD=<scenario>[,<scenario>]` records only those.
 */
const only = process.env.RECORD?.split(',').filter(Boolean);
const scenarios = Object.entries(SCENARIOS).filter(([name]) => !only || only.includes(name));

describe('record workflow histories', () => {
  beforeAll(() => mkdirSync(HISTORIES_DIR, { recursive: true }));

  it.each(scenarios)('%s', async (_name, scenario) => {
    await withFakeWorkers(scenario.activities, async (stack) => {
      const runs = await scenario.run(stack);
      for (const run of runs) {
        const history = await stack.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
        const fixture: HistoryFixture = {
          name: run.name,
          workflowId: run.workflowId,
          workflowType: run.workflowType,
          description: run.description,
          history: historyToJsonObject(history),
        };
        const path = writeHistoryFixture(fixture);
        console.log(`recorded ${relative(process.cwd(), path)}: ${fixture.history.events.length} events`);
      }
    });
  });
});
