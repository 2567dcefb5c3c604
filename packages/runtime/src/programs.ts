import { resolve } from 'node:path';
import { storageConfig, type StorageSettings } from '@kaizen/storage';
import { loggingConfig, type AnyConfigSlice } from './config.js';
import { appVersion, mainPathOf, type Program } from './program.js';
import { redactSecrets } from './redact.js';

/** What every program that opens a database reads: storage and logging. */
export const baseSlices = [storageConfig, loggingConfig] as const;

/** `slices`: any the stdio server reads beyond storage and logging (stdioAuthConfig). */
export function stdioProgram<X extends readonly AnyConfigSlice[]>(mainUrl: string, ...slices: X): Program<readonly [...typeof baseSlices, ...X]> {
  const mainPath = mainPathOf(mainUrl);
  return {
    name: 'kaizen-mcp',
    version: appVersion(mainUrl),
    mainPath,
    usage: 'kaizen-mcp [--database-url URL] [--data-dir DIR] [--log-level LEVEL]',
    description:
      "Kaizen's MCP server over stdio. Kaizen keeps a team's knowledge (conventions, decisions, pitfalls) for AI " +
      'coding agents. An MCP client starts this program itself and speaks JSON-RPC with it on stdin and stdout; ' +
      'logs are JSON lines on stderr.',
    connect: stdioConnectHelp(mainPath),
    slices: [...baseSlices, ...slices] as const,
  };
}

/** `slices`: the HTTP server's own (httpConfig) and any more it reads (authConfig). */
export function httpProgram<H extends readonly AnyConfigSlice[]>(mainUrl: string, ...slices: H): Program<readonly [...typeof baseSlices, ...H]> {
  return {
    name: 'kaizen-http',
    version: appVersion(mainUrl),
    mainPath: mainPathOf(mainUrl),
    usage: 'kaizen-http [--http-port PORT] [--database-url URL] [more flags below]',
    description:
      "Kaizen's MCP server over HTTP, for one Kaizen shared by a team: Streamable HTTP at /mcp, legacy SSE at " +
      '/sse, health probes at /healthz and /readyz. Kaizen keeps a team\'s knowledge (conventions, decisions, ' +
      'pitfalls) for AI coding agents; logs are JSON lines on stderr.',
    connect: [
      'Connect a client to http://HOST:PORT/mcp (by default http://127.0.0.1:3400/mcp), e.g.:',
      '  claude mcp add --transport http kaizen http://127.0.0.1:3400/mcp',
      'Clients that only speak the older HTTP+SSE transport use http://HOST:PORT/sse.',
    ].join('\n'),
    slices: [...baseSlices, ...slices] as const,
  };
}

/** The MCP client configuration entry that starts this server. */
export function stdioClientConfig(mainPath: string): string {
  return JSON.stringify({ mcpServers: { kaizen: { command: 'node', args: [mainPath] } } });
}

function stdioConnectHelp(mainPath: string): string {
  return [
    "Connect a client: add this server to the client's MCP configuration,",
    `  ${stdioClientConfig(mainPath)}`,
    `(settings below go in an "env" object beside "args", or as flags in "args"), or with Claude Code:`,
    `  claude mcp add kaizen -- node ${mainPath}`,
  ].join('\n');
}

/** Which database the settings open, without credentials. */
export function describeDatabase(storage: StorageSettings): string {
  const url = storage.databaseUrl;
  if (!url) return `the embedded database in ${resolve(storage.dataDir)}`;
  if (url === 'memory://') return 'a throwaway in-memory database (memory://), gone when the server stops';
  try {
    const parsed = new URL(url);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(the user\'s default)';
    return `PostgreSQL database "${database}" on ${parsed.host || 'localhost'}`;
  } catch {
    return `PostgreSQL at ${redactSecrets(url)}`;
  }
}

/**
 * What kaizen-mcp says when started by hand in a terminal (stdin is a TTY), where it would otherwise
 * sit silent: it is a server waiting for a client, not an interactive program. Plain text on stderr.
 */
export function stdioBanner(config: { storage: StorageSettings }, mainPath: string, version?: string): string {
  const embedded = !config.storage.databaseUrl;
  return [
    `kaizen-mcp${version ? ` ${version}` : ''} is running and waits for an MCP client on stdin (JSON-RPC; there is nothing to type here).`,
    `Database: ${describeDatabase(config.storage)}.`,
    ...(embedded ? ['While it runs it holds that directory: a client starting its own kaizen-mcp on it is refused.'] : []),
    'An MCP client starts this server itself. To connect one, run',
    `  claude mcp add kaizen -- node ${mainPath}`,
    "or add to the client's MCP configuration:",
    `  ${stdioClientConfig(mainPath)}`,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
