/**
 * The one table of next steps. The core and the store throw errors that name the entity and its key
 * only, with `details.hint` naming the situation; each surface turns the situation into the step its
 * users can take: MCP names tools and resources, the CLI names its commands and the import file. One
 * wording per situation and surface, here and nowhere else (storage and core hold no tool names).
 */
import { KaizenError } from './errors.js';

export type HintSurface = 'mcp' | 'cli';

export const HINTS = {
  /** A namespace named in a call (or `kaizen export --namespace`) does not exist. */
  unknown_namespace: {
    mcp: 'Call get_namespaces (or read kaizen://namespaces) to list the namespaces; create_namespace adds one.',
    cli: 'Run "kaizen export" without --namespace to export every namespace: its first lines ("type":"namespace") name them.',
  },
  /** A scope named in a call, a parent list or an import line does not exist. */
  unknown_scope: {
    mcp: 'Call get_namespaces with style "long" (or read kaizen://namespaces) to list the scopes; create_scope adds one.',
    cli:
      'Add a scope line for it to the import file before the lines that use it ({"type":"scope","scope":"namespace:name","description":"…"}), ' +
      'or fix the name; the "scope" lines of "kaizen export" list the scopes in the database.',
  },
  /** A knowledge entry id does not exist. */
  unknown_id: {
    mcp: 'Use an id returned by write_knowledge or get_task_context, or listed in a kaizen://scopes/{scope} resource.',
    cli: 'Fix the id or drop it; the "knowledge" lines of "kaizen export" list the ids in the database.',
  },
  /** Something is created in a namespace that does not exist (yet), or a default scope outside its namespace. */
  namespace_needed: {
    mcp: 'Create the namespace first with create_namespace (it comes with its default scope); get_namespaces lists those that exist.',
    cli: 'Add the namespace line to the import file, before its scopes: {"type":"namespace","name":"…","description":"…"}.',
  },
  /** A name or id is taken. The CLI's import merges namespaces and scopes, so only entry ids collide there. */
  already_exists: {
    mcp: 'Use the existing one (update_namespace, update_scope and update_knowledge change it), or choose another name.',
    cli: 'Import never overwrites an entry: drop the line, or remove its "id" to import it as a new entry.',
  },
  /** The "global" namespace and the default scopes are fixed. */
  protected: {
    mcp:
      '"global" and the "default" scope of each namespace keep their names and parents; update_namespace and update_scope ' +
      'still change their descriptions, and delete_namespace removes a namespace with its default scope ("global" stays).',
    cli: '"global" and the "default" scope of each namespace keep their names and parents: an import file may change their descriptions only.',
  },
  /** A parent list would make a scope inherit from itself. */
  cycle: {
    mcp: 'A scope cannot inherit from itself or its descendants: drop that parent (update_scope replaces the parent list).',
    cli: 'A scope cannot inherit from itself or its descendants: drop that parent from the scope line in the import file.',
  },
  /** A concurrent transaction won (serialization failure, deadlock); nothing was applied. */
  concurrent_change: {
    mcp: 'Nothing was changed; retry the call.',
    cli: 'Nothing was changed; run the command again.',
  },
  /** The database failed or could not be reached; the server's log has the statement and the error code. */
  database_error: {
    mcp: 'Retry the call; if it fails again, the server log names the statement and the database error code.',
    cli: 'Run the command again; if it fails again, check that the database (--database-url or --data-dir) is reachable and migrated ("kaizen migrate").',
  },
} as const satisfies Record<string, Readonly<Record<HintSurface, string>>>;

export type Hint = keyof typeof HINTS;

const isHint = (value: unknown): value is Hint => typeof value === 'string' && Object.hasOwn(HINTS, value);

/** The situation an error carries in `details.hint`, if it is one of the table's. */
export const hintOf = (error: KaizenError): Hint | undefined => (isHint(error.details?.hint) ? error.details.hint : undefined);

/** The error's message followed by the next step for that surface: `${message} ${hint}`. */
export function describeError(error: KaizenError, surface: HintSurface): string {
  const hint = hintOf(error);
  return hint ? `${error.message} ${HINTS[hint][surface]}` : error.message;
}

// ---------- the errors of the situations every layer meets, worded once ----------

/** `namespace: namespace "acme" does not exist.` */
export const unknownNamespaceError = (namespace: string, field = 'namespace') =>
  new KaizenError('NOT_FOUND', `${field}: namespace "${namespace}" does not exist.`, { field, namespace, hint: 'unknown_namespace' });

/** `scope: scope "acme:shop" does not exist.` */
export const unknownScopeError = (scope: string, field = 'scope') =>
  new KaizenError('NOT_FOUND', `${field}: scope "${scope}" does not exist.`, { field, scope, hint: 'unknown_scope' });

/** `id: no knowledge entry has id "abc".` (several ids: `"a", "b"`). */
export const unknownIdError = (ids: string | string[], field = 'id') => {
  const list = typeof ids === 'string' ? [ids] : ids;
  return new KaizenError('NOT_FOUND', `${field}: no knowledge entry has id ${list.map((id) => `"${id}"`).join(', ')}.`, {
    field,
    ids: list,
    hint: 'unknown_id',
  });
};

/** The call's signal aborted: `export was cancelled.` */
export const cancelledError = (operation: string) =>
  new KaizenError('CANCELLED', `${operation} was cancelled.`, { operation });
