import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { KaizenError, isKaizenError } from '@kaizen/domain';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = PgDatabase<PgQueryResultHKT, any>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Executor = Db | Tx;

/** Rows of a raw query on either driver (PGlite returns { rows }, postgres.js an array). */
export async function query<T>(db: Executor, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export async function queryOne<T>(db: Executor, statement: SQL): Promise<T | undefined> {
  return (await query<T>(db, statement))[0];
}

/** A text[] literal built from bound parameters. */
export const textArray = (items: readonly string[]): SQL =>
  items.length ? sql`ARRAY[${sql.join(items.map((i) => sql`${i}`), sql`, `)}]::text[]` : sql`ARRAY[]::text[]`;

/** Maps driver errors to KaizenErrors so that no raw SQL error reaches a tool result. */
export function translateError(error: unknown): unknown {
  if (isKaizenError(error)) return error;
  const code = (error as { code?: string } | null)?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  if (code === '23505') {
    return new KaizenError('ALREADY_EXISTS', 'That name or id is already taken (it was created concurrently). Choose another one.');
  }
  if (code === '40001' || code === '40P01') {
    return new KaizenError('CONFLICT', 'The change collided with a concurrent one and was not applied. Retry the call.');
  }
  return error;
}
