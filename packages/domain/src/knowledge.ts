import { z } from 'zod';
import { safeText } from './input.js';

export const TASK_SIZES = ['XS', 'S', 'M', 'L', 'XL'] as const;
export type TaskSize = (typeof TASK_SIZES)[number];
export const TaskSizeSchema = z.enum(TASK_SIZES, {
  message: 'invalid task_size: use one of XS, S, M, L, XL',
});

/** Rank of a task size, 1 (XS) to 5 (XL); stored as a number so that SQL can compare sizes. */
export const taskSizeRank = (size: TaskSize): number => TASK_SIZES.indexOf(size) + 1;
export const taskSizeFromRank = (rank: number | null): TaskSize | null =>
  rank == null ? null : (TASK_SIZES[rank - 1] ?? null);

export const KnowledgeIdSchema = z
  .string()
  .trim()
  .min(1, { message: 'id is empty: pass the id of an existing entry' })
  .max(64, { message: 'id is too long: ids are at most 64 characters' })
  .regex(/^[A-Za-z0-9_-]+$/, { message: 'invalid id: ids use letters, digits, "_" and "-" only' });

export const ContentSchema = safeText()
  .trim()
  .min(1, { message: 'content is empty: write one self-contained fact, rule or lesson (1-20000 characters)' })
  .max(20_000, { message: 'content is too long: keep an entry under 20000 characters, or split it into several entries' });

export const ContextSchema = safeText()
  .trim()
  .min(1, { message: 'context is empty: give the search terms an agent would use to find this entry (1-1000 characters)' })
  .max(1_000, { message: 'context is too long: keep it to 1000 characters of search terms' });
