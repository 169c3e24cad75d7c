import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { join, resolve } from 'node:path';
import { ffprobe } from './support/ffprobe';
import { freePort } from './support/free-port';
import { startTestStack, type TestStack } from './support/test-stack';

const CLI = resolve(__dirname, '..', 'apps', 'cli', 'dist', 'main.js');
const KEY = 'mcp-test-key';

/**
 * The MCP server as agents use it: the SDK's own Client over Streamable HTTP (POST /mcp of a listening API) and
 * over stdio (the built `vidflow mcp`, relaying to that API), against a real worker and the test Temporal server.
 * API_KEYS is set: every client sends the key, and one without it is refused.
 */
describe('MCP server end to end', () => {
  let stack: TestStack;
  let apiUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    stack = await startTestStack({ API_KEYS: KEY, API_PUBLIC_URL: apiUrl });
    await stack.app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const transports: Record<string, () => Transport> = {
    'Streamable HTTP': () => new StreamableHTTPClientTransport(new URL(`${apiUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${KEY}` } } }),
    'stdio (vidflow mcp)': () =>
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI, 'mcp'],
        env: { ...(process.env as Record<string, string>), VIDFLOW_API_URL: apiUrl, VIDFLOW_API_KEY: KEY },
        stderr: 'pipe',
      }),
  };

  describe.each(Object.keys(transports))('over %s', (name) => {
    let client: Client;
    beforeAll(async () => {
      client = new Client({ name: 'vidflow-e2e', version: '1' });
      await client.connect(transports[name]!());
    });
    afterAll(async () => {
      await client?.close();
    });

    it('lists the tools', async () => {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(
        ['cancel_video', 'create_batch', 'create_video', 'get_batch', 'get_transcription', 'get_video', 'list_videos', 'transcribe'],
      );
      expect(client.getServerVersion()).toMatchObject({ name: 'vidflow' });
    });

    it('creates a video from a topic with the offline defaults and follows it to completed, with progress notifications', async () => {
      const seen: Progress[] = [];
      // A topic of its own per transport: a repeat would be a pipeline-cache hit, completed before any progress.
      const result = (await client.callTool(
        { name: 'create_video', arguments: { topic: `lighthouses seen ${name === 'Streamable HTTP' ? 'from the sea' : 'from the shore'}`, llm: { targetSeconds: 6 }, render: { height: 320 }, wait: true } },
        undefined,
        { onprogress: (p) => seen.push(p), timeout: 60_000, resetTimeoutOnProgress: true, maxTotalTimeout: 230_000 },
      )) as CallToolResult;
      expect(result.isError).toBeFalsy();
      const status = result.structuredContent as { id: string; status: string; stages: { script: { provider: string } }; links: { file: string } };
      expect(status).toMatchObject({ status: 'completed', stage: 'done', progress: 1 });
      expect(status.stages.script.provider).toBe('offline');
      expect(JSON.parse((result.content[0] as { text: string }).text)).toEqual(status);
      // Each higher than the one before, in percent. (The last one, 100, is sent just before the result; the SDK's
      // Client handles notifications a microtask late, so over stdio, where both often arrive in one read, it may
      // drop that one: only those of the running job are certain.)
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.map((p) => p.progress)).toEqual([...new Set(seen.map((p) => p.progress))].sort((a, b) => a - b));
      expect(seen.every((p) => p.total === 100)).toBe(true);

      // links.file is an absolute URL of this API: the MP4, with the key.
      expect(status.links.file).toBe(`${apiUrl}/api/videos/${status.id}/file`);
      const file = await fetch(status.links.file, { headers: { authorization: `Bearer ${KEY}` } });
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('video/mp4');
      await file.arrayBuffer();
      expect(ffprobe(join(stack.config.dataDir, 'videos', `${status.id}.mp4`)).video).toMatchObject({ codec: 'h264', height: 320 });

      const again = (await client.callTool({ name: 'get_video', arguments: { id: status.id } })) as CallToolResult;
      expect(again.structuredContent).toMatchObject({ id: status.id, status: 'completed' });
      const listed = (await client.callTool({ name: 'list_videos', arguments: { status: 'completed' } })) as CallToolResult;
      expect((listed.structuredContent as { items: Array<{ id: string }> }).items.map((i) => i.id)).toContain(status.id);
    });

    it("answers a bad request with a tool error naming the field, in the API's error envelope", async () => {
      const result = (await client.callTool({ name: 'create_video', arguments: { topic: 'bees', render: { aspect: '5:4' } } })) as CallToolResult;
      expect(result.isError).toBe(true);
      const body = JSON.parse((result.content[0] as { text: string }).text);
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(body.error.details).toEqual([expect.objectContaining({ field: 'render.aspect' })]);
      expect(result.structuredContent).toEqual(body);
      const missing = (await client.callTool({ name: 'get_video', arguments: { id: 'vid-00000000-0000-4000-8000-000000000000' } })) as CallToolResult;
      expect(missing.isError).toBe(true);
      expect(JSON.parse((missing.content[0] as { text: string }).text).error.code).toBe('NOT_FOUND');
    });
  });

  it('needs the API key: Streamable HTTP without it is refused with 401, and so is vidflow mcp without VIDFLOW_API_KEY', async () => {
    const bare = await fetch(`${apiUrl}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');

    await expect(new Client({ name: 'no-key', version: '1' }).connect(new StreamableHTTPClientTransport(new URL(`${apiUrl}/mcp`)))).rejects.toThrow(/UNAUTHORIZED|401/);
    const env: Record<string, string> = { ...(process.env as Record<string, string>), VIDFLOW_API_URL: apiUrl };
    delete env.VIDFLOW_API_KEY;
    const stdio = new Client({ name: 'no-key', version: '1' });
    await expect(stdio.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp'], env, stderr: 'pipe' }))).rejects.toThrow(/missing API key/);
    await stdio.close();
  });

  it('GET and DELETE /mcp are 405 with a JSON-RPC error (stateless: no stream, no session)', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${apiUrl}/mcp`, { method, headers: { authorization: `Bearer ${KEY}`, accept: 'text/event-stream' } });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(await res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 }, id: null });
    }
  });
});
