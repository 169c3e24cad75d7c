import { Logger } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { VideoRequestSchema, type VideoStatusView } from '@vidflow/contracts';
import type { VidflowConfig } from '@vidflow/config';
import { NotFoundError, UnprocessableError } from '../common/api-errors';
import { validate } from '../common/zod-validation';
import { StatusWatchHub } from '../status-refresh/status-watch-hub';
import { createMcpServer } from './mcp-server';
import { McpTools } from './mcp-tools';

/** A video status with only what the tools read (status, stage, progress) set for the case. */
function status(id: string, s: VideoStatusView['status'], progress: number, stage: VideoStatusView['stage'] = 'tts'): VideoStatusView {
  return { id, status: s, stage, progress, cacheHit: false, createdAt: 't0', updatedAt: 't1' } as unknown as VideoStatusView;
}

/** The services the tools call, faked: the same validation as the real create (VideoRequestSchema), answers from lists. */
function fakes(statuses: VideoStatusView[] = []) {
  let read = 0;
  const next = async () => statuses[Math.min(read++, statuses.length - 1)]!;
  const videos = {
    create: jest.fn(async (body: unknown) => {
      validate(VideoRequestSchema, body);
      return { id: 'vid-1', status: 'queued' as const, links: { self: '/api/videos/vid-1', file: '/api/videos/vid-1/file', events: '/api/videos/vid-1/events' } };
    }),
    getForStream: jest.fn(next),
    cancel: jest.fn(async (id: string) => ({ id, status: 'running' as const })),
    events: new StatusWatchHub<VideoStatusView>({ read: next, pollMs: 1 }),
  };
  const videoList = { list: jest.fn(async () => ({ items: [{ id: 'vid-9', status: 'completed', links: { self: '/api/videos/vid-9' } }], nextCursor: null })) };
  const batches = {
    create: jest.fn(async () => ({ id: 'bat-1', status: 'queued', total: 2, links: {} })),
    get: jest.fn(async (id: string, page: { offset: number; limit: number }) => ({ id, status: 'running', total: 2, completed: 1, failed: 0, cancelled: 0, ...page })),
  };
  const transcriptions = {
    create: jest.fn(async () => ({ id: 'trn-1', status: 'queued' })),
    getForStream: jest.fn(async (id: string) => {
      if (id === 'trn-missing') throw new NotFoundError(`transcription ${id} not found`);
      return { id, status: 'completed', stage: 'done', progress: 1 };
    }),
  };
  const temporal = { withDeadline: <T>(fn: () => Promise<T>) => fn() };
  const config = { api: { publicUrl: 'https://videos.example' } } as VidflowConfig;
  const tools = new McpTools(videos as never, videoList as never, batches as never, transcriptions as never, temporal as never, config);
  return { tools, videos, videoList, batches, transcriptions };
}

/** The SDK's own client connected in memory to the server the endpoint makes for each request. */
async function connect(tools: McpTools): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const server = createMcpServer(tools, new AbortController().signal);
  await server.connect(serverSide);
  const client = new Client({ name: 'spec', version: '1' });
  await client.connect(clientSide);
  return client;
}

const textOf = (r: CallToolResult) => JSON.parse((r.content[0] as { text: string }).text);

describe('MCP tools', () => {
  it('lists the eight tools with input schemas from the REST zod schemas plus wait options', async () => {
    const client = await connect(fakes().tools);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      ['cancel_video', 'create_batch', 'create_video', 'get_batch', 'get_transcription', 'get_video', 'list_videos', 'transcribe'].sort(),
    );
    const create = tools.find((t) => t.name === 'create_video')!;
    expect(create.inputSchema.type).toBe('object');
    expect(Object.keys(create.inputSchema.properties!)).toEqual(expect.arrayContaining(['topic', 'script', 'scenes', 'voice', 'render', 'wait', 'timeoutSeconds']));
    expect((create.inputSchema as { oneOf?: unknown }).oneOf).toBeUndefined();
    expect(tools.find((t) => t.name === 'get_batch')!.inputSchema.required).toEqual(['id']);
    expect(Object.keys(tools.find((t) => t.name === 'list_videos')!.inputSchema.properties!).sort()).toEqual(['batchId', 'cursor', 'limit', 'status']);
  });

  it('create_video hands the request without the wait options to VideosService.create and answers links as absolute URLs', async () => {
    const f = fakes();
    const client = await connect(f.tools);
    const result = (await client.callTool({ name: 'create_video', arguments: { topic: 'bees', wait: false } })) as CallToolResult;
    expect(f.videos.create).toHaveBeenCalledWith({ topic: 'bees' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({
      id: 'vid-1',
      status: 'queued',
      links: { self: 'https://videos.example/api/videos/vid-1', file: 'https://videos.example/api/videos/vid-1/file', events: 'https://videos.example/api/videos/vid-1/events' },
    });
    expect(textOf(result)).toEqual(result.structuredContent);
  });

  it('a bad request is a tool error in the API error envelope naming the field', async () => {
    const client = await connect(fakes().tools);
    const result = (await client.callTool({ name: 'create_video', arguments: { topic: 'bees', render: { height: 99999 } } })) as CallToolResult;
    expect(result.isError).toBe(true);
    const body = textOf(result);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details).toEqual([expect.objectContaining({ field: 'render.height' })]);
    expect(body.error.message).toContain('render.height');
    const both = textOf((await client.callTool({ name: 'create_video', arguments: { topic: 'a', script: 'b' } })) as CallToolResult);
    expect(both.error.code).toBe('VALIDATION_FAILED');
  });

  it('bad wait options and ids name their field too', async () => {
    const client = await connect(fakes().tools);
    const wait = textOf((await client.callTool({ name: 'get_video', arguments: { id: 'vid-1', wait: true, timeoutSeconds: 100000 } })) as CallToolResult);
    expect(wait.error.details).toEqual([expect.objectContaining({ field: 'timeoutSeconds' })]);
    const missing = textOf((await client.callTool({ name: 'get_video', arguments: {} })) as CallToolResult);
    expect(missing.error.details).toEqual([expect.objectContaining({ field: 'id' })]);
    const page = textOf((await client.callTool({ name: 'get_batch', arguments: { id: 'bat-1', limit: 0 } })) as CallToolResult);
    expect(page.error.details).toEqual([expect.objectContaining({ field: 'limit' })]);
  });

  it('service errors keep their code: NOT_FOUND, UNPROCESSABLE with details; unexpected ones are INTERNAL without their message', async () => {
    const f = fakes();
    const client = await connect(f.tools);
    const missing = (await client.callTool({ name: 'get_transcription', arguments: { id: 'trn-missing' } })) as CallToolResult;
    expect(missing.isError).toBe(true);
    expect(textOf(missing).error).toMatchObject({ code: 'NOT_FOUND', message: 'transcription trn-missing not found' });
    f.batches.create.mockRejectedValueOnce(new UnprocessableError('no such voice', [{ field: 'items.0.voice.name', message: 'unknown voice' }]));
    const refused = textOf((await client.callTool({ name: 'create_batch', arguments: { items: [{ topic: 'a' }] } })) as CallToolResult);
    expect(refused.error).toMatchObject({ code: 'UNPROCESSABLE', details: [{ field: 'items.0.voice.name', message: 'unknown voice' }] });
    f.videos.cancel.mockRejectedValueOnce(new Error('secret internals'));
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const broken = textOf((await client.callTool({ name: 'cancel_video', arguments: { id: 'vid-1' } })) as CallToolResult);
    expect(broken.error).toEqual({ code: 'INTERNAL', message: 'internal error' });
    // The cause goes to the log (with its stack), not to the client.
    expect(logged).toHaveBeenCalledWith('unhandled error in MCP tool cancel_video', expect.stringContaining('secret internals'));
    logged.mockRestore();
  });

  it('an unknown tool is a protocol error (invalid params)', async () => {
    const client = await connect(fakes().tools);
    await expect(client.callTool({ name: 'make_coffee', arguments: {} })).rejects.toThrow(/unknown tool make_coffee/);
  });

  it('get_video with wait follows the video to completed and sends rising progress notifications to a client that asked', async () => {
    const f = fakes([status('vid-1', 'running', 0.1), status('vid-1', 'running', 0.1), status('vid-1', 'running', 0.5, 'render'), status('vid-1', 'completed', 1, 'done')]);
    const client = await connect(f.tools);
    const seen: Progress[] = [];
    const result = (await client.callTool({ name: 'get_video', arguments: { id: 'vid-1', wait: true } }, undefined, { onprogress: (p) => seen.push(p) })) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ id: 'vid-1', status: 'completed', links: { thumbnail: 'https://videos.example/api/videos/vid-1/thumbnail' } });
    expect(seen.map((p) => p.progress)).toEqual([10, 50, 100]);
    expect(seen.every((p) => p.total === 100)).toBe(true);
    expect(seen.at(-1)!.message).toBe('completed: done');
  });

  it('without wait, get_video reads once; with wait, an unfinished job is answered when timeoutSeconds is over, saying so', async () => {
    const f = fakes([status('vid-1', 'running', 0.2)]);
    const client = await connect(f.tools);
    await client.callTool({ name: 'get_video', arguments: { id: 'vid-1' } });
    expect(f.videos.getForStream).toHaveBeenCalledTimes(1);
    const result = (await client.callTool({ name: 'get_video', arguments: { id: 'vid-1', wait: true, timeoutSeconds: 1 } })) as CallToolResult;
    expect(result.structuredContent).toMatchObject({ status: 'running' });
    expect((result.content[1] as { text: string }).text).toMatch(/has not finished after 1s: call get_video with id vid-1/);
  });

  it('get_batch passes its page to BatchesService.get; list_videos its query to the list service', async () => {
    const f = fakes();
    const client = await connect(f.tools);
    const batch = (await client.callTool({ name: 'get_batch', arguments: { id: 'bat-1', offset: 1, limit: 1 } })) as CallToolResult;
    expect(f.batches.get).toHaveBeenCalledWith('bat-1', { offset: 1, limit: 1 });
    expect(batch.structuredContent).toMatchObject({ id: 'bat-1', links: { self: 'https://videos.example/api/batches/bat-1' } });
    const list = (await client.callTool({ name: 'list_videos', arguments: { status: 'completed' } })) as CallToolResult;
    expect(f.videoList.list).toHaveBeenCalledWith({ status: 'completed' });
    expect(list.structuredContent).toEqual({ items: [{ id: 'vid-9', status: 'completed', links: { self: 'https://videos.example/api/videos/vid-9' } }], nextCursor: null });
  });
});
