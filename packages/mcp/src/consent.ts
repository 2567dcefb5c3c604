/**
 * Consent for destructive calls: deleting a namespace, scope or entry, and renames that move everyone's
 * entries, are confirmed by the person, not the model. A client that can elicit is asked through an
 * input-required round (the SDK turns it into `elicitation/create` for 2025 sessions) with a preview of
 * what goes, counts included. A client that cannot gets the preview and a one-time confirm token bound to
 * the principal and the exact arguments, valid a few minutes; calling again with it confirms.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { inputRequired, inputResponse, type InputRequiredResult, type ServerContext } from '@modelcontextprotocol/server';
import type { CallContext, KaizenService } from '@kaizen/core';
import { KaizenError } from '@kaizen/domain';

export type ConfirmMode = 'destructive' | 'never';

export interface ConsentOptions {
  mode?: ConfirmMode;
  /** Signs confirm tokens; instances behind one load balancer must share it (KAIZEN_CONFIRM_SECRET). */
  secret?: string;
  ttlMs?: number;
}

/** Whether this call of `tool` destroys or moves data: deletions, and renames (they move every entry). */
export function needsConsent(tool: string, args: Record<string, unknown>): boolean {
  if (tool === 'delete_namespace' || tool === 'delete_scope' || tool === 'delete_knowledge') return true;
  if (tool === 'update_namespace') return args.new_name !== undefined;
  if (tool === 'update_scope') return args.new_scope !== undefined;
  return false;
}

const CONFIRM_SCHEMA = { type: 'object' as const, properties: { confirm: { type: 'boolean' as const, title: 'Go ahead' } }, required: ['confirm'] };

export class ConsentGate {
  readonly mode: ConfirmMode;
  private readonly secret: Buffer;
  private readonly ttlMs: number;
  /** Tokens already used (until they expire): a token confirms one call. */
  private readonly used = new Map<string, number>();

  constructor(options: ConsentOptions = {}) {
    this.mode = options.mode ?? 'destructive';
    this.secret = options.secret ? Buffer.from(options.secret) : randomBytes(32);
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
  }

  /**
   * Undefined: go ahead. Otherwise what to answer instead of running the call: an input-required round,
   * or (no elicitation) a refusal carrying the preview and the token.
   */
  async check(
    tool: string,
    args: Record<string, unknown>,
    kaizen: KaizenService,
    ctx: CallContext,
    sdk: ServerContext | undefined,
  ): Promise<InputRequiredResult | KaizenError | undefined> {
    if (this.mode === 'never' || !needsConsent(tool, args)) return undefined;
    const answer = inputResponse(sdk?.mcpReq.inputResponses, 'confirm');
    if (answer.kind === 'elicit') {
      const content = answer.content as { confirm?: unknown } | undefined;
      if (answer.action === 'accept' && content?.confirm === true) return undefined;
      return new KaizenError('CANCELLED', `${tool} was not confirmed by the user; nothing was changed.`);
    }
    if (typeof args.confirm === 'string') {
      const problem = this.redeem(args.confirm, tool, args, ctx.principal.id);
      if (!problem) return undefined;
      return new KaizenError('INVALID_INPUT', `confirm: ${problem}; call ${tool} again without confirm to get a new preview.`, { field: 'confirm' });
    }
    const what = await preview(tool, args, kaizen, ctx);
    if (ctx.client.elicit) {
      return inputRequired({ inputRequests: { confirm: inputRequired.elicit({ message: `${what} Go ahead?`, requestedSchema: CONFIRM_SCHEMA }) } });
    }
    const token = this.issue(tool, args, ctx.principal.id);
    return new KaizenError(
      'CONFIRMATION_REQUIRED',
      `${what} Show this to the user; if they agree, call ${tool} again with the same arguments and confirm: "${token}" (valid ${Math.round(this.ttlMs / 60_000)} minutes, once).`,
      { confirm: token },
    );
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }

  private issue(tool: string, args: Record<string, unknown>, principal: string): string {
    const expires = Date.now() + this.ttlMs;
    const nonce = randomBytes(9).toString('base64url');
    return `${expires.toString(36)}.${nonce}.${this.sign(binding(tool, args, principal, expires, nonce))}`;
  }

  /** Why the token does not confirm this call, or undefined when it does (and is now spent). */
  private redeem(token: string, tool: string, args: Record<string, unknown>, principal: string): string | undefined {
    const [expiresText, nonce, mac] = token.split('.');
    const expires = parseInt(expiresText ?? '', 36);
    if (!nonce || !mac || !Number.isFinite(expires)) return 'not a confirm token this server issued';
    const expected = Buffer.from(this.sign(binding(tool, args, principal, expires, nonce)));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'the token was issued for another call (other arguments, tool or caller)';
    const now = Date.now();
    if (expires < now) return 'the token has expired';
    for (const [spent, until] of this.used) if (until < now) this.used.delete(spent);
    if (this.used.has(token)) return 'the token was already used';
    this.used.set(token, expires);
    return undefined;
  }
}

/** What the token is bound to: who, which tool, the exact arguments (confirm excluded), until when. */
function binding(tool: string, args: Record<string, unknown>, principal: string, expires: number, nonce: string): string {
  const rest = Object.fromEntries(Object.entries(args).filter(([k]) => k !== 'confirm').sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify([principal, tool, rest, expires, nonce]);
}

/** What the call would delete or move, with counts, read from the store (as the caller sees it). */
async function preview(tool: string, args: Record<string, unknown>, kaizen: KaizenService, ctx: CallContext): Promise<string> {
  const browse = kaizen.browse;
  if (tool === 'delete_namespace' || tool === 'update_namespace') {
    const view = await browse.namespace({ namespace: String(args.name) }, ctx);
    const scopes = view.scopes.length;
    const entries = view.scopes.reduce((n, s) => n + s.entries, 0);
    const verb = tool === 'delete_namespace' ? 'permanently deletes' : `renames to "${String(args.new_name)}"`;
    return `This ${verb} namespace "${view.name}": ${scopes} scope(s) and ${entries} entr${entries === 1 ? 'y' : 'ies'}.`;
  }
  if (tool === 'delete_scope' || tool === 'update_scope') {
    const view = await browse.scope({ scope: String(args.scope) }, ctx);
    const verb = tool === 'delete_scope' ? 'permanently deletes' : `renames to "${String(args.new_scope)}"`;
    return `This ${verb} scope "${view.scope}" and its ${view.entries} entr${view.entries === 1 ? 'y' : 'ies'}.`;
  }
  const entry = await browse.knowledge({ id: String(args.id) }, ctx);
  const line = entry.content.trim().split('\n')[0]!.slice(0, 120);
  return `This permanently deletes entry ${entry.id} in ${entry.scope}: "${line}".`;
}
