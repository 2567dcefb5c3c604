import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockDataDir } from '../src/data-dir-lock.js';
import { openStore } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'kaizen-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('embedded data directory', () => {
  it('is created on first open and keeps data across reopen', async () => {
    const dir = join(root, 'nested', 'data');
    const first = await openStore({ dataDir: dir });
    await first.createNamespace({ name: 'kept', description: 'Survives a restart' }, 'default');
    await first.close();
    const second = await openStore({ dataDir: dir });
    expect((await second.listNamespaces()).map((n) => n.name)).toEqual(['global', 'kept']);
    await second.close();
  });

  it('refuses a second opener while the first holds it, then lets it in', async () => {
    const dir = join(root, 'shared');
    const owner = await openStore({ dataDir: dir });
    await expect(openStore({ dataDir: dir })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`in use by Kaizen process ${process.pid} (this process, started `),
    });
    await owner.close();
    const next = await openStore({ dataDir: dir });
    expect(await next.stats()).toMatchObject({ namespaces: 1 });
    await next.close();
  });
});

/**
 * Other processes holding the lock. The child runs the lock module itself, compiled from its source
 * (TypeScript's transpileModule) into a temporary ES module that imports the built @kaizen/domain.
 */
describe('data directory lock held by another process', () => {
  let childScript: string;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    const source = readFileSync(fileURLToPath(new URL('../src/data-dir-lock.ts', import.meta.url)), 'utf8');
    const domain = pathToFileURL(fileURLToPath(new URL('../node_modules/@kaizen/domain/dist/index.js', import.meta.url))).href;
    const compiled = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    writeFileSync(join(root, 'lock.mjs'), compiled.outputText.replace(`from '@kaizen/domain'`, `from '${domain}'`));
    childScript = join(root, 'hold-lock.mjs');
    writeFileSync(
      childScript,
      `import { lockDataDir } from './lock.mjs';\nawait lockDataDir(process.argv[2]);\nprocess.stdout.write('locked\\n');\nsetInterval(() => {}, 60_000);\n`,
    );
  });
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  /** A child process that holds the lock of dir, once it says so. */
  async function holder(dir: string): Promise<ChildProcess> {
    const child = spawn(process.execPath, [childScript, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stderr!.on('data', (d) => (output += d));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => String(d).includes('locked') && resolve());
      child.once('exit', (code) => reject(new Error(`the lock holder exited (${code}): ${output}`)));
    });
    return child;
  }

  it('names the live process that holds it', async () => {
    const dir = join(root, 'held');
    const child = await holder(dir);
    const refused = await lockDataDir(dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 'CONFLICT', details: { pid: child.pid, hostname: hostname() } });
    const message = (refused as Error).message;
    expect(message).toContain(`is in use by Kaizen process ${child.pid} (started `);
    expect(message).toMatch(/Stop that process, give this one another KAIZEN_DATA_DIR, or share one database .*kaizen-http or a PostgreSQL server/);
    child.kill('SIGKILL');
    await once(child, 'exit');
  });

  it('takes over at once the lock of a process killed with SIGKILL', async () => {
    const dir = join(root, 'killed');
    const child = await holder(dir);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const release = await lockDataDir(dir);
    expect(JSON.parse(readFileSync(`${dir}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    await release();
  });

  it('takes over a lock naming this very pid from a previous life (a restarted container)', async () => {
    const dir = join(root, 'reborn');
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: '2020-01-01T00:00:00.000Z' }));
    const release = await lockDataDir(dir);
    await release();
  });

  it('refuses a lock held on another host, naming the file to delete if that process is gone', async () => {
    const dir = join(root, 'remote');
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: 4242, hostname: 'elsewhere.example', startedAt: '2020-01-01T00:00:00.000Z' }));
    await expect(lockDataDir(dir)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/in use by Kaizen process 4242 on host elsewhere\.example .* If that process is gone, delete .*remote\.lock\.$/),
    });
  });

  it('respects the lock directory of an older Kaizen while its heartbeat is fresh, and clears it when stale', async () => {
    const dir = join(root, 'legacy');
    mkdirSync(`${dir}.lock`);
    await expect(lockDataDir(dir)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('an older version') });
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(`${dir}.lock`, aMinuteAgo, aMinuteAgo);
    const release = await lockDataDir(dir);
    await release();
  });
});
