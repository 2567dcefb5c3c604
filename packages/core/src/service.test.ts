import { describe, expect, it } from 'vitest';
import { isKaizenError } from '@kaizen/domain';
import { createKaizen } from './service.js';
import { newKnowledgeId } from './ids.js';
import type { KnowledgeStore } from './store.js';

/** A store that fails the test if the core reaches it: validation must stop bad input first. */
const untouchable = new Proxy({} as KnowledgeStore, {
  get: (_t, prop) => () => {
    throw new Error(`store.${String(prop)} was called`);
  },
});

describe('KaizenService validation', () => {
  const kaizen = createKaizen({ store: untouchable });
  const refused: [string, () => Promise<unknown>, string, RegExp][] = [
    ['create_scope default', () => kaizen.createScope({ scope: 'acme:default', description: 'x' }), 'PROTECTED', /create_namespace/],
    ['rename default', () => kaizen.updateScope({ scope: 'acme:default', new_scope: 'acme:base' }), 'PROTECTED', /default scope/],
    ['move namespace', () => kaizen.updateScope({ scope: 'acme:web', new_scope: 'other:web' }), 'INVALID_INPUT', /acme:web/],
    ['delete global', () => kaizen.deleteNamespace({ name: 'global' }), 'PROTECTED', /global/],
    ['rename global', () => kaizen.updateNamespace({ name: 'global', new_name: 'world' }), 'PROTECTED', /global/],
    ['delete default', () => kaizen.deleteScope({ scope: 'acme:default' }), 'PROTECTED', /delete_namespace/],
    ['bad scope', () => kaizen.getTaskContext({ queries: ['x'], scope: 'acme' }), 'INVALID_INPUT', /^scope: /],
    ['empty context', () => kaizen.writeKnowledge({ content: 'c', context: '', scope: 'acme:web' }), 'INVALID_INPUT', /^context: /],
  ];
  it.each(refused)('refuses %s before touching the store', async (_name, run, code, message) => {
    const error = await run().then(
      () => null,
      (e: unknown) => e,
    );
    expect(isKaizenError(error)).toBe(true);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toMatch(message);
  });
});

describe('newKnowledgeId', () => {
  it('makes 12-character base62 ids without repeats', () => {
    const ids = new Set(Array.from({ length: 10_000 }, newKnowledgeId));
    expect(ids.size).toBe(10_000);
    for (const id of [...ids].slice(0, 100)) expect(id).toMatch(/^[A-Za-z0-9]{12}$/);
  });
});
