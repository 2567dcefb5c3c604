import { describe, expect, it } from 'vitest';
import { isKaizenError, unknownNamespaceError, type KaizenError } from '@kaizen/domain';
import {
  Authorizer,
  NamespaceAccess,
  changeNamespaces,
  grantPrincipals,
  isUnrestricted,
  roleAtLeast,
  visibleParents,
} from './authorization.js';
import { ANONYMOUS_PRINCIPAL, LOCAL_PRINCIPAL, createCallContext, type Principal } from './context.js';
import type { Grant, GrantRole, GrantStore } from './store.js';

const grant = (principal: string, namespace: string, role: GrantRole): Grant => ({
  principal,
  namespace,
  role,
  grantedBy: null,
  createdAt: new Date(0),
});

/** A GrantStore over a fixed list that counts its grantsFor queries. */
function grantStore(grants: Grant[]): GrantStore & { queries: string[][] } {
  const queries: string[][] = [];
  return {
    queries,
    setGrant: async () => undefined,
    removeGrant: async () => false,
    listGrants: async () => grants,
    grantsFor: async (principals) => {
      queries.push(principals);
      return grants.filter((g) => principals.includes(g.principal));
    },
  };
}

const user = (id: string, groups?: string[]): Principal => ({ id, scopes: ['kaizen:read'], ...(groups && { groups }) });

function thrown(run: () => void): KaizenError {
  try {
    run();
  } catch (error) {
    expect(isKaizenError(error)).toBe(true);
    return error as KaizenError;
  }
  throw new Error('expected a KaizenError');
}

describe('namespace access', () => {
  it('keeps local and anonymous unrestricted, and only them', () => {
    expect(isUnrestricted(LOCAL_PRINCIPAL)).toBe(true);
    expect(isUnrestricted(ANONYMOUS_PRINCIPAL)).toBe(true);
    expect(isUnrestricted(user('user:local'))).toBe(false);
    expect(isUnrestricted(user('key:anonymous'))).toBe(false);
  });

  it('acts as the caller and its groups', () => {
    expect(grantPrincipals(user('user:ann', ['eng', 'ops']))).toEqual(['user:ann', 'group:eng', 'group:ops']);
    expect(grantPrincipals(user('key:k1'))).toEqual(['key:k1']);
    // An API key acts as its user; the key is the client, and its own grants apply too.
    expect(grantPrincipals({ ...user('user:ci-bot'), clientId: 'key:k1' })).toEqual(['user:ci-bot', 'key:k1']);
    expect(grantPrincipals({ ...user('user:ann'), clientId: 'claude-desktop' })).toEqual(['user:ann']);
  });

  it('ranks roles read < write < admin', () => {
    expect(roleAtLeast('admin', 'write')).toBe(true);
    expect(roleAtLeast('read', 'write')).toBe(false);
    expect(roleAtLeast(null, 'read')).toBe(false);
  });

  it('takes the highest role of the namespace and "*" grants; global is readable by everyone', () => {
    const access = NamespaceAccess.fromGrants([
      grant('user:ann', 'acme', 'read'),
      grant('group:eng', 'acme', 'write'),
      grant('user:ann', '*', 'read'),
      grant('user:ann', 'ops', 'admin'),
    ]);
    expect(access.roleOn('acme')).toBe('write');
    expect(access.roleOn('ops')).toBe('admin');
    expect(access.roleOn('anything')).toBe('read');
    expect(access.roleOn('global')).toBe('read');
    expect(access.readableNamespaces()).toBe('*');
    expect(access.readableList()).toBeUndefined();

    const none = NamespaceAccess.fromGrants([]);
    expect(none.roleOn('global')).toBe('read');
    expect(none.canRead('acme')).toBe(false);
    expect(none.readableNamespaces()).toEqual(new Set(['global']));
    expect(none.readableList()).toEqual(['global']);

    const writer = NamespaceAccess.fromGrants([grant('user:w', 'global', 'write'), grant('user:w', 'zeta', 'read')]);
    expect(writer.roleOn('global')).toBe('write');
    expect(writer.readableList()).toEqual(['global', 'zeta']);
  });

  it('requires a role: NOT_FOUND (the missing wording) when unreadable, FORBIDDEN naming namespace and role when readable', () => {
    const access = NamespaceAccess.fromGrants([grant('user:r', 'acme', 'read')]);
    expect(() => access.require('acme', 'read', () => unknownNamespaceError('acme'))).not.toThrow();
    const forbidden = thrown(() => access.require('acme', 'write', () => unknownNamespaceError('acme'), 'scope'));
    expect(forbidden.code).toBe('FORBIDDEN');
    expect(forbidden.message).toBe('scope: the "write" role on namespace "acme" is needed; the caller has "read".');
    expect(forbidden.details).toMatchObject({ field: 'scope', namespace: 'acme', role: 'write', has: 'read' });
    const hidden = thrown(() => access.require('other', 'write', () => unknownNamespaceError('other')));
    expect(hidden.message).toBe(unknownNamespaceError('other').message);
    expect(hidden.details).toEqual(unknownNamespaceError('other').details);
    expect(thrown(() => access.require('global', 'write', () => unknownNamespaceError('global'))).code).toBe('FORBIDDEN');
  });

  it('lets a caller hear of the changes of namespaces it can read only', () => {
    const access = NamespaceAccess.fromGrants([grant('user:r', 'acme', 'read')]);
    expect(changeNamespaces({ kind: 'knowledge', ids: ['a'], scopes: ['acme:web', 'acme:default'], listChanged: false })).toEqual(['acme']);
    expect(access.canSeeChange({ kind: 'knowledge', ids: ['a'], scopes: ['acme:web'], listChanged: false })).toBe(true);
    expect(access.canSeeChange({ kind: 'scope', scopes: ['platform:node'], listChanged: true })).toBe(false);
    expect(access.canSeeChange({ kind: 'namespace', namespaces: ['platform', 'global'], listChanged: true })).toBe(true);
    expect(access.canSeeChange({ kind: 'namespace', namespaces: ['platform'], listChanged: true })).toBe(false);
    expect(NamespaceAccess.unrestricted().canSeeChange({ kind: 'namespace', namespaces: ['platform'], listChanged: true })).toBe(true);
  });

  it('hides the parents the caller cannot read', () => {
    const access = NamespaceAccess.fromGrants([grant('user:r', 'acme', 'read')]);
    expect(visibleParents({ parents: ['acme:default', 'platform:node', 'global:default'] }, access)).toEqual([
      'acme:default',
      'global:default',
    ]);
  });
});

describe('Authorizer', () => {
  it('reads the grants once per call, and never for local, anonymous, or without a grant store', async () => {
    const store = grantStore([grant('user:ann', 'acme', 'write'), grant('group:eng', 'ops', 'read')]);
    const authorizer = new Authorizer(store);
    const ctx = createCallContext({ principal: user('user:ann', ['eng']) });
    const first = await authorizer.access(ctx);
    const again = await authorizer.access(ctx);
    expect(again).toBe(first);
    expect(store.queries).toEqual([['user:ann', 'group:eng']]);
    expect(first.roleOn('acme')).toBe('write');
    expect(first.roleOn('ops')).toBe('read');
    expect(first.canRead('other')).toBe(false);

    // A new call asks again (a grant changed meanwhile applies from the next call on).
    await authorizer.access(createCallContext({ principal: user('user:ann', ['eng']) }));
    expect(store.queries).toHaveLength(2);
    authorizer.forget(ctx);
    await authorizer.access(ctx);
    expect(store.queries).toHaveLength(3);

    for (const principal of [LOCAL_PRINCIPAL, ANONYMOUS_PRINCIPAL]) {
      const access = await authorizer.access(createCallContext({ principal }));
      expect(access.unrestricted).toBe(true);
      expect(access.roleOn('anything')).toBe('admin');
    }
    expect(store.queries).toHaveLength(3);

    const open = await new Authorizer(undefined).access(createCallContext({ principal: user('user:ann') }));
    expect(open.unrestricted).toBe(true);
    expect(open.readableNamespaces()).toBe('*');
  });

  it('does not remember a failed look-up', async () => {
    let fail = true;
    const store: GrantStore = {
      ...grantStore([]),
      grantsFor: async () => {
        if (fail) throw new Error('down');
        return [];
      },
    };
    const authorizer = new Authorizer(store);
    const ctx = createCallContext({ principal: user('user:ann') });
    await expect(authorizer.access(ctx)).rejects.toThrow('down');
    fail = false;
    expect((await authorizer.access(ctx)).canRead('global')).toBe(true);
  });
});
