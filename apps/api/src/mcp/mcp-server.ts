import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { McpTools } from './mcp-tools';

/** What the server says of itself in `initialize`. */
export const SERVER_INFO = { name: 'vidflow', version: '1' };

/**
 * One MCP server for one request (stateless Streamable HTTP: nothing is kept between requests). The SDK's
 * low-level Server, not McpServer: McpServer validates arguments with the SDK's own messages before a tool runs,
 * and the tools here must validate with the REST API's zod schemas and answer its error envelope.
 *
 * Progress: a request whose `_meta.progressToken` is set gets `notifications/progress` on its response stream,
 * in percent (total 100), each one higher than the one before, as the specification requires.
 */
export function createMcpServer(tools: McpTools, signal: AbortSignal): Server {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: {} },
    instructions:
      'vidflow makes short narrated videos and transcribes media. create_video with a topic is the quickest start; ' +
      'pass wait: true to get the finished video (links.file is the MP4), or poll get_video.',
  });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.list() }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
    const { name, arguments: args } = request.params;
    if (!tools.has(name)) throw new McpError(ErrorCode.InvalidParams, `unknown tool ${name}; the tools are ${tools.list().map((t) => t.name).join(', ')}`);
    const token = request.params._meta?.progressToken;
    let sent = -1;
    const progress =
      token === undefined
        ? undefined
        : (fraction: number, message: string) => {
            const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
            if (percent <= sent) return;
            sent = percent;
            void extra
              .sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: percent, total: 100, message } })
              .catch(() => undefined);
          };
    return tools.call(name, args, { signal: AbortSignal.any([signal, extra.signal]), progress });
  });
  return server;
}
