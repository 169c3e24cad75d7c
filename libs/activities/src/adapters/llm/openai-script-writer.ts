import type { Scene } from '@vidflow/contracts';
import type OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { ProviderError } from '../provider-error';
import { WORDS_PER_SECOND } from './offline-script-writer';
import { fromOpenAiError } from '../openai/openai-errors';
import type { ScriptWriter, WriteScriptRequest } from './script-writer';

/** About this many words per scene: two or three spoken sentences, one caption screen at a time. */
const WORDS_PER_SCENE = 25;

/**
 * The structured-output schema. Strict mode (https://platform.openai.com/docs/guides/structured-outputs)
 * requires every property to be required and `additionalProperties: false` at every level.
 */
export const SCRIPT_JSON_SCHEMA = {
  type: 'object',
  properties: {
    scenes: {
      type: 'array',
      description: 'The narration, in order, one item per scene',
      items: {
        type: 'object',
        properties: {
          text: { type: 'string', description: 'What the narrator says in this scene: one to three sentences' },
          keywords: {
            type: 'array',
            description: 'One to three short English search terms for stock footage or an image that shows this scene: concrete things a camera can film',
            items: { type: 'string' },
          },
        },
        required: ['text', 'keywords'],
        additionalProperties: false,
      },
    },
  },
  required: ['scenes'],
  additionalProperties: false,
} as const;

/**
 * What the model's JSON must be; scenes with only whitespace are dropped before the "no scenes" check. `keywords` may
 * be missing (OpenAI-compatible servers without structured output): the stock search then uses the scene's words.
 */
const ScriptOutputSchema = z.object({
  scenes: z.array(z.object({ text: z.string(), keywords: z.array(z.string()).optional() })),
});

/** At most this many search terms per scene, each at most this long (a request's own `keywords` have the same bounds). */
const MAX_KEYWORDS = 5;
const MAX_KEYWORD_CHARS = 60;

/** The model's search terms, usable as a scene's `keywords`: trimmed, blanks, repeats and overlong terms dropped. */
export function cleanKeywords(keywords: readonly string[] | undefined): string[] {
  const kept = (keywords ?? []).map((k) => k.replace(/\s+/g, ' ').trim()).filter((k) => k !== '' && k.length <= MAX_KEYWORD_CHARS);
  const first = new Map<string, string>();
  for (const k of kept) if (!first.has(k.toLowerCase())) first.set(k.toLowerCase(), k);
  return [...first.values()].slice(0, MAX_KEYWORDS);
}

const SYSTEM_PROMPT = [
  'You write the narration of short videos. A text-to-speech voice reads it aloud over a simple background,',
  'with each scene shown as captions. Write plain spoken sentences that sound natural when heard:',
  'no headings, lists, markdown, emoji, URLs, stage directions or speaker labels.',
  'Open with a hook, end with a short closing line. Split the narration into scenes of one to three sentences.',
  'For each scene also give one to three short English search terms for stock footage that shows it (concrete nouns, such as "humpback whale").',
  'Answer with JSON that matches the given schema and nothing else.',
].join(' ');

/** The chat messages for one script; pure, so the prompt can be asserted and changed with care. */
export function buildScriptMessages(request: WriteScriptRequest): ChatCompletionMessageParam[] {
  const words = Math.max(12, Math.round(request.targetSeconds * WORDS_PER_SECOND));
  const scenes = Math.max(1, Math.round(words / WORDS_PER_SCENE));
  const lines = [
    `Topic: ${request.topic.replace(/\s+/g, ' ').trim()}`,
    `Language: write the whole narration in the language with the BCP 47 tag "${request.language}".`,
    ...(request.style?.trim() ? [`Style: ${request.style.trim()}`] : []),
    `Length: about ${words} words in total (${request.targetSeconds} seconds read aloud at ${WORDS_PER_SECOND} words per second), ` +
      `in about ${scenes} scene${scenes === 1 ? '' : 's'}.`,
  ];
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: lines.join('\n') },
  ];
}

/**
 * Reads the model's answer into scenes. Anything unusable (not JSON, wrong shape, no text) is a
 * retryable ProviderError: models are not deterministic, and the next attempt often succeeds.
 */
export function parseScriptContent(content: string | null | undefined, what: string): Scene[] {
  // Some OpenAI-compatible servers without structured-output support wrap the JSON in a code fence.
  const text = (content ?? '').trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/i, '$1');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProviderError(`${what} returned text that is not JSON: ${JSON.stringify(text.slice(0, 200))}`, { retryable: true });
  }
  const parsed = ScriptOutputSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ProviderError(`${what} returned JSON without the expected scenes (${issue.path.join('.') || 'root'}: ${issue.message})`, {
      retryable: true,
    });
  }
  const scenes = parsed.data.scenes
    .map((s) => {
      const keywords = cleanKeywords(s.keywords);
      return { text: s.text.replace(/\s+/g, ' ').trim(), ...(keywords.length ? { keywords } : {}) };
    })
    .filter((s) => s.text !== '');
  if (scenes.length === 0) throw new ProviderError(`${what} returned a script with no scenes`, { retryable: true });
  return scenes;
}

/** Writes scripts with an OpenAI (or OpenAI-compatible) chat model, using structured output. */
export class OpenAiScriptWriter implements ScriptWriter {
  readonly name: string;

  constructor(
    private readonly client: OpenAI,
    private readonly defaultModel: string,
  ) {
    this.name = `openai:${defaultModel}`;
  }

  async write(request: WriteScriptRequest): Promise<Scene[]> {
    const model = request.model ?? this.defaultModel;
    const what = `OpenAI chat model ${model}`;
    const params: ChatCompletionCreateParamsNonStreaming = {
      model,
      messages: buildScriptMessages(request),
      response_format: { type: 'json_schema', json_schema: { name: 'video_script', strict: true, schema: SCRIPT_JSON_SCHEMA } },
    };
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(params);
    } catch (err) {
      throw fromOpenAiError(err, what);
    }
    const choice = completion.choices?.[0];
    if (!choice) throw new ProviderError(`${what} returned no choices`, { retryable: true });
    if (choice.message.refusal) {
      // A refusal is the model's decision about this topic; asking again gets the same answer.
      throw new ProviderError(`${what} refused to write the script: ${choice.message.refusal}`, { retryable: false });
    }
    if (choice.finish_reason === 'content_filter') {
      throw new ProviderError(`${what} stopped the script with its content filter`, { retryable: false });
    }
    if (choice.finish_reason === 'length') {
      throw new ProviderError(`${what} ran out of output tokens before the script was complete`, { retryable: true });
    }
    return parseScriptContent(choice.message.content, what);
  }
}
