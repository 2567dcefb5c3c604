import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { createCallContext, type ImportCounts, type KaizenService } from '@kaizen/core';
import { describeError, isKaizenError } from '@kaizen/domain';

/**
 * A refusal (a bad line, an unknown namespace) is printed as its message and the CLI's next step from
 * the hint table (never a stack trace), and the command exits 1; anything else propagates to main.
 */
async function reportingRefusals(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!isKaizenError(error)) throw error;
    process.stderr.write(`kaizen: ${describeError(error, 'cli')}\n`);
    return 1;
  }
}

/** Writes records as JSON Lines to stdout, a page at a time, waiting when the pipe is full. */
export function exportCommand(kaizen: KaizenService, namespace: string | undefined): Promise<number> {
  return reportingRefusals(() => exportRecords(kaizen, namespace));
}

async function exportRecords(kaizen: KaizenService, namespace: string | undefined): Promise<number> {
  const ctx = createCallContext({ surface: 'cli' });
  let chunk = '';
  let count = 0;
  const flush = async () => {
    if (chunk && !process.stdout.write(chunk)) await once(process.stdout, 'drain');
    chunk = '';
  };
  for await (const record of kaizen.exportRecords(namespace === undefined ? {} : { namespace }, ctx)) {
    chunk += `${JSON.stringify(record)}\n`;
    if (++count % 500 === 0) await flush();
  }
  await flush();
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve())); // drained before exit
  process.stderr.write(`kaizen: exported ${count} records\n`);
  return 0;
}

/** Imports a JSON Lines file (or stdin for "-"); progress on stderr, the counts as JSON on stdout. */
export function importCommand(kaizen: KaizenService, file: string): Promise<number> {
  return reportingRefusals(() => importRecords(kaizen, file));
}

async function importRecords(kaizen: KaizenService, file: string): Promise<number> {
  const ctx = createCallContext({ surface: 'cli' });
  const input = file === '-' ? process.stdin : createReadStream(file);
  const opened = new Promise<void>((resolve, reject) => {
    if (file === '-') return resolve();
    input.once('open', () => resolve());
    input.once('error', reject);
  });
  await opened.catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read "${file}" (${error.code ?? error.message}): pass a JSON Lines file, or "-" for stdin`);
  });
  const lines = readLines(input);
  const started = performance.now();
  let reported = started;
  const rate = (counts: ImportCounts, now: number) => Math.round(counts.knowledge / Math.max((now - started) / 1000, 0.001));
  const onProgress = (c: ImportCounts) => {
    const now = performance.now();
    if (now - reported < 1000) return;
    reported = now;
    process.stderr.write(`kaizen: ${c.knowledge} entries so far (${rate(c, now)} entries/s)\n`);
  };
  const counts = await kaizen.importRecords({ lines, onProgress }, ctx);
  const ms = Math.round(performance.now() - started);
  process.stderr.write(
    `kaizen: imported ${counts.namespaces} namespaces, ${counts.scopes} scopes, ${counts.knowledge} entries and ` +
      `${counts.conflicts} suppressions in ${(ms / 1000).toFixed(1)} s (${rate(counts, performance.now())} entries/s)\n`,
  );
  process.stdout.write(`${JSON.stringify({ ...counts, ms })}\n`);
  return 0;
}

/**
 * Lines of a stream, pulled on demand. Not node:readline: its iterator drops the lines read before the
 * consumer's first pull (the import pulls only once its transaction has begun), and it does not apply
 * backpressure; a paused stream's own iterator does both right.
 */
async function* readLines(input: Readable): AsyncGenerator<string> {
  input.setEncoding('utf8');
  let rest = '';
  for await (const chunk of input as AsyncIterable<string>) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const part of parts) yield part.endsWith('\r') ? part.slice(0, -1) : part;
  }
  if (rest) yield rest;
}
