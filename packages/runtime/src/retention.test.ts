import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '@kaizen/storage';
import { createLogger } from './logger.js';
import { startKaizen } from './start.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('audit retention', () => {
  it('deletes audit events past KAIZEN_AUDIT_RETENTION_DAYS when a server starts, keeping the rest', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kaizen-retention-'));
    dirs.push(dataDir);
    const store = await openStore({ dataDir });
    const day = 86_400_000;
    await store.security.appendAuditBatch([
      { at: new Date(Date.now() - 400 * day), principal: 'user:old', action: 'write_knowledge', outcome: 'ok' },
      { at: new Date(Date.now() - 10 * day), principal: 'user:recent', action: 'write_knowledge', outcome: 'ok' },
    ]);
    await store.close();

    const runtime = await startKaizen({ storage: { dataDir } }, createLogger('silent', 'test'), { auditRetentionDays: 365 });
    const left = await runtime.store.security.listAudit({});
    await runtime.close();
    expect(left.map((e) => e.principal)).toEqual(['user:recent']);
  });
});
