import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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

  it('refuses a second process-level opener while the first holds it, then lets it in', async () => {
    const dir = join(root, 'shared');
    const owner = await openStore({ dataDir: dir });
    await expect(openStore({ dataDir: dir })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('in use') });
    await owner.close();
    const next = await openStore({ dataDir: dir });
    expect(await next.stats()).toMatchObject({ namespaces: 1 });
    await next.close();
  });
});
