import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stderr (fd 2): stdout belongs to the stdio protocol. */
export function createLogger(level: string, name = 'kaizen'): Logger {
  return pino({ name, level }, pino.destination({ dest: 2, sync: true }));
}
