/**
 * Database failures as KaizenErrors that say which operation failed and nothing else. Drizzle's errors
 * carry the statement's SQL and its parameters ("Failed query: INSERT ... params: <an entry's content>"),
 * and a driver's may carry values (a unique violation's detail names the key): none of it may reach a
 * client, an error message, or a log line built from one. Every statement of the store runs under
 * `guard(name, ...)`: a failure becomes `KaizenError(INTERNAL, "<name> failed: ...", { statement, code })`,
 * with the original error kept as a non-enumerable `cause` (for a debugger; JSON never shows it).
 *
 * Loggers must not log such an error whole (pino's serializer, for one, appends the cause's message,
 * i.e. the SQL): they log `safeErrorFields(error)`, the statement name and the database's error code.
 */
import { KaizenError, driverCode, isKaizenError } from '@kaizen/domain';

export { safeErrorFields, type SafeErrorFields } from '@kaizen/domain';

/** Runs one named operation of the store; whatever it throws that is not a KaizenError is translated. */
export async function guard<T>(statement: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw databaseError(statement, error);
  }
}

/** The KaizenError for a failure of `statement`; a KaizenError (a refusal, an inner guard's) passes as is. */
export function databaseError(statement: string, error: unknown): KaizenError {
  if (isKaizenError(error)) return error;
  const code = driverCode(error);
  const details = { statement, ...(code ? { code } : {}) };
  let translated: KaizenError;
  if (code === '23505') {
    translated = new KaizenError('ALREADY_EXISTS', 'That name or id is already taken: it was created concurrently.', {
      ...details,
      hint: 'already_exists',
    });
  } else if (code === '40001' || code === '40P01') {
    translated = new KaizenError('CONFLICT', 'The change collided with a concurrent one and was not applied.', {
      ...details,
      hint: 'concurrent_change',
    });
  } else {
    translated = new KaizenError('INTERNAL', `${statement} failed: ${what(code)}.`, { ...details, hint: 'database_error' });
  }
  Object.defineProperty(translated, 'cause', { value: error, enumerable: false, writable: true, configurable: true });
  return translated;
}

/** What went wrong, in words that hold no value of the statement; the code is safe to show. */
function what(code: string | undefined): string {
  const tag = code ? ` (${code})` : '';
  if (code && /^(08|53|57P0)|^E(CONNREFUSED|CONNRESET|NOTFOUND|TIMEDOUT|PIPE|HOSTUNREACH|AI_AGAIN)$|^CONNECT/.test(code)) {
    return `the database could not be reached${tag}`;
  }
  if (code?.startsWith('28')) return `the database refused the credentials${tag}`;
  if (code === '3D000') return `the database does not exist${tag}`;
  if (code === '42P01' || code === '42703') return `Kaizen's tables are missing or older than this build${tag}; run the migrations`;
  return `the database did not answer as expected${tag}`;
}
