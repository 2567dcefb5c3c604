/**
 * Bulk transfer records: `kaizen export` writes one per line (JSON Lines) and `kaizen import` reads
 * them back, in this order of types: namespace, scope, knowledge, conflict. The order lets an import
 * stream: every scope and namespace is known before the first entry arrives.
 */
import { z } from 'zod';
import { DescriptionSchema, NameSchema, QualifiedScopeSchema } from './names.js';
import { ContentSchema, ContextSchema, KnowledgeIdSchema, TaskSizeSchema } from './knowledge.js';
import { strictInput, stringList } from './input.js';

export const TRANSFER_RECORD_TYPES = ['namespace', 'scope', 'knowledge', 'conflict'] as const;
export type TransferRecordType = (typeof TRANSFER_RECORD_TYPES)[number];

/** Refuses unknown fields (a typo such as "taskSize" must not be dropped silently), naming the known ones. */
const strictRecord = <S extends z.ZodRawShape>(shape: S) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}: a "${(shape.type as z.ZodLiteral).value}" record has the fields ${Object.keys(shape).join(', ')}`
        : undefined,
  });

const Timestamp = z.iso.datetime({
  offset: true,
  message: 'invalid timestamp: use ISO 8601 with a time zone, e.g. "2026-01-31T12:00:00.000Z"',
});

export const NamespaceTransferRecord = strictRecord({
  type: z.literal('namespace'),
  name: NameSchema,
  description: DescriptionSchema,
});

export const ScopeTransferRecord = strictRecord({
  type: z.literal('scope'),
  scope: QualifiedScopeSchema,
  description: DescriptionSchema,
  /** Parents besides the implicit "ns:default" (which may be listed too). */
  parents: stringList(QualifiedScopeSchema, '["acme:mobile"]')
    .max(32, { message: 'too many parents: a scope may name at most 32 parents' })
    .default([]),
});

export const KnowledgeTransferRecord = strictRecord({
  type: z.literal('knowledge'),
  /** Kept on import; a new id is generated when absent. */
  id: KnowledgeIdSchema.optional(),
  scope: QualifiedScopeSchema,
  content: ContentSchema,
  context: ContextSchema,
  task_size: TaskSizeSchema.nullable().optional(),
  created_at: Timestamp.optional(),
  updated_at: Timestamp.optional(),
});

export const ConflictTransferRecord = z
  .strictObject({
    type: z.literal('conflict'),
    /** null: the winner was deleted since; the entries stay suppressed. */
    active_id: KnowledgeIdSchema.nullable(),
    suppressed_ids: stringList(KnowledgeIdSchema, '["V1StGXR8Z5jd"]')
      .min(1, { message: 'suppressed_ids is empty: name at least one suppressed entry' })
      .max(1000, { message: 'too many suppressed_ids: split them over several conflict records of 1000 at most' }),
  })
  .refine((v) => v.active_id === null || !v.suppressed_ids.includes(v.active_id), {
    message: 'suppressed_ids contains active_id: an entry cannot suppress itself',
    path: ['suppressed_ids'],
  });

export const TransferRecord = z.discriminatedUnion(
  'type',
  [NamespaceTransferRecord, ScopeTransferRecord, KnowledgeTransferRecord, ConflictTransferRecord],
  { message: 'invalid type: use "namespace", "scope", "knowledge" or "conflict"' },
);

export type NamespaceTransferRecord = z.infer<typeof NamespaceTransferRecord>;
export type ScopeTransferRecord = z.infer<typeof ScopeTransferRecord>;
export type KnowledgeTransferRecord = z.infer<typeof KnowledgeTransferRecord>;
export type ConflictTransferRecord = z.infer<typeof ConflictTransferRecord>;
export type TransferRecord = z.infer<typeof TransferRecord>;

export const ExportInput = strictInput({
  namespace: NameSchema.optional().describe('Only this namespace (with references to what it inherits from).'),
});
export type ExportInput = z.infer<typeof ExportInput>;
export type ExportRequest = z.input<typeof ExportInput>;
