import { Module } from '@nestjs/common';
import { McpController } from './mcp.controller';
import { McpTools } from './mcp-tools';

/** The MCP server (issue #17): tools over the services of AppModule, which exports them. */
@Module({ controllers: [McpController], providers: [McpTools] })
export class McpModule {}
