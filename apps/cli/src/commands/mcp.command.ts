import { runStdioBridge } from '../mcp-bridge';
import { expectPositionals } from '../parse-args';
import type { Command } from '../command';

export const mcpCommand: Command = {
  name: 'mcp',
  args: '',
  summary: "an MCP server on stdin/stdout for AI agents, relaying to the API's /mcp endpoint",
  details:
    'Add it to an MCP client as the command `vidflow mcp` (env VIDFLOW_API_URL, VIDFLOW_API_KEY). Messages go to\n' +
    'VIDFLOW_API_URL/mcp unchanged; stdout carries only MCP messages, diagnostics go to stderr. Ends when stdin closes.',
  flags: {},
  async run(ctx, args) {
    expectPositionals(args, [], 'mcp');
    await runStdioBridge({ apiUrl: ctx.api.baseUrl, headers: ctx.api.authHeaders, log: (line) => ctx.io.stderr.write(`vidflow mcp: ${line}\n`) });
    return 0;
  },
};
