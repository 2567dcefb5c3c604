/**
 * Kaizen's resources: the namespace tree, and templates for one namespace, one scope and one entry, each
 * with argument completion. resources/list pages through the store with an opaque keyset cursor (the
 * SDK's would concatenate every template's list); resources/read dispatches on our own strict URI
 * grammar, so a URI the URL parser would normalise (`kaizen://namespaces/a/../b`) is refused, not read
 * as another namespace.
 */
import { ProtocolError, ProtocolErrorCode, type ListResourcesResult, type Resource } from '@modelcontextprotocol/server';
import type { CallContext, KaizenService, Principal } from '@kaizen/core';
import { scopeMarkdown } from './render.js';
import type { OperationSeam } from './seam.js';
import { AUDIT_TEMPLATE, KNOWLEDGE_TEMPLATE, NAMESPACES_URI, NAMESPACE_TEMPLATE, SCOPE_TEMPLATE, knowledgeUri, namespaceUri, parseKaizenUri, scopeUri, type KaizenUri } from './uris.js';

export const DEFAULT_RESOURCE_PAGE_SIZE = 100;
const JSON_MIME = 'application/json';
const MARKDOWN_MIME = 'text/markdown';

const ROOT: Resource = {
  uri: NAMESPACES_URI,
  name: 'namespaces',
  title: 'Namespaces and scopes',
  description: 'Every namespace with its scopes, their descriptions and parents (JSON).',
  mimeType: JSON_MIME,
};

const json = (value: unknown) => ({ mimeType: JSON_MIME, text: JSON.stringify(value, null, 2) });

/** The content of one resource: the only reader, used by resources/read and the registered templates. */
export async function readResource(kaizen: KaizenService, uri: KaizenUri, ctx: CallContext): Promise<{ mimeType: string; text: string }> {
  const browse = kaizen.browse;
  switch (uri.kind) {
    case 'namespaces':
      return json(await browse.namespaceTree(ctx));
    case 'namespace':
      return json(await browse.namespace({ namespace: uri.namespace }, ctx));
    case 'scope':
      return { mimeType: MARKDOWN_MIME, text: scopeMarkdown(await browse.scope({ scope: uri.scope }, ctx)) };
    case 'knowledge':
      return json(await browse.knowledge({ id: uri.id }, ctx));
    case 'audit':
      return json({ namespace: uri.namespace, events: await kaizen.auditTrail({ namespace: uri.namespace }, ctx) });
  }
}

/** A URI that is not one of ours in canonical form: -32602, as 2026-07-28 specifies for a missing resource. */
export const notFound = (uri: string) =>
  new ProtocolError(ProtocolErrorCode.InvalidParams, `uri: "${uri.slice(0, 200)}" is not a Kaizen resource; list resources, or read kaizen://namespaces, for valid URIs.`);

export function registerResources(seam: OperationSeam, pageSize: number, onListed: (principal: Principal) => void = () => undefined): void {
  const byUri = (kaizen: KaizenService, uri: URL, ctx: CallContext) => {
    const parsed = parseKaizenUri(uri.href);
    if (!parsed) throw notFound(uri.href);
    return readResource(kaizen, parsed, ctx);
  };
  seam.resource('namespaces', NAMESPACES_URI, { title: ROOT.title!, description: ROOT.description!, mimeType: JSON_MIME }, (k, uri, _vars, ctx) => byUri(k, uri, ctx));
  seam.resource(
    'namespace',
    { template: NAMESPACE_TEMPLATE, complete: { namespace: (k, value, ctx) => k.browse.completeNamespace({ prefix: value }, ctx) } },
    { title: 'Namespace', description: 'One namespace: its description and scopes with parents and entry counts (JSON).', mimeType: JSON_MIME },
    (k, uri, _vars, ctx) => byUri(k, uri, ctx),
  );
  seam.resource(
    'scope',
    { template: SCOPE_TEMPLATE, complete: { scope: (k, value, ctx) => k.browse.completeScope({ prefix: value }, ctx) } },
    {
      title: 'Scope',
      description:
        'One scope ("namespace:name", URL-encoded): description, parents, the full inheritance chain with entry counts, and its own entries (Markdown).',
      mimeType: MARKDOWN_MIME,
    },
    (k, uri, _vars, ctx) => byUri(k, uri, ctx),
  );
  seam.resource(
    'knowledge',
    { template: KNOWLEDGE_TEMPLATE, complete: { id: (k, value, ctx) => k.browse.completeKnowledgeId({ prefix: value }, ctx) } },
    {
      title: 'Knowledge entry',
      description:
        'One entry: content, context, scope, task size, timestamps and conflict status (which entries it suppresses or is suppressed by) (JSON).',
      mimeType: JSON_MIME,
    },
    (k, uri, _vars, ctx) => byUri(k, uri, ctx),
  );

  seam.resource(
    'audit',
    { template: AUDIT_TEMPLATE, complete: { namespace: (k, value, ctx) => k.browse.completeNamespace({ prefix: value }, ctx) } },
    {
      title: 'Audit trail',
      description: "One namespace's audit trail, newest first (its admins only): who changed what, and calls refused for lack of rights (JSON).",
      mimeType: JSON_MIME,
    },
    (k, uri, _vars, ctx) => byUri(k, uri, ctx),
  );

  // Installed after registration, replacing the SDK's handlers of the same methods.
  seam.request('resources/read', async (kaizen, params, ctx) => {
    const parsed = parseKaizenUri(params.uri);
    if (!parsed) throw notFound(params.uri);
    // A missing namespace, scope or entry is -32602 (2026-07-28) with the store's message naming it.
    return { contents: [{ uri: params.uri, ...(await readResource(kaizen, parsed, ctx)) }] };
  });
  seam.request('resources/list', (kaizen, params, ctx) => {
    onListed(ctx.principal);
    return listPage(kaizen, params.cursor, pageSize, ctx);
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
    if (KINDS.includes(p.kind) && (p.after === undefined || (typeof p.after === 'string' && !p.after.includes('\u0000')))) return p;
  } catch {
    // fall through
  }
  throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'cursor: not a cursor this server issued; list again without a cursor.');
}

async function fetchKind(kaizen: KaizenService, kind: Kind, after: string | undefined, limit: number, ctx: CallContext) {
  const b = kaizen.browse;
  switch (kind) {
    case 'root':
      return after === undefined ? [{ key: 'root', resource: ROOT }] : [];
    case 'namespace':
      return (await b.namespacesPage({ after, limit }, ctx)).map((n) => ({
        key: n.name,
        resource: { uri: namespaceUri(n.name), name: n.name, title: `Namespace ${n.name}`, description: n.description, mimeType: JSON_MIME },
      }));
    case 'scope':
      return (await b.scopesPage({ after, limit }, ctx)).map((s) => ({
        key: s.scope,
        resource: { uri: scopeUri(s.scope), name: s.scope, title: `Scope ${s.scope}`, description: s.description, mimeType: MARKDOWN_MIME },
      }));
    case 'knowledge':
      return (await b.knowledgePage({ after, limit }, ctx)).map((k) => ({
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
export async function listPage(kaizen: KaizenService, cursor: string | undefined, pageSize: number, ctx: CallContext): Promise<ListResourcesResult> {
  let position: Position = cursor ? decodeCursor(cursor) : { kind: 'root' };
  const resources: Resource[] = [];
  for (let k = KINDS.indexOf(position.kind); k < KINDS.length; k++) {
    const kind = KINDS[k]!;
    const after = kind === position.kind ? position.after : undefined;
    const room = pageSize - resources.length;
    // One extra row tells whether this kind continues past the page.
    const rows = await fetchKind(kaizen, kind, after, room + 1, ctx);
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
