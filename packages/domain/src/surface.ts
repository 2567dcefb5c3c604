/**
 * Inputs of the MCP surface beyond the tools: resource URI parameters and prompt arguments. They reuse
 * the field schemas of the tools, so a bad scope in a URI gets the same message as in a tool call.
 */
import { z } from 'zod';
import { KnowledgeIdSchema } from './knowledge.js';
import { NameSchema, QualifiedScopeSchema } from './names.js';

export const NamespaceRefInput = z.object({ namespace: NameSchema });
export const ScopeRefInput = z.object({ scope: QualifiedScopeSchema });
export const KnowledgeRefInput = z.object({ id: KnowledgeIdSchema });

/** Free text a user gives a prompt (a task, a topic, what failed). */
export const PromptTextSchema = z
  .string({ message: 'this argument is required: describe it in a sentence or two' })
  .trim()
  .min(1, { message: 'this argument is empty: describe it in a sentence or two' })
  .max(4_000, { message: 'this argument is too long: keep it under 4000 characters' });

/** Most values a completion returns: the MCP specification caps completion/complete at 100. */
export const MAX_PAGE_SIZE = 100;
