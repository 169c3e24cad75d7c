import type { History } from '@temporalio/common/lib/proto-utils';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the recorded histories live, committed with the workflow code they must keep replaying on. */
export const HISTORIES_DIR = join(__dirname, 'histories');

/**
 * One recorded run. `history` is Temporal's own JSON form of an event history, the same as
 * `temporal workflow show --output json` or the Web UI's "Download" give, so a history from a real cluster can
 * be committed as a fixture too (wrapped with its workflow id, which the batch workflow derives its items' ids from).
 */
export interface HistoryFixture {
  /** The file's name without `.json`: what the run shows (e.g. `video-cache-miss`). */
  name: string;
  workflowId: string;
  workflowType: string;
  /** How the run was made, for whoever records it again. */
  description: string;
  history: { events: Array<Record<string, unknown>> };
}

export function readHistoryFixtures(dir = HISTORIES_DIR): HistoryFixture[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as HistoryFixture);
}

/** The fixture as the SDK's replayer takes it. */
export function toReplayInput(fixture: HistoryFixture): { workflowId: string; history: History } {
  return { workflowId: fixture.workflowId, history: historyJson().fromJson(fixture.history) };
}

/** A history as fetched from the server, in Temporal's JSON form. */
export function historyToJsonObject(history: History): HistoryFixture['history'] {
  return historyJson().toJson(history);
}

interface ProtoType {
  root: { resolveAll(): void };
}
let converter: { toJson(history: History): HistoryFixture['history']; fromJson(json: unknown): History } | undefined;

/**
 * Temporal's JSON form of a history, through protobufjs's protojson and the SDK's own History type.
 * Not the SDK's historyToJSON/historyFromJSON: they take protojson from @temporalio/common's copy of protobufjs
 * and the type from @temporalio/proto's, and npm installs those as two copies here (the API's grpc proto-loader
 * holds protobufjs 7 at the top), so their `instanceof Type` check fails ("type must be a Type"). Both halves
 * come from the copy @temporalio/proto uses, found the way the SDK finds it (so this keeps working once deduped).
 */
function historyJson(): NonNullable<typeof converter> {
  if (converter) return converter;
  /* eslint-disable @typescript-eslint/no-require-imports -- resolved at run time, next to the SDK's own copy */
  const protoDir = dirname(require.resolve('@temporalio/proto/package.json', { paths: [dirname(require.resolve('@temporalio/common'))] }));
  const proto = require(protoDir) as object;
  const { patchProtobufRoot } = require(join(protoDir, 'lib', 'patch-protobuf-root')) as { patchProtobufRoot<T>(root: T): T & { lookupType(name: string): ProtoType } };
  const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] })) as {
    toJson(type: ProtoType, message: unknown): unknown;
    fromJson(type: ProtoType, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const type = patchProtobufRoot(proto).lookupType('temporal.api.history.v1.History');
  converter = {
    toJson: (history) => protojson.toJson(type, history) as HistoryFixture['history'],
    // A history from a newer server may carry fields this SDK does not know; replay does not need them.
    fromJson: (json) => protojson.fromJson(type, json, { ignoreUnknownFields: true }) as History,
  };
  return converter;
}

/** Writes through a temporary file and a rename, so that an interrupted recording leaves the old fixture whole. */
export function writeHistoryFixture(fixture: HistoryFixture, dir = HISTORIES_DIR): string {
  const path = join(dir, `${fixture.name}.json`);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(fixture, null, 1)}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}

/** Event type names as the JSON form spells them (`EVENT_TYPE_ACTIVITY_TASK_SCHEDULED`), for checks on a fixture. */
export function eventTypes(fixture: HistoryFixture): string[] {
  return fixture.history.events.map((e) => String(e.eventType));
}

/** The activity types a run scheduled, in order (local activities show as markers, not here). */
export function scheduledActivities(fixture: HistoryFixture): string[] {
  return fixture.history.events
    .map((e) => (e.activityTaskScheduledEventAttributes as { activityType?: { name?: string } } | undefined)?.activityType?.name)
    .filter((name): name is string => name !== undefined);
}
