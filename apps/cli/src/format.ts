/**
 * What the listing commands print, and the times their flags take. Tables are for people; `--json`
 * prints JSON Lines (one object per line, snake_case keys as in the export format) for programs.
 */

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const DURATION = /^(\d{1,6})([mhdw])$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A time given as a duration from now (`90d`, `12h`, `2w`, `30m`: m is minutes) or as a date
 * (`2026-12-31`, midnight UTC) or an ISO date-time with its zone (`2026-12-31T18:00:00+01:00`).
 * `direction` says which way a duration counts: `--expires 90d` is ahead, `--since 7d` back.
 */
export function parseWhen(value: string, direction: 'ahead' | 'back', flag: string, now = Date.now()): Date {
  const duration = DURATION.exec(value);
  if (duration) {
    const ms = Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
    return new Date(direction === 'ahead' ? now + ms : now - ms);
  }
  if (DATE_ONLY.test(value) || DATE_TIME.test(value)) {
    const date = new Date(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
    // Date accepts 2026-02-31 (it rolls over): a date that does not round-trip is refused.
    if (!Number.isNaN(date.getTime()) && (!DATE_ONLY.test(value) || date.toISOString().startsWith(value))) return date;
  }
  const [duration1, date1] = direction === 'ahead' ? ['90d', '2026-12-31'] : ['7d', '2026-11-01'];
  throw new Error(
    `${flag} "${value}" is not a time: give a number of minutes, hours, days or weeks (${duration1}, 12h, 2w, 30m), ` +
      `a date (${date1}, midnight UTC) or an ISO date-time with its zone`,
  );
}

/** A time for a table: ISO 8601 in UTC, to the second. */
export const formatTime = (date: Date | null | undefined): string => (date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

/** A time for JSON output. */
export const jsonTime = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

/**
 * A cell as a terminal may show it: audit rows carry what remote callers sent (a token's subject, a
 * client id), so control characters (an ANSI escape sequence) are replaced, and long values shortened.
 */
export function cell(value: string | null | undefined, max = 40): string {
  if (value === null || value === undefined || value === '') return '-';
  const clean = value.replace(/\p{Cc}/gu, '?'); // C0, DEL and C1 (a lone CSI is an escape too)
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** Aligned columns under a header line; cells are already cleaned (see cell). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${[header, ...rows].map(line).join('\n')}\n`;
}

/** One JSON object per line. */
export const jsonLines = (objects: object[]): string => objects.map((o) => `${JSON.stringify(o)}\n`).join('');
