import { Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Request, Response } from 'express';
import { createMcpServer } from './mcp-server';
import { McpTools } from './mcp-tools';

/**
 * `POST /mcp`: the MCP Streamable HTTP endpoint, stateless (no sessions: any API replica answers any request).
 * API keys, rate limit and body limit are those of /api (create-app's middleware). A tool call's answer is an
 * SSE stream (its progress notifications, then the result); other requests are answered the same way.
 */
@ApiTags('mcp')
@Controller('mcp')
export class McpController {
  constructor(private readonly tools: McpTools) {}

  @Post()
  @ApiOperation({ summary: 'MCP Streamable HTTP (stateless): JSON-RPC requests of an MCP client; the tools create and follow videos, batches and transcriptions' })
  async post(@Req() req: Request, @Res() res: Response): Promise<void> {
    const closed = new AbortController();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    const server = createMcpServer(this.tools, closed.signal);
    res.on('close', () => {
      closed.abort();
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  }

  /** Stateless servers open no stream for server-initiated messages and have no session to end: 405, as the specification says. */
  @Get()
  @ApiExcludeEndpoint()
  @HttpCode(405)
  get(@Res({ passthrough: true }) res: Response) {
    return methodNotAllowed(res);
  }

  @Delete()
  @ApiExcludeEndpoint()
  @HttpCode(405)
  delete(@Res({ passthrough: true }) res: Response) {
    return methodNotAllowed(res);
  }
}

/** JSON-RPC's implementation-defined server error, which the specification's stateless examples answer with. */
const SERVER_ERROR = -32000;

function methodNotAllowed(res: Response) {
  res.setHeader('Allow', 'POST');
  return { jsonrpc: '2.0', error: { code: SERVER_ERROR, message: 'Method not allowed: this MCP server is stateless; POST JSON-RPC messages to /mcp' }, id: null };
}
