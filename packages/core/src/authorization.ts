/**
 * Per-namespace grants, enforced in the core for every use case: what a principal may not read does
 * not exist for it. Roles per namespace are read < write < admin; a grant on "*" applies to every
 * namespace. A caller's effective role on a namespace is the highest of the grants of its id, of its
 * groups (`group:<name>`) and of the API key it uses (`key:<id>`), on that namespace or on "*".
 *
 * - The local owner (`local`: stdio, CLI) and `anonymous` (HTTP without authentication, loopback or an
 *   explicit choice) are unrestricted: they may do everything, as before grants existed (isUnrestricted).
 * - Every other principal may read `global`; writing to it needs a grant.
 * - Without a GrantStore (tests, embedding apps that do not pass one) every caller is unrestricted.
 *
 * What a principal may do is the smaller of its token scopes (kaizen:read/write/admin, checked by the
 * surfaces before the core) and its grant: only the grant is checked here.
 *
 * A NamespaceAccess is built once per call (CallContext) with one grantsFor query, and answers every
 * check of that call from memory. `require` throws the NOT_FOUND the caller would get if the thing did
 * not exist when it cannot read the namespace, and FORBIDDEN (naming the namespace and the role needed)
 * only when it can read it.
 */
import { GLOBAL_NAMESPACE, KaizenError, parseScope } from '@kaizen/domain';
import type { CallContext, Principal } from './context.js';
import type { KaizenChange } from './events.js';
import type { Grant, GrantRole, GrantStore } from './store.js';

/** A grant's namespace that stands for every namespace. */
export const EVERY_NAMESPACE = '*';

/** The principals that keep the behaviour Kaizen had before grants: they may do everything. */
export const UNRESTRICTED_PRINCIPALS: readonly string[] = Object.freeze(['local', 'anonymous']);

const RANK: Record<GrantRole, number> = { read: 1, write: 2, admin: 3 };
const ROLES: readonly GrantRole[] = ['read', 'write', 'admin'];

/** The one place that says who is not subject to grants: the local owner and the anonymous caller. */
export function isUnrestricted(principal: Principal): boolean {
  return UNRESTRICTED_PRINCIPALS.includes(principal.id);
}

/** Whether `role` is at least `needed` (read < write < admin). */
export function roleAtLeast(role: GrantRole | null | undefined, needed: GrantRole): boolean {
  return role != null && RANK[role] >= RANK[needed];
}

/**
 * The grant holders a caller acts as: its own id, each of its groups as `group:<name>`, and the API key
 * it came with: a key acts as its recorded user (`id: user:ci-bot`) and is the call's client
 * (`clientId: key:<id>`), so that both the user's grants and the key's own (`key:<id>`) apply.
 */
export function grantPrincipals(principal: Principal): string[] {
  const key = principal.clientId?.startsWith('key:') ? [principal.clientId] : [];
  return [...new Set([principal.id, ...(principal.groups ?? []).map((g) => `group:${g}`), ...key])];
}

/** The namespace of a qualified scope name ("acme:web" -> "acme"). */
export const namespaceOfScope = (scope: string): string => parseScope(scope).namespace;

/** The namespaces a committed change touched: its namespaces, or those of its scopes. */
export function changeNamespaces(change: KaizenChange): string[] {
  const names = change.kind === 'namespace' ? change.namespaces : change.scopes.map(namespaceOfScope);
  return [...new Set(names)];
}

/** A scope's parents the caller can read: the names of the others are not shown. */
export function visibleParents(scope: { parents: string[] }, access: NamespaceAccess): string[] {
  return access.readsEverything ? scope.parents : scope.parents.filter((p) => access.canReadScope(p));
}

/** `field: the "write" role on namespace "acme" is needed; the caller has "read".` */
export function forbiddenError(namespace: string, needed: GrantRole, has: GrantRole | null, field: string): KaizenError {
  return new KaizenError(
    'FORBIDDEN',
    `${field}: the "${needed}" role on namespace "${namespace}" is needed; the caller has ${has ? `"${has}"` : 'none'}.`,
    { field, namespace, role: needed, ...(has ? { has } : {}) },
  );
}

/**
 * What one caller may do, namespace by namespace, for the duration of one call. Build it with
 * `NamespaceAccess.load(principal, grants)` (one query) or `NamespaceAccess.unrestricted()`.
 */
export class NamespaceAccess {
  /** True for the local owner and the anonymous caller, and for everyone when there is no grant store. */
  readonly unrestricted: boolean;
  private readonly roles: ReadonlyMap<string, GrantRole>;
  private readonly everywhere: GrantRole | null;

  private constructor(unrestricted: boolean, grants: readonly Pick<Grant, 'namespace' | 'role'>[]) {
    this.unrestricted = unrestricted;
    const roles = new Map<string, GrantRole>();
    let everywhere: GrantRole | null = null;
    for (const g of grants) {
      if (!ROLES.includes(g.role)) continue;
      if (g.namespace === EVERY_NAMESPACE) {
        if (!roleAtLeast(everywhere, g.role)) everywhere = g.role;
      } else if (!roleAtLeast(roles.get(g.namespace), g.role)) {
        roles.set(g.namespace, g.role);
      }
    }
    this.roles = roles;
    this.everywhere = everywhere;
  }

  static unrestricted(): NamespaceAccess {
    return new NamespaceAccess(true, []);
  }

  /** From grants already read (tests, a surface that has them at hand). */
  static fromGrants(grants: readonly Pick<Grant, 'namespace' | 'role'>[]): NamespaceAccess {
    return new NamespaceAccess(false, grants);
  }

  /** The caller's access: unrestricted without a grant store or for local/anonymous, else one grantsFor query. */
  static async load(principal: Principal, grants: GrantStore | undefined): Promise<NamespaceAccess> {
    if (!grants || isUnrestricted(principal)) return NamespaceAccess.unrestricted();
    return NamespaceAccess.fromGrants(await grants.grantsFor(grantPrincipals(principal)));
  }

  /** The caller's effective role on a namespace, or null for none (the namespace is hidden from it). */
  roleOn(namespace: string): GrantRole | null {
    if (this.unrestricted) return 'admin';
    let role = this.everywhere;
    const own = this.roles.get(namespace);
    if (own && !roleAtLeast(role, own)) role = own;
    if (namespace === GLOBAL_NAMESPACE && !role) role = 'read';
    return role;
  }

  can(namespace: string, role: GrantRole): boolean {
    return roleAtLeast(this.roleOn(namespace), role);
  }

  canRead(namespace: string): boolean {
    return this.can(namespace, 'read');
  }

  /** canRead of a qualified scope's namespace. */
  canReadScope(scope: string): boolean {
    return this.canRead(namespaceOfScope(scope));
  }

  /**
   * Checks the role on a namespace: a caller that cannot read it gets `notFound()` (the error of a missing
   * entity, worded identically), one that can read it but needs more gets FORBIDDEN naming the namespace
   * and the role. The service's own check also turns that FORBIDDEN into NOT_FOUND when the entity does
   * not exist, so that FORBIDDEN only ever concerns something the caller can see.
   */
  require(namespace: string, role: GrantRole, notFound: () => KaizenError, field = 'namespace'): void {
    const has = this.roleOn(namespace);
    if (roleAtLeast(has, role)) return;
    if (!roleAtLeast(has, 'read')) throw notFound();
    throw forbiddenError(namespace, role, has, field);
  }

  /** `'*'` when every namespace is readable (unrestricted, or a grant on "*"), else the readable names. */
  readableNamespaces(): '*' | Set<string> {
    if (this.unrestricted || this.everywhere) return '*';
    return new Set([GLOBAL_NAMESPACE, ...this.roles.keys()]);
  }

  /**
   * Whether the caller may hear of a committed change (resource notifications, list_changed): it touches
   * a namespace the caller can read. A change that names no namespace (none) is heard by unrestricted
   * callers only.
   */
  canSeeChange(change: KaizenChange): boolean {
    if (this.unrestricted) return true;
    return changeNamespaces(change).some((ns) => this.canRead(ns));
  }

  /** The readable namespaces as a store filter: undefined for all (SearchRequest, PageRequest). */
  readableList(): string[] | undefined {
    const readable = this.readableNamespaces();
    return readable === '*' ? undefined : [...readable].sort();
  }

  /** The role of the caller's grants on "*" (every namespace); 'admin' when unrestricted. */
  get everywhereRole(): GrantRole | null {
    return this.unrestricted ? 'admin' : this.everywhere;
  }

  /** Whether every namespace is readable (no filtering needed). */
  get readsEverything(): boolean {
    return this.readableNamespaces() === '*';
  }
}

/**
 * Builds each call's NamespaceAccess once: the checks of one call (and of the read models it calls with
 * the same CallContext, e.g. a completion that pages) share one grantsFor query. A CallContext is made
 * per call, so a grant set or removed applies from the next call on.
 */
export class Authorizer {
  private readonly perCall = new WeakMap<CallContext, Promise<NamespaceAccess>>();

  constructor(private readonly grants: GrantStore | undefined) {}

  /** True when there is a grant store, i.e. when grants are enforced at all. */
  get enforcing(): boolean {
    return this.grants !== undefined;
  }

  access(ctx: CallContext): Promise<NamespaceAccess> {
    const principal = ctx.principal;
    if (!this.grants || isUnrestricted(principal)) return Promise.resolve(UNRESTRICTED);
    let access = this.perCall.get(ctx);
    if (!access) {
      access = NamespaceAccess.load(principal, this.grants);
      // A failed look-up is not remembered: the next call with this context asks again.
      access.catch(() => this.perCall.delete(ctx));
      this.perCall.set(ctx, access);
    }
    return access;
  }

  /** Drops what was learnt for this call (its grants changed during it, e.g. it created a namespace). */
  forget(ctx: CallContext): void {
    this.perCall.delete(ctx);
  }
}

const UNRESTRICTED = NamespaceAccess.unrestricted();
