/** `kaizen audit`: the audit trail, newest first, as a table or JSON Lines. */
import { AUDIT_MAX_LIMIT } from '@kaizen/storage';
import { flagValue } from './args.js';
import type { CommandSpec } from './command.js';
import { cell, formatTime, jsonLines, jsonTime, parseWhen, table } from './format.js';

const DEFAULT_LIMIT = 100;

/** At most three ids in a table cell; --json has them all. */
const idsCell = (ids: string[] | null) =>
  !ids?.length ? '-' : cell(ids.slice(0, 3).join(',') + (ids.length > 3 ? ` +${ids.length - 3}` : ''), 60);

export const audit: CommandSpec = {
  usage: 'audit [--namespace NAME] [--principal PRINCIPAL] [--since WHEN] [--limit N] [--json]',
  synopsis: 'audit [--namespace NAME] [--since WHEN]',
  help: 'list the audit trail, newest first: a table, or JSON Lines with --json',
  details:
    'Options:\n  --namespace NAME       events in that namespace\n  --principal PRINCIPAL  events of that caller (user:…, key:…, local for this CLI)\n' +
    '  --since WHEN           events at or after: 7d, 12h, 30m ago, or a date (2026-11-01: midnight UTC) or ISO date-time\n' +
    `  --limit N              at most N events (default ${DEFAULT_LIMIT}, at most ${AUDIT_MAX_LIMIT})\n` +
    '  --json                 one JSON object per event per line, every field (request id, address, detail)\n\n' +
    'Times are UTC. The trail is append-only: the database refuses to change or delete events.',
  flags: { namespace: 'value', principal: 'value', since: 'value', limit: 'value', json: 'switch' },
  prepare(args) {
    const since = flagValue(args, 'since');
    const limitText = flagValue(args, 'limit');
    const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
    if (!/^\d+$/.test(limitText ?? '1') || limit < 1 || limit > AUDIT_MAX_LIMIT) {
      throw new Error(`--limit "${cell(limitText)}" must be a whole number from 1 to ${AUDIT_MAX_LIMIT}`);
    }
    const filter = {
      namespace: flagValue(args, 'namespace'),
      principal: flagValue(args, 'principal'),
      since: since === undefined ? undefined : parseWhen(since, 'back', '--since'),
      limit,
    };
    return async (runtime) => {
      const events = await runtime.store.security.listAudit(filter);
      if (args.flags.json) {
        const rows = events.map((e) => ({
          id: e.id, at: jsonTime(e.at), principal: e.principal, client_id: e.clientId, action: e.action, namespace: e.namespace,
          scope: e.scope, ids: e.ids, outcome: e.outcome, request_id: e.requestId, address: e.address, detail: e.detail,
        }));
        process.stdout.write(jsonLines(rows));
      } else if (events.length === 0) {
        process.stderr.write('kaizen: no audit events match\n');
      } else {
        const rows = events.map((e) => [formatTime(e.at), e.outcome, cell(e.principal), cell(e.clientId, 24), cell(e.action, 32),
          cell(e.namespace), cell(e.scope), idsCell(e.ids)]);
        process.stdout.write(table(['AT', 'OUTCOME', 'PRINCIPAL', 'CLIENT', 'ACTION', 'NAMESPACE', 'SCOPE', 'IDS'], rows));
      }
      return 0;
    };
  },
};
