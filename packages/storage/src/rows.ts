import { taskSizeFromRank } from '@kaizen/domain';
import type { KnowledgeRecord } from '@kaizen/core';

/** A knowledge row as the queries select it (scope already qualified). */
export interface KnowledgeRow {
  id: string;
  scope: string;
  content: string;
  context: string;
  task_size: number | null;
  created_at: Date | string;
  updated_at: Date | string;
}

export const toKnowledgeRecord = (r: KnowledgeRow): KnowledgeRecord => ({
  id: r.id,
  scope: r.scope,
  content: r.content,
  context: r.context,
  taskSize: taskSizeFromRank(r.task_size),
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});
