import { z } from 'zod';

/**
 * The MCP surface's configuration slice (same shape as storageConfig): consent for destructive calls.
 * KAIZEN_CONFIRM_SECRET is never checked here, so no message can quote it.
 */
export const consentConfig = {
  name: 'consent' as const,
  schema: z.object({
    KAIZEN_CONFIRM: z.enum(['destructive', 'never'], { message: 'must be destructive (ask before deleting or renaming) or never' }).default('destructive'),
    KAIZEN_CONFIRM_SECRET: z.string().optional(),
  }),
  describe: {
    KAIZEN_CONFIRM: 'destructive: deletions and renames ask the user first (elicitation, or a one-time confirm token); never: they do not',
    KAIZEN_CONFIRM_SECRET: 'signs confirm tokens; set the same value on every instance behind one load balancer (unset: random per process)',
  },
  read: (v: { KAIZEN_CONFIRM: 'destructive' | 'never'; KAIZEN_CONFIRM_SECRET?: string }) => ({ mode: v.KAIZEN_CONFIRM, secret: v.KAIZEN_CONFIRM_SECRET || undefined }),
};
