/**
 * Kaizen's resources: the namespace tree, and templates for one namespace, one scope and one entry, each
 * with argument completion. resources/list is our own handler because the SDK's concatenates every
 * template's list in one response; ours pages through the store with an opaque keyset cursor.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  ErrorCode,
  ListResourcesRequestSchema,
  McpError,
  type ListResourcesResult,
  type ReadResourceResult,
  type Resource,
} from '@modelcontextprotocol/sdk/types.js';
import type { KaizenService } from '@kaizen/core';
import { RESOURCE_NOT_FOUND, protocolError } from './errors.js';
import type { SessionLog } from './logging.js';
import { scopeMarkdown } from './render.js';
import {
  KNOWLEDGE_TEMPLATE,
  NAMESPACES_URI,
  NAMESPACE_TEMPLATE,
  SCOPE_TEMPLATE,
  decode,
  knowledgeUri,
  namespaceUri,
  scopeUri,
} from './uris.js';

export const DEFAULT_RESOURCE_PAGE_SIZE = 100;
const JSON_MIME = 'application/json';
const MARKDOWN_MIME = 'text/markdown';

export interface ResourceOptions {
  pageSize: number;
  log: SessionLog;
  onInternalError?: (error: unknown, what: string) => void;
}

const ROOT: Resource = {
  uri: NAMESPACES_URI,
  name: 'namespaces',
  title: 'Namespaces and scopes',
  description: 'Every namespace with its scopes, their descriptions and parents (JSON).',
  mimeType: JSON_MIME,
};

export function registerResources(server: McpServer, kaizen: KaizenService, options: ResourceOptions): void {
  const read = async (uri: URL, what: string, produce: () => Promise<{ mimeType: string; text: string }>) => {
    try {
      const content = await produce();
      options.log.send('debug', `read ${uri.href}`);
      return { contents: [{ uri: uri.href, ...content }] } satisfies ReadResourceResult;
    } catch (error) {
      options.log.send('warning', `reading ${uri.href} failed`, { error: String((error as Error).message) });
      throw protocolError(error, what, { notFoundCode: RESOURCE_NOT_FOUND, onInternalError: options.onInternalError });
    }
  };
  const json = (value: unknown) => ({ mimeType: JSON_MIME, text: JSON.stringify(value, null, 2) });
  const variable = (value: string | string[] | undefined, name: string): string => {
    const decoded = typeof value === 'string' ? decode(value) : null;
    if (decoded === null) throw new McpError(ErrorCode.InvalidParams, `${name}: the URI does not carry a valid ${name}.`);
    return decoded;
  };
  const browse = kaizen.browse;

  server.registerResource('namespaces', NAMESPACES_URI, { title: ROOT.title, description: ROOT.description, mimeType: JSON_MIME }, (uri) =>
    read(uri, 'namespaces resource', async () => json(await browse.namespaceTree())),
  );

  server.registerResource(
    'namespace',
    new ResourceTemplate(NAMESPACE_TEMPLATE, {
      list: undefined, // served by the paginated resources/list below
      complete: { namespace: (value) => browse.completeNamespace(value) },
    }),
    {
      title: 'Namespace',
      description: 'One namespace: its description and scopes with parents and entry counts (JSON).',
      mimeType: JSON_MIME,
    },
    (uri, vars) => read(uri, 'namespace resource', async () => json(await browse.namespace(variable(vars.namespace, 'namespace')))),
  );

  server.registerResource(
    'scope',
    new ResourceTemplate(SCOPE_TEMPLATE, { list: undefined, complete: { scope: (value) => browse.completeScope(value) } }),
    {
      title: 'Scope',
      description:
        'One scope ("namespace:name", URL-encoded): description, parents, the full inheritance chain with entry counts, and its own entries (Markdown).',
      mimeType: MARKDOWN_MIME,
    },
    (uri, vars) =>
      read(uri, 'scope resource', async () => ({
        mimeType: MARKDOWN_MIME,
        text: scopeMarkdown(await browse.scope(variable(vars.scope, 'scope'))),
      })),
  );

  server.registerResource(
    'knowledge',
    new ResourceTemplate(KNOWLEDGE_TEMPLATE, { list: undefined, complete: { id: (value) => browse.completeKnowledgeId(value) } }),
    {
      title: 'Knowledge entry',
      description:
        'One entry: content, context, scope, task size, timestamps and conflict status (which entries it suppresses or is suppressed by) (JSON).',
      mimeType: JSON_MIME,
    },
    (uri, vars) => read(uri, 'knowledge resource', async () => json(await browse.knowledge(variable(vars.id, 'id')))),
  );

  // Replaces the handler the SDK installed in registerResource; the capability stays the same.
  server.server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    try {
      return await listPage(kaizen, request.params?.cursor, options.pageSize);
    } catch (error) {
      throw protocolError(error, 'resources/list', { onInternalError: options.onInternalError });
    }
  });
}

// ---------- resources/list pagination ----------
const KINDS = ['root', 'namespace', 'scope', 'knowledge'] as const;
type Kind = (typeof KINDS)[number];
interface Position {
  kind: Kind;
  /** Key of the last resource listed of this kind. */
  after?: string;
}

const encodeCursor = (p: Position) => Buffer.from(JSON.stringify(p)).toString('base64url');

function decodeCursor(cursor: string): Position {
  try {
    const p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Position;
    if (KINDS.includes(p.kind) && (p.after === undefined || typeof p.after === 'string')) return p;
  } catch {
    // fall through
  }
  throw new McpError(ErrorCode.InvalidParams, 'cursor: not a cursor this server issued; list again without a cursor.');
}

async function fetchKind(kaizen: KaizenService, kind: Kind, after: string | undefined, limit: number) {
  const b = kaizen.browse;
  switch (kind) {
    case 'root':
      return after === undefined ? [{ key: 'root', resource: ROOT }] : [];
    case 'namespace':
      return (await b.namespacesPage({ after, limit })).map((n) => ({
        key: n.name,
        resource: { uri: namespaceUri(n.name), name: n.name, title: `Namespace ${n.name}`, description: n.description, mimeType: JSON_MIME },
      }));
    case 'scope':
      return (await b.scopesPage({ after, limit })).map((s) => ({
        key: s.scope,
        resource: { uri: scopeUri(s.scope), name: s.scope, title: `Scope ${s.scope}`, description: s.description, mimeType: MARKDOWN_MIME },
      }));
    case 'knowledge':
      return (await b.knowledgePage({ after, limit })).map((k) => ({
        key: k.id,
        resource: {
          uri: knowledgeUri(k.id),
          name: k.id,
          title: headline(k.content),
          description: `Entry in ${k.scope}${k.suppressed ? ' (suppressed)' : ''}`,
          mimeType: JSON_MIME,
          annotations: { lastModified: k.updatedAt.toISOString() },
        },
      }));
  }
}

/** One page: the root resource, then namespaces, scopes and entries, each in key order. */
export async function listPage(kaizen: KaizenService, cursor: string | undefined, pageSize: number): Promise<ListResourcesResult> {
  let position: Position = cursor ? decodeCursor(cursor) : { kind: 'root' };
  const resources: Resource[] = [];
  for (let k = KINDS.indexOf(position.kind); k < KINDS.length; k++) {
    const kind = KINDS[k]!;
    const after = kind === position.kind ? position.after : undefined;
    const room = pageSize - resources.length;
    // One extra row tells whether this kind continues past the page.
    const rows = await fetchKind(kaizen, kind, after, room + 1);
    resources.push(...rows.slice(0, room).map((r) => r.resource));
    if (rows.length > room) return { resources, nextCursor: encodeCursor({ kind, after: rows[room - 1]?.key ?? after }) };
    if (resources.length === pageSize) {
      const next = KINDS[k + 1];
      return next ? { resources, nextCursor: encodeCursor({ kind: next }) } : { resources };
    }
    position = { kind: KINDS[k + 1] ?? kind };
  }
  return { resources };
}

const headline = (content: string) => {
  const line = content.trim().split('\n')[0]!.trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
};
