/**
 * What the audit trail keeps of an operation: every change and every call refused for lack of rights,
 * with its targets (namespace, scope, ids) read from the arguments — never an entry's content.
 */
import type { AuditEvent } from '@kaizen/core';
import type { OperationReport } from './seam.js';

const str = (v: unknown) => (typeof v === 'string' && v.length <= 200 ? v : undefined);

export function auditEventOf(report: OperationReport): AuditEvent | undefined {
  const { operation, ctx, outcome } = report;
  if (!(operation.writes || outcome === 'denied')) return undefined;
  const args = (typeof report.args === 'object' && report.args !== null ? report.args : {}) as Record<string, unknown>;
  const scope = str(args.scope) ?? str(args.new_scope);
  const namespace = scope?.includes(':') ? scope.split(':')[0] : operation.name.endsWith('_namespace') ? str(args.name) : undefined;
  const ids = [args.id, args.active_id, ...(Array.isArray(args.suppressed_ids) ? args.suppressed_ids : [])].map(str).filter((v): v is string => Boolean(v));
  return {
    principal: ctx.principal.id,
    clientId: ctx.principal.clientId ?? null,
    action: operation.kind === 'tool' ? operation.name : `${operation.kind} ${operation.name}`,
    namespace: namespace ?? null,
    scope: scope ?? null,
    ids: ids.length > 0 ? ids.slice(0, 100) : null,
    outcome: outcome === 'refused' ? 'refused' : outcome,
    requestId: ctx.requestId,
    detail: report.code ? { code: report.code } : null,
  };
}
