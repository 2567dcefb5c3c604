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
import { KaizenError, isKaizenError } from '@kaizen/domain';

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

/**
 * The database's error code: PostgreSQL's SQLSTATE ("23505") or the driver's ("ECONNREFUSED",
 * "CONNECTION_CLOSED"), found on the error or along its causes (Drizzle wraps the driver's error).
 */
export function driverCode(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export interface SafeErrorFields {
  /** The store operation that failed ("search.terms", "knowledge.write"), when a database call failed. */
  statement?: string;
  /** The database's error code (SQLSTATE, or the driver's); for other Kaizen errors, their code (NOT_FOUND). */
  code?: string;
  /** A message with no SQL, parameter or credential in it. */
  message: string;
}

/** Looks like a raw error of Drizzle or a driver, whose message may hold SQL and parameters. */
const isRawDatabaseError = (error: unknown): boolean =>
  !!error &&
  typeof error === 'object' &&
  ((error as Error).name === 'DrizzleQueryError' ||
    'query' in error ||
    'params' in error ||
    /^[0-9A-Z]{5}$/.test(driverCode(error) ?? '') ||
    /Failed query|params:/i.test(String((error as Error).message)));

/**
 * What a server may log about an error: `{ statement, code, message }`, never SQL, parameters or
 * credentials. A raw database error (one that escaped a guard) is reduced to its code.
 */
export function safeErrorFields(error: unknown): SafeErrorFields {
  if (isKaizenError(error)) {
    const statement = typeof error.details?.statement === 'string' ? error.details.statement : undefined;
    const code = statement ? (driverCode((error as { cause?: unknown }).cause) ?? error.code) : error.code;
    return { ...(statement ? { statement } : {}), code, message: error.message };
  }
  if (isRawDatabaseError(error)) {
    const code = driverCode(error);
    return { ...(code ? { code } : {}), message: 'database error (its text is withheld: it may hold SQL and values)' };
  }
  const code = driverCode(error);
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // A URL's password (a connection string in a configuration error) is never logged.
  return { ...(code ? { code } : {}), message: message.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@]*@/gi, '$1***@').slice(0, 500) };
}
