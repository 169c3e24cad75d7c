import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Scene, WriteScriptInput } from '@vidflow/contracts';
import { OfflineScriptWriter } from '../adapters/llm/offline-script-writer';
import type { ScriptWriter, WriteScriptRequest } from '../adapters/llm/script-writer';
import { makeWriteScript } from './write-script.activity';

/** `env.run` with the activity's argument and result types kept (its own signature infers `unknown`). */
function runActivity<A, R>(env: MockActivityEnvironment, activity: (input: A) => Promise<R>, input: A): Promise<R> {
  return env.run(activity, input) as Promise<R>;
}

/** A writer that records what it was asked, so a test can check it was (or was not) called. */
class RecordingWriter implements ScriptWriter {
  readonly name = 'openai:test-model';
  readonly requests: WriteScriptRequest[] = [];
  async write(request: WriteScriptRequest): Promise<Scene[]> {
    this.requests.push(request);
    return [{ text: `About ${request.topic}.` }];
  }
}

const base: WriteScriptInput = { videoId: 'vid-w', language: 'en', llm: { provider: 'offline', targetSeconds: 30 } };
const run = (writers: Record<string, ScriptWriter>, input: WriteScriptInput) =>
  runActivity(new MockActivityEnvironment(), makeWriteScript({ scriptWriters: writers }), input);

describe('writeScript', () => {
  it('passes scenes given by the user through unchanged, without calling a writer', async () => {
    const writer = new RecordingWriter();
    const scenes = [{ text: 'One.' }, { text: 'Two.', background: { color: '#fff' } }];
    expect(await run({ offline: writer }, { ...base, scenes, topic: 'ignored' })).toEqual({ scenes, provider: 'input', cacheHit: false });
    expect(writer.requests).toEqual([]);
  });

  it('splits a script at sentences, without calling a writer', async () => {
    const writer = new RecordingWriter();
    const script = `${'A first sentence that is long enough to matter here. '.repeat(4)}And the end.`;
    const out = await run({ offline: writer }, { ...base, script });
    expect(out.provider).toBe('input');
    expect(out.scenes.length).toBe(2);
    expect(out.scenes.map((s) => s.text).join(' ')).toBe(script.trim());
    expect(writer.requests).toEqual([]);
  });

  it('has the configured writer write up a topic, passing the LLM options through', async () => {
    const writer = new RecordingWriter();
    const out = await run(
      { openai: writer },
      { ...base, topic: 'tides', language: 'fr', llm: { provider: 'openai', model: 'gpt-x', style: 'calm', targetSeconds: 45 } },
    );
    expect(out).toEqual({ scenes: [{ text: 'About tides.' }], provider: 'openai:test-model', cacheHit: false });
    expect(writer.requests).toEqual([{ topic: 'tides', language: 'fr', style: 'calm', targetSeconds: 45, model: 'gpt-x' }]);
  });

  it('writes a topic offline with the offline writer', async () => {
    const out = await run({ offline: new OfflineScriptWriter() }, { ...base, topic: 'tides' });
    expect(out.provider).toBe('offline');
    expect(out.scenes[0]!.text).toContain('tides');
  });

  it('fails with a non-retryable BadInput for a provider this worker does not have', async () => {
    const err = await run({ offline: new OfflineScriptWriter() }, { ...base, topic: 'tides', llm: { provider: 'openai', targetSeconds: 30 } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'BadInput', nonRetryable: true });
    expect((err as Error).message).toContain('llm.provider "openai"');
  });

  it('fails with a non-retryable BadInput when there is nothing to write about', async () => {
    const err = await run({ offline: new OfflineScriptWriter() }, base).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'BadInput', nonRetryable: true });
  });
});
