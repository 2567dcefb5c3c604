import { z } from 'zod';

/**
 * The auth slice of Kaizen's configuration: whether and how HTTP requests are authenticated. A plain
 * object of the shape @kaizen/runtime's `loadConfig` composes (name, zod schema of the variables, help
 * text, reader), like storageConfig and httpConfig.
 *
 * loadConfig quotes the value of the variable an issue is reported on, so no check is ever reported on
 * KAIZEN_AUTH_INTROSPECTION_CLIENT_SECRET: the secret cannot end up in an error message or a log.
 */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https, or http on the local machine (development): OAuth 2.1 requires TLS everywhere else. */
function secureUrl(value: string): boolean {
  const url = URL.parse(value);
  if (!url || url.username || url.password || url.search || url.hash) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && (LOOPBACK.has(url.hostname) || url.hostname.startsWith('127.')));
}

const https = 'https:// (http:// only on localhost), without credentials, query or fragment';

const schema = z
  .object({
    KAIZEN_AUTH: z.enum(['none', 'oauth'], { message: 'must be none or oauth' }).optional(),
    KAIZEN_AUTH_ISSUER: z
      .string()
      .refine(secureUrl, { message: `must be the authorization server's issuer URL, ${https}, e.g. https://auth.acme.dev` })
      .optional(),
    KAIZEN_PUBLIC_URL: z
      .string()
      .refine(secureUrl, { message: `must be the URL clients reach Kaizen at, ${https}, e.g. https://kaizen.acme.dev` })
      // Canonical form without a trailing slash: the resource (`<url>/mcp`) is compared verbatim with `aud`.
      .transform((v) => new URL(v).href.replace(/\/+$/, ''))
      .optional(),
    KAIZEN_AUTH_INTROSPECTION_URL: z
      .string()
      .refine(secureUrl, {
        message: `must be the RFC 7662 introspection endpoint, ${https} (put credentials in KAIZEN_AUTH_INTROSPECTION_CLIENT_ID/_SECRET)`,
      })
      .optional(),
    KAIZEN_AUTH_INTROSPECTION_CLIENT_ID: z.string().optional(),
    // No validation on purpose: see above.
    KAIZEN_AUTH_INTROSPECTION_CLIENT_SECRET: z.string().optional(),
    KAIZEN_AUTH_GROUPS_CLAIM: z.string().min(1, { message: 'must be a claim name' }).default('groups'),
  })
  .superRefine((v, ctx) => {
    if (v.KAIZEN_AUTH_INTROSPECTION_CLIENT_SECRET !== undefined && v.KAIZEN_AUTH_INTROSPECTION_CLIENT_ID === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAIZEN_AUTH_INTROSPECTION_CLIENT_ID'],
        message: "must be set with KAIZEN_AUTH_INTROSPECTION_CLIENT_SECRET: Kaizen's client id at the authorization server",
      });
    }
    if (modeOf(v) !== 'oauth') return;
    if (!v.KAIZEN_PUBLIC_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAIZEN_PUBLIC_URL'],
        message:
          'must be set when OAuth is on (KAIZEN_AUTH=oauth or KAIZEN_AUTH_ISSUER set): the URL clients reach Kaizen at, e.g. https://kaizen.acme.dev; tokens must be issued for <url>/mcp',
      });
    }
    if (!v.KAIZEN_AUTH_ISSUER && !v.KAIZEN_AUTH_INTROSPECTION_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['KAIZEN_AUTH_ISSUER'],
        message:
          "must be set when KAIZEN_AUTH=oauth: the authorization server's issuer URL, e.g. https://auth.acme.dev (or set KAIZEN_AUTH_INTROSPECTION_URL for opaque tokens)",
      });
    }
  });

type Vars = z.output<typeof schema>;

/** Unset KAIZEN_AUTH means oauth as soon as an issuer is configured: setting one is the intent. */
const modeOf = (v: Pick<Vars, 'KAIZEN_AUTH' | 'KAIZEN_AUTH_ISSUER'>) => v.KAIZEN_AUTH ?? (v.KAIZEN_AUTH_ISSUER ? 'oauth' : 'none');

export interface AuthSettings {
  /** none: no authentication (loopback and trusted networks); oauth: every MCP request needs a token. */
  mode: 'none' | 'oauth';
  /** KAIZEN_AUTH=none was said explicitly: the HTTP server may then serve off loopback without authentication. */
  disabledExplicitly: boolean;
  issuer?: string;
  /** The base URL clients reach Kaizen at, canonical, without a trailing slash. */
  publicUrl?: string;
  /** `${publicUrl}/mcp`: the resource tokens must be issued for (RFC 8707) and RFC 9728's `resource`. */
  resource?: string;
  introspection?: { url: string; clientId?: string; clientSecret?: string };
  groupsClaim: string;
}

export const authConfig = {
  name: 'auth' as const,
  schema,
  describe: {
    KAIZEN_AUTH:
      'none: no authentication; oauth: MCP requests need an OAuth access token or a Kaizen API key; unset: oauth when KAIZEN_AUTH_ISSUER is set, else none',
    KAIZEN_AUTH_ISSUER: "the OAuth authorization server's issuer URL; its metadata gives the keys JWT access tokens are verified with",
    KAIZEN_PUBLIC_URL: 'the URL clients reach Kaizen at (https://kaizen.acme.dev); tokens must be issued for <url>/mcp',
    KAIZEN_AUTH_INTROSPECTION_URL: "the authorization server's token introspection endpoint (RFC 7662), for opaque access tokens",
    KAIZEN_AUTH_INTROSPECTION_CLIENT_ID: "Kaizen's client id at the authorization server, for introspection",
    KAIZEN_AUTH_INTROSPECTION_CLIENT_SECRET: "Kaizen's client secret at the authorization server, for introspection",
    KAIZEN_AUTH_GROUPS_CLAIM: "the access token claim that lists the user's groups",
  },
  read: (v: Vars): AuthSettings => ({
    mode: modeOf(v),
    disabledExplicitly: v.KAIZEN_AUTH === 'none',
    issuer: v.KAIZEN_AUTH_ISSUER,
    publicUrl: v.KAIZEN_PUBLIC_URL,
    resource: v.KAIZEN_PUBLIC_URL === undefined ? undefined : `${v.KAIZEN_PUBLIC_URL}/mcp`,
    introspection: v.KAIZEN_AUTH_INTROSPECTION_URL
      ? {
          url: v.KAIZEN_AUTH_INTROSPECTION_URL,
          clientId: v.KAIZEN_AUTH_INTROSPECTION_CLIENT_ID,
          clientSecret: v.KAIZEN_AUTH_INTROSPECTION_CLIENT_SECRET,
        }
      : undefined,
    groupsClaim: v.KAIZEN_AUTH_GROUPS_CLAIM,
  }),
};

/**
 * The stdio server's slice: stdio takes credentials from the environment, never OAuth. Unset, the local
 * user owns everything; a Kaizen API key makes a stdio server on a shared PostgreSQL act as that key's
 * principal with its scopes and grants. Not checked here: loadConfig would quote the value of a refused
 * variable, and the key is a secret. The server verifies it once the database is open.
 */
export const stdioAuthConfig = {
  name: 'stdioAuth' as const,
  schema: z.object({ KAIZEN_API_KEY: z.string().optional() }),
  describe: {
    KAIZEN_API_KEY: 'a Kaizen API key (kzn_..., from `kaizen keys create`): act as its principal instead of the local owner',
  },
  read: (v: { KAIZEN_API_KEY?: string }) => ({ apiKey: v.KAIZEN_API_KEY || undefined }),
};
