/**
 * `kaizen keys create|list|revoke`, `kaizen grant`, `kaizen revoke`, `kaizen grants`: API keys and roles
 * on namespaces, in the configured database (store.security). Arguments are checked before the database
 * is opened; a refusal is an Error whose message main prints as one line, exit 1.
 */
import { userInfo } from 'node:os';
import { generateApiKey, KAIZEN_SCOPES, parseApiKey } from '@kaizen/auth';
import { LOCAL_PRINCIPAL, type AuditEvent, type GrantRole } from '@kaizen/core';
import type { KaizenRuntime } from '@kaizen/runtime';
import { flagValue, UsageError } from './args.js';
import type { CommandSpec } from './command.js';
import { cell, formatTime, jsonLines, jsonTime, parseWhen, table } from './format.js';

/** What a key acts as; any token's subject may follow "user:", but no whitespace or control character. */
const USER_PRINCIPAL = /^user:[^\s\p{Cc}]{1,200}$/u;
const GRANT_PRINCIPAL = /^(user|group|key):[^\s\p{Cc}]{1,200}$/u;
const ROLES: readonly GrantRole[] = ['read', 'write', 'admin'];
/** CI jobs and scripts write what they learn; reading alone is the rarer need. */
export const DEFAULT_KEY_SCOPE = 'kaizen:write';

function grantPrincipal(value: string): string {
  if (GRANT_PRINCIPAL.test(value)) return value;
  throw new Error(`principal "${cell(value)}" must be user:<subject>, group:<name> or key:<key id>`);
}

/**
 * Security changes made from the CLI are audited too, as the local owner (the OS account in `detail`:
 * several operators may share an admin host). The change is already committed: if the audit row
 * cannot be written, say so rather than report the change as failed.
 */
async function audited(runtime: KaizenRuntime, event: Omit<AuditEvent, 'principal' | 'outcome'>): Promise<void> {
  let osUser: string | undefined;
  try {
    osUser = userInfo().username;
  } catch {
    osUser = undefined; // no passwd entry (a container's arbitrary uid)
  }
  const detail = { ...event.detail, ...(osUser ? { os_user: osUser } : {}) };
  await runtime.store.security
    .appendAudit({ ...event, principal: LOCAL_PRINCIPAL.id, outcome: 'ok', detail })
    .catch((error: Error) => process.stderr.write(`kaizen: warning: done, but not recorded in the audit trail (${error.message})\n`));
}

export const keysCreate: CommandSpec = {
  usage: 'keys create --principal user:NAME [--scope SCOPE] [--expires WHEN] [--name LABEL]',
  synopsis: 'keys create --principal user:NAME',
  help: 'create an API key for CI or a script: printed once on stdout, only its hash is stored',
  details:
    `Options:\n  --principal user:NAME  who the key acts as (required; group: is not allowed: a key is one identity)\n` +
    `  --scope SCOPE          ${KAIZEN_SCOPES.join(', ')} (default ${DEFAULT_KEY_SCOPE}; each includes the ones before it)\n` +
    '  --expires WHEN         90d, 12h, 2w, 30m from now, or a date (2026-12-31: midnight UTC) or ISO date-time; default: never\n' +
    '  --name LABEL           a label for "kaizen keys list" (e.g. ci)\n\n' +
    'The key (kzn_<id>_<secret>) is printed once and cannot be shown again: only sha256 of its secret is stored.\n' +
    'Grants decide the namespaces it may use: kaizen grant user:NAME NAMESPACE write (or key:<id>, for this key alone).',
  flags: { principal: 'value', scope: 'value', expires: 'value', name: 'value' },
  prepare(args) {
    const principal = flagValue(args, 'principal');
    if (principal === undefined) throw new UsageError('keys create needs --principal user:NAME (who the key acts as)');
    if (principal.startsWith('group:')) throw new Error('an API key acts as one identity: --principal must be user:<name>, not a group');
    if (!USER_PRINCIPAL.test(principal)) throw new Error(`--principal "${cell(principal)}" must be user:<name> (e.g. user:ci-bot)`);
    const scope = flagValue(args, 'scope') ?? DEFAULT_KEY_SCOPE;
    if (!(KAIZEN_SCOPES as readonly string[]).includes(scope)) throw new Error(`--scope "${cell(scope)}" must be one of ${KAIZEN_SCOPES.join(', ')}`);
    const expires = flagValue(args, 'expires');
    // Checked now, computed again once the database is open: "90d" counts from the key's creation.
    const expiry = () => (expires === undefined ? null : parseWhen(expires, 'ahead', '--expires'));
    if ((expiry()?.getTime() ?? Infinity) <= Date.now()) throw new Error(`--expires "${expires}" is in the past`);
    const name = flagValue(args, 'name') ?? null;
    if (name !== null && (name.length > 100 || /\p{Cc}/u.test(name))) throw new Error('--name must be at most 100 printable characters');
    return async (runtime) => {
      const { id, key, secretHash } = generateApiKey();
      const expiresAt = expiry();
      await runtime.store.security.createApiKey({ id, name, principal, scopes: [scope], secretHash, expiresAt });
      await audited(runtime, { action: 'keys create', ids: [id], detail: { key_principal: principal, scopes: [scope], expires_at: jsonTime(expiresAt) } });
      process.stdout.write(`${key}\n`);
      const until = expiresAt ? `expires ${formatTime(expiresAt)}` : 'does not expire';
      process.stderr.write(`kaizen: created API key ${id} for ${principal} (${scope}, ${until}); it is shown only once: store it now.\n`);
      return 0;
    };
  },
};

export const keysList: CommandSpec = {
  usage: 'keys list [--json]',
  help: 'list API keys (never their secrets): a table, or JSON Lines with --json',
  details: 'Times are UTC. --json prints one JSON object per key per line.',
  flags: { json: 'switch' },
  prepare(args) {
    return async (runtime) => {
      const keys = await runtime.store.security.listApiKeys();
      if (args.flags.json) {
        const rows = keys.map((k) => ({
          id: k.id, name: k.name, principal: k.principal, scopes: k.scopes, created_at: jsonTime(k.createdAt),
          expires_at: jsonTime(k.expiresAt), revoked_at: jsonTime(k.revokedAt), last_used_at: jsonTime(k.lastUsedAt),
        }));
        process.stdout.write(jsonLines(rows));
      } else if (keys.length === 0) {
        process.stderr.write('kaizen: no API keys; "kaizen keys create --principal user:NAME" creates one\n');
      } else {
        const rows = keys.map((k) => [cell(k.id), cell(k.name), cell(k.principal), cell(k.scopes.join(',')), formatTime(k.createdAt),
          formatTime(k.expiresAt), formatTime(k.revokedAt), k.lastUsedAt ? formatTime(k.lastUsedAt) : 'never']);
        process.stdout.write(table(['ID', 'NAME', 'PRINCIPAL', 'SCOPES', 'CREATED', 'EXPIRES', 'REVOKED', 'LAST USED'], rows));
      }
      return 0;
    };
  },
};

export const keysRevoke: CommandSpec = {
  usage: 'keys revoke ID',
  help: 'revoke an API key at once (by id, or the whole kzn_ key); it stays listed',
  positionals: ['ID'],
  prepare(args) {
    const given = args.positionals[0]!;
    // A leaked key is often at hand whole: its id is the part after "kzn_".
    const id = parseApiKey(given)?.id ?? given;
    return async (runtime) => {
      const security = runtime.store.security;
      const key = await security.findApiKey(id);
      if (!key) throw new Error(`no API key has id "${cell(id)}"; "kaizen keys list" lists them`);
      if (key.revokedAt) {
        process.stderr.write(`kaizen: API key ${id} was already revoked at ${formatTime(key.revokedAt)}\n`);
        return 0;
      }
      await security.revokeApiKey(id);
      await audited(runtime, { action: 'keys revoke', ids: [id], detail: { key_principal: key.principal } });
      process.stderr.write(`kaizen: revoked API key ${id} (${key.principal})\n`);
      return 0;
    };
  },
};

export const grant: CommandSpec = {
  usage: 'grant PRINCIPAL NAMESPACE ROLE',
  help: 'give PRINCIPAL the ROLE read, write or admin on NAMESPACE ("*": every one)',
  details:
    'PRINCIPAL is user:<subject> (a token\'s sub, or an API key\'s user), group:<name> (an identity provider\'s group)\n' +
    'or key:<id> (one API key). Quote "*" in a shell. A namespace\'s grants follow it when it is renamed and go\n' +
    'with it when it is deleted.',
  positionals: ['PRINCIPAL', 'NAMESPACE', 'ROLE'],
  prepare(args) {
    const [given, namespace, role] = args.positionals as [string, string, string];
    const principal = grantPrincipal(given);
    if (!ROLES.includes(role as GrantRole)) throw new Error(`role "${cell(role)}" must be one of ${ROLES.join(', ')}`);
    return async (runtime) => {
      if (namespace !== '*' && (await runtime.store.listNamespaces({ namespace })).length === 0) {
        throw new Error(`namespace "${cell(namespace)}" does not exist ("*" grants every namespace)`);
      }
      const security = runtime.store.security;
      const before = (await security.listGrants({ namespace, principal }))[0];
      await security.setGrant({ principal, namespace, role: role as GrantRole, grantedBy: LOCAL_PRINCIPAL.id });
      await audited(runtime, { action: 'grant', namespace, detail: { grant_principal: principal, role, ...(before ? { previous_role: before.role } : {}) } });
      const was = before && before.role !== role ? ` (was ${before.role})` : '';
      process.stderr.write(`kaizen: ${principal} has ${role} on ${namespace === '*' ? 'every namespace' : `"${namespace}"`}${was}\n`);
      return 0;
    };
  },
};

export const revoke: CommandSpec = {
  usage: 'revoke PRINCIPAL NAMESPACE',
  help: 'remove the grant of PRINCIPAL on NAMESPACE (or "*")',
  positionals: ['PRINCIPAL', 'NAMESPACE'],
  prepare(args) {
    const [given, namespace] = args.positionals as [string, string];
    const principal = grantPrincipal(given);
    return async (runtime) => {
      if (!(await runtime.store.security.removeGrant(principal, namespace))) {
        throw new Error(`${principal} has no grant on "${cell(namespace)}"; "kaizen grants" lists them`);
      }
      await audited(runtime, { action: 'revoke', namespace, detail: { grant_principal: principal } });
      process.stderr.write(`kaizen: removed the grant of ${principal} on "${namespace}"\n`);
      return 0;
    };
  },
};

export const grants: CommandSpec = {
  usage: 'grants [--namespace NAME] [--principal PRINCIPAL] [--json]',
  synopsis: 'grants [--namespace NAME] [--json]',
  help: 'list grants by namespace: a table, or JSON Lines with --json',
  details: '--namespace matches exactly: "*" grants, which apply everywhere, are listed with --namespace "*". --json prints JSON Lines.',
  flags: { namespace: 'value', principal: 'value', json: 'switch' },
  prepare(args) {
    const filter = { namespace: flagValue(args, 'namespace'), principal: flagValue(args, 'principal') };
    return async (runtime) => {
      const list = await runtime.store.security.listGrants(filter);
      if (args.flags.json) {
        const rows = list.map((g) => ({ principal: g.principal, namespace: g.namespace, role: g.role, granted_by: g.grantedBy, created_at: jsonTime(g.createdAt) }));
        process.stdout.write(jsonLines(rows));
      } else if (list.length === 0) {
        process.stderr.write('kaizen: no grants match; "kaizen grant PRINCIPAL NAMESPACE ROLE" adds one\n');
      } else {
        const rows = list.map((g) => [cell(g.namespace), cell(g.principal), g.role, cell(g.grantedBy), formatTime(g.createdAt)]);
        process.stdout.write(table(['NAMESPACE', 'PRINCIPAL', 'ROLE', 'GRANTED BY', 'SINCE'], rows));
      }
      return 0;
    };
  },
};
