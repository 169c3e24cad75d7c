import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { crc32, deflateSync } from 'node:zlib';

/**
 * A small OpenAI-compatible server for tests: `POST /v1/chat/completions` answers a structured-output
 * request with a script about the prompt's topic, `POST /v1/audio/speech` answers with a real WAV (a
 * sine tone as long as the text would take to say). Faults are programmable: `failNext(n, fault)`
 * makes the next n calls (optionally of one endpoint) answer with an error status, slowly, or with
 * content that is not the requested JSON. `POST /v1/audio/transcriptions` (multipart, as the SDK sends it) answers
 * `verbose_json` with words made from the uploaded WAV: one word `w<k>` every 0.5 s of audio, five to a segment, so a
 * test can tell exactly what the transcript of a given chunk must be. `POST /v1/images/generations` answers a real
 * PNG of the requested size in one colour, the first of red, green, blue or yellow the prompt names (grey if none),
 * as `b64_json`, or as a `url` under `/files/` when the model's name starts with `url-`; DALL-E 3 adds a
 * `revised_prompt`. Every request is recorded.
 */

export type Endpoint = 'chat' | 'speech' | 'transcription' | 'images';

export type Fault =
  /** Answer with this status and an OpenAI-style error body; `retryAfter` becomes the Retry-After header. */
  | { status: number; message?: string; retryAfter?: string }
  /** Wait this long before answering normally (longer than the client's timeout: a timeout). */
  | { delayMs: number }
  /** Chat: answer 200 with this as the message content (e.g. text that is not JSON); images: as the image's bytes. */
  | { content: string };

export interface RecordedRequest {
  endpoint: Endpoint | 'other';
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The JSON body, or the fields of a multipart body (the uploaded file as `{ filename, bytes }`). */
  body: Record<string, unknown>;
  /** The client's port: equal ports mean one reused (keep-alive) connection. */
  remotePort: number;
  /** When it arrived (Date.now()). */
  at: number;
  /** Set when the request was answered with a fault. */
  fault?: Fault;
}

export interface OpenAiTestServer {
  /** `http://127.0.0.1:<port>`; the API lives under `/v1`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Most connections open at the same time since start (or `reset()`). */
  readonly maxOpenConnections: number;
  failNext(count: number, fault: Fault, endpoint?: Endpoint): void;
  /** Forgets recorded requests, pending faults and the connection high-water mark. */
  reset(): void;
  close(): Promise<void>;
}

const SAMPLE_RATE = 24_000;
const SECONDS_PER_WORD = 0.3;

export async function startOpenAiTestServer(): Promise<OpenAiTestServer> {
  const requests: RecordedRequest[] = [];
  let faults: Array<{ fault: Fault; endpoint?: Endpoint }> = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let maxOpenConnections = 0;
  /** Images answered by URL, by path. */
  const files = new Map<string, Buffer>();

  const takeFault = (endpoint: Endpoint): Fault | undefined => {
    const i = faults.findIndex((f) => f.endpoint === undefined || f.endpoint === endpoint);
    return i === -1 ? undefined : faults.splice(i, 1)[0]!.fault;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: Error) => {
      if (!res.headersSent) json(res, 500, { error: { message: `test server bug: ${err.message}`, type: 'server_error' } });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    maxOpenConnections = Math.max(maxOpenConnections, sockets.size);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const bytes = await readBody(req);
    const raw = bytes.toString('utf8');
    const path = (req.url ?? '').split('?')[0]!;
    const routes: Record<string, Endpoint> = {
      '/v1/chat/completions': 'chat',
      '/v1/audio/speech': 'speech',
      '/v1/audio/transcriptions': 'transcription',
      '/v1/images/generations': 'images',
    };
    const endpoint: RecordedRequest['endpoint'] = (req.method === 'POST' && routes[path]) || 'other';
    let body: Record<string, unknown> = {};
    let upload: Buffer | undefined;
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers['content-type'] ?? '');
    if (boundary) {
      ({ fields: body, file: upload } = parseMultipart(bytes, boundary[1] ?? boundary[2]!));
    } else {
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        // recorded as {}; the endpoint answers 400 below
      }
    }
    const record: RecordedRequest = { endpoint, method: req.method ?? '', path, headers: req.headers, body, remotePort: req.socket.remotePort ?? 0, at: Date.now() };
    requests.push(record);
    const served = req.method === 'GET' ? files.get(path) : undefined;
    if (served) {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': served.length });
      return void res.end(served);
    }
    if (endpoint === 'other') return json(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } });

    const fault = takeFault(endpoint);
    record.fault = fault;
    if (fault && 'status' in fault) {
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {};
      return json(res, fault.status, { error: { message: fault.message ?? `injected ${fault.status}`, type: 'test_fault', param: null, code: null } }, headers);
    }
    if (fault && 'delayMs' in fault) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => (timers.delete(timer), resolve()), fault.delayMs);
        timers.add(timer);
      });
      if (res.destroyed) return;
    }
    if (endpoint === 'chat') return answerChat(res, body, fault && 'content' in fault ? fault.content : undefined);
    if (endpoint === 'transcription') return answerTranscription(res, body, upload);
    if (endpoint === 'images') return answerImage(res, body, fault && 'content' in fault ? fault.content : undefined, (png) => {
      const name = `/files/image-${files.size + 1}.png`;
      files.set(name, png);
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}${name}`;
    });
    return answerSpeech(res, body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxOpenConnections() {
      return maxOpenConnections;
    },
    failNext(count, fault, endpoint) {
      for (let i = 0; i < count; i++) faults.push({ fault, endpoint });
    },
    reset() {
      requests.length = 0;
      faults = [];
      maxOpenConnections = sockets.size;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answerChat(res: ServerResponse, body: Record<string, unknown>, content?: string): void {
  const messages = (body.messages ?? []) as Array<{ role: string; content: string }>;
  const prompt = messages.find((m) => m.role === 'user')?.content;
  if (typeof body.model !== 'string' || !prompt) {
    return json(res, 400, { error: { message: 'model and a user message are required', type: 'invalid_request_error' } });
  }
  const topic = /^Topic: (.+)$/m.exec(prompt)?.[1] ?? 'something';
  const sceneCount = Math.min(3, Math.max(1, Number(/in about (\d+) scenes?/.exec(prompt)?.[1] ?? 1)));
  const sentences = [
    `Here is something worth knowing about ${topic}.`,
    `People who study ${topic} keep finding surprises.`,
    `That was ${topic}, in a few words.`,
  ];
  // With the search terms strict structured output asks for (the schema requires them).
  const scenes = sentences.slice(0, sceneCount).map((text, i) => ({ text, keywords: [i === 0 ? topic : `${topic} ${i + 1}`] }));
  json(res, 200, {
    id: `chatcmpl-test-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: content ?? JSON.stringify({ scenes }), refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 50, completion_tokens: 30, total_tokens: 80 },
  });
}

/** The colours answerImage draws, by the word in the prompt that asks for them. */
export const IMAGE_COLOURS = { red: [230, 20, 20], green: [20, 200, 40], blue: [20, 40, 230], yellow: [240, 220, 20] } as const;

function answerImage(res: ServerResponse, body: Record<string, unknown>, content: string | undefined, publish: (png: Buffer) => string): void {
  const size = /^(\d{2,4})x(\d{2,4})$/.exec(typeof body.size === 'string' ? body.size : '1024x1024');
  if (typeof body.model !== 'string' || typeof body.prompt !== 'string' || !body.prompt.trim() || !size) {
    return json(res, 400, { error: { message: 'model, prompt and a size WxH are required', type: 'invalid_request_error' } });
  }
  if (body.model.startsWith('gpt-image') && body.response_format !== undefined) {
    return json(res, 400, { error: { message: "Unknown parameter: 'response_format'.", type: 'invalid_request_error', param: 'response_format' } });
  }
  const word = /\b(red|green|blue|yellow)\b/i.exec(body.prompt)?.[1]?.toLowerCase() as keyof typeof IMAGE_COLOURS | undefined;
  const png = content !== undefined ? Buffer.from(content) : solidPng(Number(size[1]), Number(size[2]), word ? IMAGE_COLOURS[word] : [128, 128, 128]);
  const image = body.model.startsWith('url-') ? { url: publish(png) } : { b64_json: png.toString('base64') };
  json(res, 200, { created: Math.floor(Date.now() / 1000), data: [{ ...image, ...(body.model === 'dall-e-3' ? { revised_prompt: `A detailed picture. ${body.prompt}` } : {}) }] });
}

/** A PNG of one colour (8-bit RGB, no interlace), made with node:zlib. */
export function solidPng(width: number, height: number, [r, g, b]: readonly number[]): Buffer {
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([r!, g!, b!], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function answerSpeech(res: ServerResponse, body: Record<string, unknown>): void {
  if (typeof body.model !== 'string' || typeof body.voice !== 'string' || typeof body.input !== 'string' || !body.input.trim()) {
    return json(res, 400, { error: { message: 'model, voice and input are required', type: 'invalid_request_error' } });
  }
  const words = body.input.trim().split(/\s+/).length;
  const speed = typeof body.speed === 'number' ? body.speed : 1;
  const wav = sineWav(Math.max(0.5, (words * SECONDS_PER_WORD) / speed));
  res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': wav.length });
  res.end(wav);
}

/** Seconds of audio per word of the test server's transcripts, and words per segment. */
export const TRANSCRIPT_SECONDS_PER_WORD = 0.5;
export const TRANSCRIPT_WORDS_PER_SEGMENT = 5;

/** What the test server answers for a WAV of `durationSeconds` (verbose_json): words w0, w1, ... every 0.5 s. */
export function testTranscript(durationSeconds: number) {
  const count = Math.floor(durationSeconds / TRANSCRIPT_SECONDS_PER_WORD);
  const words = Array.from({ length: count }, (_, k) => ({
    word: `w${k}`,
    start: k * TRANSCRIPT_SECONDS_PER_WORD,
    end: k * TRANSCRIPT_SECONDS_PER_WORD + 0.4,
  }));
  const segments = [];
  for (let i = 0; i < words.length; i += TRANSCRIPT_WORDS_PER_SEGMENT) {
    const group = words.slice(i, i + TRANSCRIPT_WORDS_PER_SEGMENT);
    segments.push({ id: segments.length, seek: 0, start: group[0]!.start, end: group[group.length - 1]!.end, text: ` ${group.map((w) => w.word).join(' ')}` });
  }
  return { words, segments, text: words.map((w) => w.word).join(' ') };
}

function answerTranscription(res: ServerResponse, body: Record<string, unknown>, file: Buffer | undefined): void {
  if (typeof body.model !== 'string' || !file) {
    return json(res, 400, { error: { message: 'model and file are required', type: 'invalid_request_error' } });
  }
  const rate = file.length >= 44 && file.toString('ascii', 0, 4) === 'RIFF' ? file.readUInt32LE(24) : 0;
  const dataAt = file.indexOf('data', 12, 'ascii');
  if (!rate || dataAt < 0) return json(res, 400, { error: { message: 'Invalid file format. The file is not a WAV file.', type: 'invalid_request_error' } });
  const duration = (file.length - dataAt - 8) / (rate * 2);
  const { words, segments, text } = testTranscript(duration);
  const language = typeof body.language === 'string' ? body.language : 'en';
  if (body.response_format !== 'verbose_json') return json(res, 200, { text });
  const granularities = ([] as unknown[]).concat(body['timestamp_granularities[]'] ?? []);
  json(res, 200, { task: 'transcribe', language, duration, text, segments, ...(granularities.includes('word') ? { words } : {}) });
}

/** Fields of a multipart/form-data body (repeated names become arrays) and the bytes of its file part. */
function parseMultipart(body: Buffer, boundary: string): { fields: Record<string, unknown>; file?: Buffer } {
  const fields: Record<string, unknown> = {};
  let file: Buffer | undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length + 2; // past CRLF
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start, next - 2); // before CRLF
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const content = part.subarray(headerEnd + 4);
    const name = /name="([^"]+)"/.exec(headers)?.[1];
    const filename = /filename="([^"]*)"/.exec(headers)?.[1];
    if (name) {
      if (filename !== undefined) {
        file = content;
        fields[name] = { filename, bytes: content.length };
      } else {
        const value = content.toString('utf8');
        fields[name] = name in fields ? ([] as unknown[]).concat(fields[name], value) : value;
      }
    }
    at = next;
  }
  return { fields, file };
}

/** A 16-bit mono PCM WAV of a quiet 220 Hz tone, with a gentle fade so it is not all one level. */
export function sineWav(seconds: number, sampleRate = SAMPLE_RATE): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16); // fmt chunk size
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28); // byte rate
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    const envelope = Math.min(1, i / (0.05 * sampleRate), (samples - i) / (0.05 * sampleRate));
    wav.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 220 * i) / sampleRate) * 8000 * envelope), 44 + i * 2);
  }
  return wav;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
