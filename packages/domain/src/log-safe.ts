/**
 * What a server may log about any error: `safeErrorFields` keeps a statement name, a code and a message
 * with no SQL, parameter or credential in it. Every surface (the HTTP server, the stdio server, the CLI)
 * logs errors through it; no I/O here, only the shapes of Drizzle's and the drivers' errors.
 */
import { isKaizenError } from './errors.js';

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
