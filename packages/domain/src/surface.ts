/**
 * Inputs of the surfaces beyond the tools: resource URI parameters, completion values, listing pages and
 * prompt arguments. They reuse the field schemas of the tools, so a bad scope in a URI gets the same
 * message as in a tool call; free text (prefixes, cursors) refuses what the database cannot take.
 */
import { z } from 'zod';
import { safeText, strictInput } from './input.js';
import { KnowledgeIdSchema } from './knowledge.js';
import { NameSchema, QualifiedScopeSchema } from './names.js';

export const NamespaceRefInput = strictInput({ namespace: NameSchema });
export const ScopeRefInput = strictInput({ scope: QualifiedScopeSchema });
export const KnowledgeRefInput = strictInput({ id: KnowledgeIdSchema });

/** Free text a user gives a prompt (a task, a topic, what failed). */
export const PromptTextSchema = safeText({ message: 'this argument is required: describe it in a sentence or two' })
  .trim()
  .min(1, { message: 'this argument is empty: describe it in a sentence or two' })
  .max(4_000, { message: 'this argument is too long: keep it under 4000 characters' });

/** Most values a completion returns: the MCP specification caps completion/complete at 100. */
export const MAX_PAGE_SIZE = 100;

/** A key prefix or a listing cursor: compared with names and ids in SQL, so never longer than a key could be. */
const KeyText = safeText().max(200, { message: 'too long: names and ids are at most 129 characters' });

/** What a client typed so far, for completion of a namespace, scope or id ("" completes everything). */
export const CompletionInput = strictInput({ prefix: KeyText });

const LIMIT_MESSAGE = 'limit must be a whole number of at least 1';
/** A keyset page of a listing: keys strictly after `after`, those starting with `prefix`. */
const pageShape = {
  after: KeyText.optional(),
  prefix: KeyText.optional(),
  limit: z.int({ message: LIMIT_MESSAGE }).min(1, { message: LIMIT_MESSAGE }),
};
export const BrowsePageInput = strictInput(pageShape);
/** A page of entries, optionally of one scope (its own entries only). */
export const KnowledgePageInput = strictInput({ ...pageShape, scope: QualifiedScopeSchema.optional() });

export type NamespaceRefRequest = z.input<typeof NamespaceRefInput>;
export type ScopeRefRequest = z.input<typeof ScopeRefInput>;
export type KnowledgeRefRequest = z.input<typeof KnowledgeRefInput>;
export type CompletionRequest = z.input<typeof CompletionInput>;
export type BrowsePageRequest = z.input<typeof BrowsePageInput>;
export type KnowledgePageRequest = z.input<typeof KnowledgePageInput>;
