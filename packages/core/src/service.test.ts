import { describe, expect, it } from 'vitest';
import { describeError, isKaizenError, type KaizenError } from '@kaizen/domain';
import { createCallContext } from './context.js';
import { createKaizen } from './service.js';
import { newKnowledgeId } from './ids.js';
import type { KnowledgeStore } from './store.js';

/** A store that fails the test if the core reaches it: validation must stop bad input first. */
const untouchable = new Proxy({} as KnowledgeStore, {
  get: (_t, prop) => () => {
    throw new Error(`store.${String(prop)} was called`);
  },
});

const ctx = createCallContext();

async function failure(run: () => Promise<unknown>): Promise<KaizenError> {
  const error = await run().then(
    () => null,
    (e: unknown) => e,
  );
  expect(isKaizenError(error), String(error)).toBe(true);
  return error as KaizenError;
}

describe('KaizenService validation', () => {
  const kaizen = createKaizen({ store: untouchable });
  const refused: [string, () => Promise<unknown>, string, RegExp, string | undefined][] = [
    ['creating a default scope', () => kaizen.createScope({ scope: 'acme:default', description: 'x' }, ctx), 'PROTECTED', /^scope: "acme:default" is created with its namespace\.$/, 'namespace_needed'],
    ['rename default', () => kaizen.updateScope({ scope: 'acme:default', new_scope: 'acme:base' }, ctx), 'PROTECTED', /default scope/, 'protected'],
    ['move namespace', () => kaizen.updateScope({ scope: 'acme:web', new_scope: 'other:web' }, ctx), 'INVALID_INPUT', /acme:web/, undefined],
    ['delete global', () => kaizen.deleteNamespace({ name: 'global' }, ctx), 'PROTECTED', /^name: the "global" namespace cannot be deleted\.$/, 'protected'],
    ['rename global', () => kaizen.updateNamespace({ name: 'global', new_name: 'world' }, ctx), 'PROTECTED', /global/, 'protected'],
    ['delete default', () => kaizen.deleteScope({ scope: 'acme:default' }, ctx), 'PROTECTED', /deleted only with its namespace\.$/, 'protected'],
    ['bad scope', () => kaizen.getTaskContext({ queries: ['x'], scope: 'acme' }, ctx), 'INVALID_INPUT', /^scope: /, undefined],
    ['empty context', () => kaizen.writeKnowledge({ content: 'c', context: '', scope: 'acme:web' }, ctx), 'INVALID_INPUT', /^context: /, undefined],
    ['NUL byte', () => kaizen.writeKnowledge({ content: 'a\u0000b', context: 'c', scope: 'acme:web' }, ctx), 'INVALID_INPUT', /^content: contains a NUL/, undefined],
    ['unknown field', () => kaizen.getTaskContext({ queries: ['x'], scope: 'acme:web', size: 'S' } as never, ctx), 'INVALID_INPUT', /^size: unknown field; known fields: queries, scope, task_size, limit$/, undefined],
    ['NUL prefix', () => kaizen.browse.completeScope({ prefix: 'ac\u0000' }, ctx), 'INVALID_INPUT', /^prefix: contains a NUL/, undefined],
    ['NUL cursor', () => kaizen.browse.knowledgePage({ after: '\u0000', limit: 5 }, ctx), 'INVALID_INPUT', /^after: contains a NUL/, undefined],
  ];
  it.each(refused)('refuses %s before touching the store', async (_name, run, code, message, hint) => {
    const error = await failure(run);
    expect(error).toMatchObject({ code });
    expect(error.message).toMatch(message);
    expect(error.details?.hint).toBe(hint);
  });

  it('names no tool in its messages: the surface adds its own next step', async () => {
    const error = await failure(() => kaizen.deleteScope({ scope: 'acme:default' }, ctx));
    expect(error.message).not.toMatch(/_namespace|_scope/);
    expect(describeError(error, 'mcp')).toMatch(/delete_n/);
    expect(describeError(error, 'cli')).not.toMatch(/delete_n/);
  });

  it('checks input types at compile time and still validates at run time', async () => {
    // @ts-expect-error task_size must be one of the sizes
    const untyped = () => kaizen.writeKnowledge({ content: 'c', context: 'c', scope: 'acme:web', task_size: 'XXL' }, ctx);
    expect((await failure(untyped)).message).toMatch(/^task_size: /);
  });
});

describe('KaizenService call context', () => {
  const kaizen = createKaizen({ store: untouchable });

  it('does nothing for a call cancelled before it starts', async () => {
    const controller = new AbortController();
    controller.abort();
    const cancelled = createCallContext({ signal: controller.signal });
    const error = await failure(() => kaizen.writeKnowledge({ content: 'c', context: 'c', scope: 'acme:web' }, cancelled));
    expect(error).toMatchObject({ code: 'CANCELLED', message: 'writeKnowledge was cancelled.' });
    expect((await failure(() => kaizen.getTaskContext({ queries: ['x'], scope: 'acme:web' }, cancelled))).code).toBe('CANCELLED');
    expect((await failure(() => kaizen.browse.namespaceTree(cancelled))).code).toBe('CANCELLED');
    expect(() => kaizen.exportRecords({}, cancelled)).toThrow(/export was cancelled/);
  });

  it('says so when a caller forgets the context', async () => {
    const forgot = () => (kaizen.getNamespaces as (input: unknown) => Promise<unknown>)({});
    await expect(forgot()).rejects.toThrow(/getNamespaces\(input, ctx\) needs a CallContext/);
  });
});

describe('newKnowledgeId', () => {
  it('makes 12-character base62 ids without repeats', () => {
    const ids = new Set(Array.from({ length: 10_000 }, newKnowledgeId));
    expect(ids.size).toBe(10_000);
    for (const id of [...ids].slice(0, 100)) expect(id).toMatch(/^[A-Za-z0-9]{12}$/);
  });
});
