import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { LATEST_PROTOCOL_VERSION, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { relayMcp } from './mcp-bridge';

/** An agent's Client on one side of the relay, `api` on the other. */
async function throughRelay(api: Transport & { setProtocolVersion?(v: string): void }, log: string[] = []) {
  const [clientSide, agentSide] = InMemoryTransport.createLinkedPair();
  const relayed = relayMcp(agentSide, api, 'http://api.test/mcp', (l) => log.push(l));
  const client = new Client({ name: 'agent', version: '1' });
  return { client, relayed, connect: () => client.connect(clientSide) };
}

describe('relayMcp (vidflow mcp)', () => {
  it('passes messages both ways unchanged and tells the API side the negotiated protocol version', async () => {
    const [apiSide, serverSide] = InMemoryTransport.createLinkedPair();
    const server = new Server({ name: 'api', version: '1' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [{ name: 'create_video', inputSchema: { type: 'object' } }] }));
    await server.connect(serverSide);
    const versions: string[] = [];
    const api = Object.assign(apiSide, { setProtocolVersion: (v: string) => versions.push(v) });
    const { client, relayed, connect } = await throughRelay(api);
    await connect();
    expect(client.getServerVersion()).toEqual({ name: 'api', version: '1' });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['create_video']);
    expect(versions).toEqual([LATEST_PROTOCOL_VERSION]);
    await client.close();
    await relayed;
  });

  it('answers a request the API cannot take with a JSON-RPC error saying why, and logs it', async () => {
    const api: Transport = {
      start: async () => undefined,
      close: async () => undefined,
      send: async () => {
        throw new Error('fetch failed: connect ECONNREFUSED');
      },
    };
    const log: string[] = [];
    const { client, relayed, connect } = await throughRelay(api, log);
    await expect(connect()).rejects.toThrow('the vidflow API at http://api.test/mcp did not answer: fetch failed: connect ECONNREFUSED');
    expect(log).toEqual(['http://api.test/mcp: fetch failed: connect ECONNREFUSED']);
    await client.close();
    await relayed;
  });
});
