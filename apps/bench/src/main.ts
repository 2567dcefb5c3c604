/**
 * pnpm bench [--entries N] [--calls N]: generates a corpus, imports it with the built CLI (import
 * throughput), then times get_task_context and write_knowledge over the built stdio server, on PGlite
 * (a temporary data directory) and on PostgreSQL when KAIZEN_BENCH_DATABASE_URL or
 * KAIZEN_TEST_DATABASE_URL names a server (a fresh database, dropped afterwards). Prints figures; it
 * is not a test and asserts nothing. --write-corpus FILE only writes the corpus.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { SCOPES, writeCorpus } from './corpus.js';
import { firstAnswer, type FirstAnswer } from './first-answer.js';
import { measureOverStdio, percentile, type LatencyFigures } from './stdio.js';

const CLI = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));
const SERVER = fileURLToPath(new URL('../../stdio/dist/main.js', import.meta.url));

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000' },
    calls: { type: 'string', default: '300' },
    writes: { type: 'string', default: '200' },
    'write-corpus': { type: 'string' },
  },
});
const entries = Number(values.entries);
const calls = Number(values.calls);
const writes = Number(values.writes);
if (![entries, calls, writes].every((n) => Number.isInteger(n) && n > 0)) {
  process.stderr.write('usage: pnpm bench [--entries N] [--calls N] [--writes N] (positive whole numbers)\n');
  process.exit(2);
}

interface Row {
  store: string;
  importPerSecond: number;
  importSeconds: number;
  latency: LatencyFigures;
}

/** Runs `kaizen import FILE` and returns its own measure (store opened, import to commit). */
function importWithCli(file: string, env: Record<string, string>): Promise<{ knowledge: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'import', file], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`kaizen import exited ${code}`))));
  });
}

async function run(store: string, file: string, env: Record<string, string>): Promise<Row> {
  process.stderr.write(`\n== ${store}: importing ${entries} entries\n`);
  const imported = await importWithCli(file, env);
  process.stderr.write(`== ${store}: ${calls} get_task_context calls and ${writes} write_knowledge calls over stdio\n`);
  const latency = await measureOverStdio(SERVER, env, { calls, warmup: 30, writes });
  return {
    store,
    importPerSecond: imported.knowledge / (imported.ms / 1000),
    importSeconds: imported.ms / 1000,
    latency,
  };
}

async function freshPostgres(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `kaizen_bench_${Date.now().toString(36)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const sql = postgres(serverUrl, { max: 1, onnotice: () => undefined });
      await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await sql.end();
    },
  };
}

function table(rows: Row[]): string {
  const f = (n: number, digits = 1) => n.toFixed(digits).padStart(8);
  const lines = [
    `Kaizen bench: ${entries.toLocaleString('en')} entries over ${SCOPES.length} scopes (+3 defaults); ` +
      `${calls} get_task_context calls (3 queries each, after 30 warm-up calls), ${writes} write_knowledge calls; ` +
      `node ${process.version}, ${cpus().length} cores`,
    '',
    'store     | import entries/s | import s | context p50 ms | context p95 ms | results/call | write p50 ms | write p95 ms',
    '----------|------------------|----------|----------------|----------------|--------------|-------------|-------------',
  ];
  for (const r of rows) {
    const l = r.latency;
    lines.push(
      `${r.store.padEnd(9)} | ${f(r.importPerSecond, 0).padStart(16)} | ${f(r.importSeconds)} | ${f(percentile(l.contextMs, 50), 2).padStart(14)} | ` +
        `${f(percentile(l.contextMs, 95), 2).padStart(14)} | ${f(l.meanResults).padStart(12)} | ${f(percentile(l.writeMs, 50), 2).padStart(11)} | ` +
        `${f(percentile(l.writeMs, 95), 2).padStart(11)}`,
    );
  }
  lines.push('', 'targets at 100,000 entries on PGlite: import >= 5,000 entries/s, context p50 <= 20 ms and p95 <= 60 ms, write p50 <= 5 ms');
  return lines.join('\n');
}

async function main() {
  if (values['write-corpus']) {
    await writeCorpus(values['write-corpus'], entries); // only the corpus, e.g. to try `kaizen import` by hand
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'kaizen-bench-'));
  const rows: Row[] = [];
  let first: { fresh: FirstAnswer; existing: FirstAnswer } | undefined;
  try {
    process.stderr.write('== first answer over stdio: a fresh data directory, then the same one again\n');
    const firstDir = join(work, 'first-answer');
    const fresh = await firstAnswer(SERVER, { KAIZEN_DATA_DIR: firstDir });
    first = { fresh, existing: await firstAnswer(SERVER, { KAIZEN_DATA_DIR: firstDir }) };
    const file = join(work, 'corpus.jsonl');
    const started = performance.now();
    await writeCorpus(file, entries);
    process.stderr.write(
      `corpus: ${entries} entries, ${(statSync(file).size / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    rows.push(await run('pglite', file, { KAIZEN_DATA_DIR: join(work, 'pglite') }));
    const serverUrl = process.env.KAIZEN_BENCH_DATABASE_URL || process.env.KAIZEN_TEST_DATABASE_URL;
    if (serverUrl) {
      const database = await freshPostgres(serverUrl);
      try {
        rows.push(await run('postgres', file, { KAIZEN_DATABASE_URL: database.url }));
      } finally {
        await database.drop();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`\n${table(rows)}\n`);
  if (first) {
    const ms = (n: number) => `${n.toFixed(0)} ms`;
    process.stdout.write(
      `\nfirst answer over stdio (PGlite): initialize ${ms(first.fresh.initializeMs)}, first tool result ${ms(first.fresh.firstToolMs)} on a fresh data directory; ` +
        `initialize ${ms(first.existing.initializeMs)}, first tool result ${ms(first.existing.firstToolMs)} on an existing one\n`,
    );
  }
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
