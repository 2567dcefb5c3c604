import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

export const namespaces = pgTable('namespaces', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  description: text('description').notNull(),
  ...timestamps,
});

export const scopes = pgTable(
  'scopes',
  {
    id: serial('id').primaryKey(),
    namespaceId: integer('namespace_id')
      .notNull()
      .references(() => namespaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('scopes_namespace_name_idx').on(t.namespaceId, t.name)],
);

/** Direct parent links. Implicit parents (ns:default, and global:default for defaults) are stored too. */
export const scopeParents = pgTable(
  'scope_parents',
  {
    scopeId: integer('scope_id')
      .notNull()
      .references(() => scopes.id, { onDelete: 'cascade' }),
    parentId: integer('parent_id')
      .notNull()
      .references(() => scopes.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.scopeId, t.parentId] }), index('scope_parents_parent_idx').on(t.parentId)],
);

export const knowledge = pgTable(
  'knowledge',
  {
    id: text('id').primaryKey(),
    scopeId: integer('scope_id')
      .notNull()
      .references(() => scopes.id, { onDelete: 'cascade' }),
    content: text('content').notNull(),
    context: text('context').notNull(),
    /** 1 (XS) .. 5 (XL); null = applies to every task size. */
    taskSize: smallint('task_size'),
    /**
     * Weighted full-text document: context (A) above content (B). Dotted names are also indexed joined
     * and split ("node.js" -> "nodejs node js"), so that every spelling of them matches; search.ts
     * normalises queries with the same expression.
     */
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english', regexp_replace(coalesce(context, ''), '([[:alpha:]]+)[.]([[:alpha:]]+)', '\\1\\2 \\1 \\2', 'g')), 'A') || setweight(to_tsvector('english', regexp_replace(coalesce(content, ''), '([[:alpha:]]+)[.]([[:alpha:]]+)', '\\1\\2 \\1 \\2', 'g')), 'B')`,
      ),
    ...timestamps,
  },
  (t) => [index('knowledge_scope_idx').on(t.scopeId), index('knowledge_search_idx').using('gin', t.search)],
);

/** A suppressed entry, and the entry that won over it (null once the winner is deleted: it stays suppressed). */
export const conflicts = pgTable(
  'conflicts',
  {
    suppressedId: text('suppressed_id')
      .primaryKey()
      .references(() => knowledge.id, { onDelete: 'cascade' }),
    activeId: text('active_id').references(() => knowledge.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('conflicts_active_idx').on(t.activeId)],
);

/**
 * Document frequency of every lexeme of `knowledge.search`, kept by statement-level triggers (one
 * upsert per distinct lexeme of the written rows): the rarity (IDF) the ranking needs, and the
 * vocabulary that misspelt query terms are matched against with pg_trgm.
 */
export const knowledgeTerms = pgTable(
  'knowledge_terms',
  {
    term: text('term').primaryKey(),
    df: integer('df').notNull(),
  },
  // Misspellings are looked for among the terms sharing the first two letters: a trigram index over
  // the whole vocabulary costs more per query term than the whole search should.
  (t) => [index('knowledge_terms_prefix_idx').on(sql`left(${t.term}, 2)`)],
);

/** One row: the number of knowledge entries, kept by the same triggers (N of the IDF). */
export const knowledgeStats = pgTable('knowledge_stats', {
  id: smallint('id').primaryKey().default(1),
  entries: integer('entries').notNull(),
});

// ---------- security: API keys, grants, audit trail (migration 0003_security) ----------

/** API keys: only the sha256 of the secret is kept; the key ("kzn_<id>_<secret>") is shown once. */
export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  name: text('name'),
  /** Who the key acts as ("user:ci-bot"). */
  principal: text('principal').notNull(),
  scopes: text('scopes').array().notNull(),
  secretHash: text('secret_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
});

/**
 * Roles on namespaces. `namespace` is a name, or '*' for all of them, so it cannot be a foreign key:
 * the store moves grants with a renamed namespace and removes them with a deleted one, in the same
 * transaction (knowledge-store.ts).
 */
export const grants = pgTable(
  'grants',
  {
    /** "user:<sub>", "group:<name>" or "key:<id>". */
    principal: text('principal').notNull(),
    namespace: text('namespace').notNull(),
    role: text('role').notNull(),
    grantedBy: text('granted_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.principal, t.namespace] }),
    index('grants_namespace_idx').on(t.namespace),
    check('grants_role_check', sql`${t.role} IN ('read', 'write', 'admin')`),
  ],
);

/**
 * The audit trail: append-only. Triggers (in the migration, not expressible here) refuse UPDATE, and
 * DELETE or TRUNCATE except through kaizen_prune_audit(before), the retention function.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    principal: text('principal').notNull(),
    clientId: text('client_id'),
    /** The tool or command name. */
    action: text('action').notNull(),
    namespace: text('namespace'),
    scope: text('scope'),
    ids: text('ids').array(),
    outcome: text('outcome').notNull(),
    requestId: text('request_id'),
    address: text('address'),
    detail: jsonb('detail'),
  },
  (t) => [
    index('audit_events_namespace_at_idx').on(t.namespace, t.at),
    index('audit_events_principal_at_idx').on(t.principal, t.at),
    // Retention deletes by time alone.
    index('audit_events_at_idx').on(t.at),
    check('audit_events_outcome_check', sql`${t.outcome} IN ('ok', 'refused', 'denied', 'error')`),
  ],
);
