import { isConfigError } from './config.js';
import { redactSecrets } from './redact.js';

/**
 * The one line a program prints on stderr when it cannot start. Refusals meant for the user (a
 * ConfigError, a KaizenError such as a locked data directory) are shown as they are; anything else
 * is prefixed with what failed. Never a stack trace (the message is the diagnosis; a stack in a
 * client's log hides it), and never a password (URLs in driver messages are redacted).
 */
export function formatStartupError(error: unknown, program = 'kaizen-mcp'): string {
  if (isConfigError(error) || isKaizenError(error)) return redactSecrets(firstLine(error.message));
  return `${program} failed to start: ${redactSecrets(firstLine(messageOf(error)))}`;
}

// Structural, so that the runtime needs no dependency on @kaizen/domain for one name check.
const isKaizenError = (e: unknown): e is Error => e instanceof Error && e.name === 'KaizenError' && 'code' in e;

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message) return error.message;
  // Node reports a refused connection to "localhost" (::1 and 127.0.0.1) as an AggregateError with
  // an empty message: its first cause says what happened.
  const inner = (error as { errors?: unknown[] }).errors?.[0];
  if (inner) return messageOf(inner);
  const code = (error as { code?: string }).code;
  return code ? `${error.name} ${code}` : error.name;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim();
}
