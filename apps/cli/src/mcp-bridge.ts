import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ErrorCode, isInitializeRequest, isJSONRPCRequest, isJSONRPCResultResponse, type RequestId } from '@modelcontextprotocol/sdk/types.js';

/**
 * Relays MCP messages between an agent (`agent`, the stdio side) and the API's `/mcp` endpoint (`api`, Streamable
 * HTTP): every message of one goes to the other unchanged, so the tools, their errors and progress notifications
 * are the API's own. A request the API cannot be asked (not running, wrong API key) is answered to the agent with
 * a JSON-RPC error that says why, rather than left unanswered. Resolves when the agent side closes.
 */
export async function relayMcp(agent: Transport, api: Transport & { setProtocolVersion?(v: string): void }, apiUrl: string, log: (line: string) => void): Promise<void> {
  const initializeIds = new Set<RequestId>();
  const closed = new Promise<void>((resolve) => (agent.onclose = resolve));
  agent.onerror = (err) => log(`stdio: ${err.message}`);
  api.onerror = (err) => log(`${apiUrl}: ${err.message}`);
  api.onmessage = (message) => {
    // Later requests carry the negotiated version (MCP-Protocol-Version), as the SDK's own client sends it.
    if (isJSONRPCResultResponse(message) && initializeIds.delete(message.id) && typeof message.result.protocolVersion === 'string') {
      api.setProtocolVersion?.(message.result.protocolVersion);
    }
    void agent.send(message).catch((err: Error) => log(`stdio: ${err.message}`));
  };
  agent.onmessage = (message) => {
    if (isInitializeRequest(message) && isJSONRPCRequest(message)) initializeIds.add(message.id);
    api.send(message).catch((err: Error) => {
      log(`${apiUrl}: ${err.message}`);
      if (!isJSONRPCRequest(message)) return;
      const error = { code: ErrorCode.InternalError, message: `the vidflow API at ${apiUrl} did not answer: ${err.message}` };
      void agent.send({ jsonrpc: '2.0', id: message.id, error }).catch(() => undefined);
    });
  };
  await api.start();
  await agent.start();
  await closed;
  await api.close();
}

/** `vidflow mcp`: stdin/stdout of this process to `<apiUrl>/mcp`, with the CLI's API key. */
export async function runStdioBridge(options: { apiUrl: string; headers: Record<string, string>; log: (line: string) => void }): Promise<void> {
  const url = new URL(`${options.apiUrl}/mcp`);
  const api = new StreamableHTTPClientTransport(url, { requestInit: { headers: options.headers } });
  const agent = new StdioServerTransport();
  // The SDK's stdio transport does not notice the end of stdin: the agent closing its pipe ends the bridge.
  process.stdin.once('end', () => void agent.close());
  await relayMcp(agent, api, url.toString(), options.log);
}
