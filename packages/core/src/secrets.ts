/**
 * Credential check for knowledge entries: `writeKnowledge` and `updateKnowledge` refuse content or
 * context that contains a secret, before the store is touched. Entries are shared with every agent of
 * a team, so a token pasted into one would leak to all of them.
 *
 * Detection is secretlint's recommended preset (`@secretlint/secretlint-rule-preset-recommend`, run
 * through `@secretlint/core`'s `lintSource`): private keys (PEM, OpenSSH), GCP service account key
 * JSON, AWS keys, GitHub, GitLab, Slack (tokens and webhooks), npm, OpenAI, Anthropic, Groq, Hugging
 * Face, Stripe, SendGrid, Shopify, Grafana, Linear, Notion, 1Password, Vault, Vercel, Databricks,
 * Docker, Figma, Cloudflare and Tailscale tokens, passwords in http(s)/ftp URLs and in PostgreSQL,
 * MySQL and MongoDB connection strings. It is configured to also report AWS access key ids (off by
 * default in the preset) but not AWS account ids (an identifier, not a credential), and to ignore
 * `secretlint-disable` comments (a directive in an entry must not switch the check off).
 *
 * OWN_RULES below cover only what the preset has no rule for: JWTs, passwords in URLs of the other
 * schemes (redis, amqp, smtp, ...) or with characters the preset's URL pattern does not accept, and
 * in `password=` query parameters, credentials in Authorization headers (Basic, Bearer), and npm
 * `_authToken=` lines (the preset checks those only in files named `.npmrc`). Like the preset's, they
 * let placeholders through (`${PASSWORD}`, `<token>`, `user:password`, `xxxx`): ordinary
 * documentation of a format is not a leak.
 *
 * Nothing here keeps, logs or returns a secret: the linter masks what it reports (`maskSecrets`), and a
 * finding is a kind ("an AWS access key ID") and a position.
 *
 * Cost (measured on Node 20 with a scratch script: this file bundled with esbuild, `findSecrets`
 * timed over 2,000 runs after 200 warm-up runs; no test asserts timings): the modules load on the
 * first check, ~30 ms, lazily so that processes that never write do not pay for them. After that the
 * config and rule list are reused and a check only builds secretlint's per-run rule contexts:
 * 0.06-0.08 ms for a typical 500-character entry, ~0.3 ms for 20,000 characters (the content limit),
 * at most ~2 ms for 20,000 characters crafted against the patterns (all are bounded, no backtracking
 * blow-up). Well under the ~2 ms budget for ordinary entries, so there is no prefilter. Switching
 * secretlint's profiler off (silenceProfiler) matters more: with it on a check costs about twice as
 * much and leaks timeline entries.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { KaizenError } from '@kaizen/domain';
import type { lintSource as LintSource } from '@secretlint/core';

/** Where a secret was found: a kind for people ("a private key") and a 1-based position. */
export interface SecretFinding {
  /** What it is, with its article: "an AWS access key ID", "a password in a URL". */
  kind: string;
  /** The rule that found it: a secretlint rule id, or `kaizen/<name>` for the rules of this file. */
  rule: string;
  /** 1-based line. */
  line: number;
  /** 1-based column, in characters (code points) from the start of the line. */
  column: number;
  /** UTF-16 offset of the start of the secret in the text; positions only, never the text itself. */
  offset: number;
}

/** A field of a write or update, and its text (undefined: not being changed, not checked). */
export interface CheckedField {
  field: string;
  text: string | undefined;
}

const NEXT_STEP =
  'Remove the secret, or describe where it is kept instead, e.g. "the deploy key is in the team vault". Nothing was written.';

/**
 * Throws `KaizenError('INVALID_INPUT')` if one of the fields contains a credential. The message names
 * the field, the kind of secret and where it is (line and column), and what to do; `details` has
 * `{ field, kind, line, column, rule }` for the first secret and `others` for the rest (at most 10).
 * Neither contains any part of a secret.
 */
export async function assertNoSecrets(fields: readonly CheckedField[]): Promise<void> {
  const found: (SecretFinding & { field: string })[] = [];
  for (const { field, text } of fields) {
    if (!text) continue;
    for (const finding of await findSecrets(text)) found.push({ field, ...finding });
  }
  const [first, ...rest] = found;
  if (!first) return;
  const where = (f: SecretFinding) => `line ${f.line}, column ${f.column}`;
  const also = rest.length
    ? ` (and ${rest.length} more: ${rest
        .slice(0, 3)
        .map((f) => `${f.field === first.field ? '' : `${f.field}: `}${f.kind} at ${where(f)}`)
        .join('; ')}${rest.length > 3 ? '; ...' : ''})`
    : '';
  throw new KaizenError('INVALID_INPUT', `${first.field}: contains ${first.kind} at ${where(first)}${also}. ${NEXT_STEP}`, {
    field: first.field,
    kind: first.kind,
    line: first.line,
    column: first.column,
    rule: first.rule,
    ...(rest.length ? { others: rest.slice(0, 10).map(({ field, kind, line, column }) => ({ field, kind, line, column })) } : {}),
  });
}

/** The credentials in a text, in the order they appear. */
export async function findSecrets(text: string): Promise<SecretFinding[]> {
  if (!text) return [];
  const { lint } = await loadEngine();
  const spans: Span[] = await lint(text);
  // Own rules only where no preset finding (or earlier own finding) already covers the same characters.
  for (const rule of OWN_RULES) {
    for (const span of rule.find(text)) {
      if (!spans.some((s) => span.start < s.end && s.start < span.end)) spans.push(span);
    }
  }
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  const lines = lineStarts(text);
  const seen = new Set<string>();
  const findings: SecretFinding[] = [];
  for (const span of spans) {
    const key = `${span.start}:${span.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({ kind: span.kind, rule: span.rule, offset: span.start, ...position(text, lines, span.start) });
  }
  return findings;
}

// ---------- the preset, loaded once ----------

interface Span {
  kind: string;
  rule: string;
  start: number;
  end: number;
}

interface Engine {
  lint(text: string): Promise<Span[]>;
}

type CoreConfig = Parameters<typeof LintSource>[0]['options']['config'];

let engine: Promise<Engine> | undefined;

/** The module-level singleton: modules imported and config built on first use; retried if that failed. */
function loadEngine(): Promise<Engine> {
  engine ??= createEngine().catch((error: unknown) => {
    engine = undefined;
    throw error;
  });
  return engine;
}

const PRESET_PREFIX = '@secretlint/secretlint-rule-';

async function createEngine(): Promise<Engine> {
  const [{ lintSource }, { rules: presetRules }] = await Promise.all([
    import('@secretlint/core'),
    import('@secretlint/secretlint-rule-preset-recommend'),
  ]);
  await silenceProfiler();
  // The preset's rules, registered one by one rather than through the preset: secretlint 13.1 ignores
  // `disabled` for a rule configured inside a preset, and the comment filter must not run.
  const overrides: Record<string, { options?: Record<string, unknown>; allowMessageIds?: string[] }> = {
    // Access key ids (AKIA...) are reported only with enableIDScanRule; account ids are not secrets.
    [`${PRESET_PREFIX}aws`]: { options: { enableIDScanRule: true }, allowMessageIds: ['AWSAccountID'] },
  };
  const config: CoreConfig = {
    rules: presetRules
      .filter((rule) => rule.meta.id !== `${PRESET_PREFIX}filter-comments`)
      .map((rule) => ({ id: rule.meta.id, rule, ...overrides[rule.meta.id] })),
  };
  return {
    async lint(text) {
      // The GCP rule reads service account keys only from JSON sources; other rules ignore the extension.
      const ext = /^\s*\{/.test(text) ? '.json' : '.txt';
      const result = await lintSource({
        source: { content: text, filePath: '', ext, contentType: 'text' },
        options: { config, maskSecrets: true, noPhysicFilePath: true },
      });
      // secretlint drops a leading BOM before linting; its ranges are relative to the rest.
      const shift = text.charCodeAt(0) === 0xfeff ? 1 : 0;
      return result.messages.map((m) => ({
        kind: presetKind(m.ruleId, m.messageId),
        rule: m.ruleId,
        start: m.range[0] + shift,
        end: m.range[1] + shift,
      }));
    },
  };
}

/**
 * secretlint's profiler is on by default: every run adds ~60 `performance.mark` entries to the global
 * performance timeline and to the profiler's own list, a leak in a server that runs for weeks (and
 * about 40% of the cost of a check). It lives in `@secretlint/profiler`, a dependency of the core that
 * is not ours, so it is resolved from the core's own location (the same module instance the core uses).
 */
async function silenceProfiler(): Promise<void> {
  try {
    const corePath = createRequire(import.meta.url).resolve('@secretlint/core');
    const profilerPath = createRequire(corePath).resolve('@secretlint/profiler');
    const profiler = (await import(pathToFileURL(profilerPath).href)) as {
      secretLintProfiler?: { setEnabled?: (enabled: boolean) => void };
    };
    profiler.secretLintProfiler?.setEnabled?.(false);
  } catch {
    // A secretlint without this profiler: nothing to switch off.
  }
}

/** What each message of the preset reports, for the refusal's message (never the message itself: it quotes the secret). */
const PRESET_KINDS: Record<string, string> = {
  'aws/AWSAccessKeyID': 'an AWS access key ID',
  'aws/AWSSecretAccessKey': 'an AWS secret access key',
  'aws/AWSAccountID': 'an AWS account ID',
  'gcp/PrivateKeyJSON': 'a GCP service account key',
  'gcp/PrivateKeyP12': 'a GCP service account key',
  'privatekey/PrivateKey': 'a private key',
  'npm/NPM_ACCESS_TOKEN': 'an npm access token',
  'npm/Npmrc_authToken': 'an npm auth token',
  'npm/PackageJSON_xOauthToken': 'a GitHub OAuth token in a URL',
  'basicauth/BasicAuth': 'a password in a URL',
  'slack/SLACK_TOKEN': 'a Slack token',
  'slack/IncomingWebhook': 'a Slack incoming webhook URL',
  'sendgrid/SENDGRID_KEY': 'a SendGrid API key',
  'shopify/SHOPIFY_KEY': 'a Shopify API key',
  'stripe/STRIPE_SECRET_KEY_LIVE': 'a Stripe live secret key',
  'stripe/STRIPE_SECRET_KEY_TEST': 'a Stripe test secret key',
  'stripe/STRIPE_RESTRICTED_KEY_LIVE': 'a Stripe live restricted key',
  'stripe/STRIPE_RESTRICTED_KEY_TEST': 'a Stripe test restricted key',
  'github/GITHUB_TOKEN': 'a GitHub token',
  'gitlab/GITLAB_PERSONAL_ACCESS_TOKEN': 'a GitLab personal access token',
  'grafana/GRAFANA_CLOUD_API_TOKEN': 'a Grafana Cloud API token',
  'grafana/GRAFANA_SERVICE_ACCOUNT_TOKEN': 'a Grafana service account token',
  'openai/OPENAI_TOKEN': 'an OpenAI API key',
  'anthropic/ANTHROPIC_API_KEY': 'an Anthropic API key',
  'groq/GROQ_API_KEY': 'a Groq API key',
  'huggingface/HUGGINGFACE_USER_ACCESS_TOKEN': 'a Hugging Face access token',
  'linear/LINEAR_API_TOKEN': 'a Linear API key',
  'notion/NOTION_INTEGRATION_TOKEN': 'a Notion integration token',
  '1password/OPS_TOKEN': 'a 1Password service account token',
  'database-connection-string/PostgreSQLConnection': 'a password in a PostgreSQL URL',
  'database-connection-string/MySQLConnection': 'a password in a MySQL URL',
  'database-connection-string/MongoDBConnection': 'a password in a MongoDB URL',
  'hashicorp-vault/HASHICORP_VAULT_SERVICE_TOKEN': 'a HashiCorp Vault service token',
  'hashicorp-vault/HASHICORP_VAULT_BATCH_TOKEN': 'a HashiCorp Vault batch token',
  'hashicorp-vault/HASHICORP_VAULT_RECOVERY_TOKEN': 'a HashiCorp Vault recovery token',
  'vercel/VERCEL_PERSONAL_ACCESS_TOKEN': 'a Vercel personal access token',
  'vercel/VERCEL_INTEGRATION_TOKEN': 'a Vercel integration token',
  'vercel/VERCEL_APP_ACCESS_TOKEN': 'a Vercel app access token',
  'vercel/VERCEL_APP_REFRESH_TOKEN': 'a Vercel app refresh token',
  'vercel/VERCEL_AI_GATEWAY_API_KEY': 'a Vercel AI Gateway API key',
  'databricks/DATABRICKS_PERSONAL_ACCESS_TOKEN': 'a Databricks personal access token',
  'docker/DOCKER_PERSONAL_ACCESS_TOKEN': 'a Docker personal access token',
  'figma/FIGMA_PERSONAL_ACCESS_TOKEN': 'a Figma personal access token',
  'cloudflare/CLOUDFLARE_GLOBAL_API_KEY': 'a Cloudflare global API key',
  'cloudflare/CLOUDFLARE_USER_API_TOKEN': 'a Cloudflare user API token',
  'cloudflare/CLOUDFLARE_ACCOUNT_API_TOKEN': 'a Cloudflare account API token',
  'tailscale/TAILSCALE_API_KEY': 'a Tailscale API access token',
  'tailscale/TAILSCALE_AUTH_KEY': 'a Tailscale auth key',
  'tailscale/TAILSCALE_CLIENT_KEY': 'a Tailscale OAuth client secret',
  'tailscale/TAILSCALE_SCIM_KEY': 'a Tailscale SCIM key',
  'tailscale/TAILSCALE_WEBHOOK_KEY': 'a Tailscale webhook key',
  'tailscale/TAILSCALE_KEY': 'a Tailscale key',
};

/** The kind for a preset message; a rule added by a newer preset still gets a name. */
export function presetKind(ruleId: string, messageId: string): string {
  const rule = ruleId.startsWith(PRESET_PREFIX) ? ruleId.slice(PRESET_PREFIX.length) : ruleId;
  return PRESET_KINDS[`${rule}/${messageId}`] ?? `a credential (secretlint rule "${rule}")`;
}

// ---------- own rules: only where the preset has none ----------

interface OwnRule {
  name: string;
  find(text: string): Span[];
}

/** Template variables and masked values: `${PASSWORD}`, `{{token}}`, `<password>`, `%PASS%`, `$TOKEN`, `$(pass)`, `****`, `xxxx`, `...`. */
const TEMPLATE = /\$\{[^}]{0,50}\}|\{\{[^}]{0,50}\}\}|\{[^}]{1,50}\}|<[^>]{1,50}>|%[A-Z_]{1,30}%|\$[A-Z_]{2,}|\$\(|\*{3}|[xX]{4}|\.{3}|…/;
/** Words that mark a documentation placeholder wherever they appear in a value. */
const PLACEHOLDER_WORDS = /password|passwd|your|example|placeholder|redacted|changeme|replace|dummy|sample|insert|token_here/i;
/** Values that are placeholders when they are the whole value (the preset's list, plus a few). */
const PLACEHOLDER_VALUES = new Set(['pass', 'pwd', 'pw', 'secret', 'mysecret', 'root', 'admin', 'user', 'username', 'test', 'token', 'apikey', 'api_key', 'key']);

/** A value that documents a format rather than being one: a template, a mask, a placeholder word. */
function isPlaceholder(value: string): boolean {
  return (
    TEMPLATE.test(value) ||
    PLACEHOLDER_WORDS.test(value) ||
    PLACEHOLDER_VALUES.has(value.toLowerCase()) ||
    /^(.)\1*$/.test(value) // "aaaa", "1111", "****"
  );
}

/** A user and password pair that looks real (the preset's heuristics: 4+ characters, not a placeholder, not user = password). */
const isRealCredential = (user: string, password: string): boolean =>
  password.length >= 4 && password !== user && !isPlaceholder(password) && !TEMPLATE.test(user);

/** Spans of a pattern's first group, kept when `accept(group, match)` says so. The pattern needs the g and d flags. */
function groupSpans(text: string, pattern: RegExp, rule: string, kind: string, accept: (m: RegExpExecArray) => boolean): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(pattern)) {
    const at = m.indices?.[1] ?? m.indices?.[0];
    if (!at || !accept(m)) continue;
    spans.push({ kind, rule, start: at[0], end: at[1] });
  }
  return spans;
}

function decodeBase64(value: string, encoding: 'base64' | 'base64url'): string | undefined {
  const decoded = Buffer.from(value, encoding).toString('utf8');
  // Text only: binary data decodes to replacement or control characters.
  return /^[\x20-\x7e\u00a0-\uffff]*$/.test(decoded) && !decoded.includes('\ufffd') ? decoded : undefined;
}

/**
 * JWT (`eyJ<header>.eyJ<payload>.<signature>`): the preset has none (it matches JWTs only inside
 * GitHub app and Grafana tokens). The header must decode to a JSON object with an "alg", and the
 * signature must be there: an unsigned token authenticates nothing.
 */
const JWT = /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{5,1000}\.eyJ[A-Za-z0-9_-]{5,8000}\.[A-Za-z0-9_-]{16,1000})(?![A-Za-z0-9_-])/dg;
const isJwt = (token: string): boolean => {
  try {
    const header: unknown = JSON.parse(decodeBase64(token.slice(0, token.indexOf('.')), 'base64url') ?? '');
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
};

/**
 * `scheme://user:password@host`: the preset checks http(s) and ftp(s) URLs with letters, digits, "-"
 * and "_" only in the password, and PostgreSQL, MySQL and MongoDB URLs; this one takes every scheme
 * (redis, amqp, smtp, ldap, ...) and password. Overlapping preset findings win.
 */
const URL_CREDENTIALS = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,31}:\/\/([^\s:/?#@'"]{0,128}:[^\s/?#@'"]{1,256})@(?=[A-Za-z0-9[])/dg;
const urlCredential = (m: RegExpExecArray): boolean => {
  const userinfo = m[1] ?? '';
  const colon = userinfo.indexOf(':');
  return isRealCredential(userinfo.slice(0, colon), userinfo.slice(colon + 1));
};

/** `?password=...` / `&pwd=...` in a URL's query (JDBC and ODBC URLs, some drivers); the preset has none. */
const QUERY_PASSWORD = /[?&;](?:password|passwd|pwd)=([^\s&#;'"]{4,256})/dgi;

/** `Authorization: Basic <base64 of user:password>`: the preset has no header rule. Decoded and held to the URL rule's heuristics. */
const BASIC_AUTH = /\bauthorization\b["']?\s{0,4}[:=]\s{0,4}["']?basic\s{1,4}([A-Za-z0-9+/]{6,1024}={0,2})(?![A-Za-z0-9+/=])/dgi;
const basicCredential = (m: RegExpExecArray): boolean => {
  const decoded = decodeBase64(m[1] ?? '', 'base64');
  const colon = decoded?.indexOf(':') ?? -1;
  return decoded !== undefined && colon > 0 && isRealCredential(decoded.slice(0, colon), decoded.slice(colon + 1));
};

/**
 * `Authorization: Bearer <token>` with a literal token: the preset has none. 20+ characters with a
 * letter and a digit, so that `Bearer $TOKEN`, `Bearer <token>` and `Bearer YOUR_ACCESS_TOKEN` pass.
 */
const BEARER = /\bauthorization\b["']?\s{0,4}[:=]\s{0,4}["']?bearer\s{1,4}([A-Za-z0-9._~+/-]{20,2048}={0,2})(?![A-Za-z0-9._~+/=-])/dgi;
const bearerToken = (m: RegExpExecArray): boolean => {
  const token = m[1] ?? '';
  return /[A-Za-z]/.test(token) && /\d/.test(token) && !/^[A-Z0-9_]+$/.test(token) && !isPlaceholder(token);
};

/**
 * `_authToken=` / `_auth=` (.npmrc): the preset's npm rule reads these only in files named `.npmrc`,
 * and our text has no file name. `_authToken=${NPM_TOKEN}` passes.
 */
const NPM_AUTH = /(?<![A-Za-z0-9_])_auth(?:Token)?\s{0,4}=\s{0,4}["']?([A-Za-z0-9._~+/=-]{16,512})/dg;

const OWN_RULES: readonly OwnRule[] = [
  { name: 'kaizen/jwt', find: (t) => groupSpans(t, JWT, 'kaizen/jwt', 'a JWT (JSON Web Token)', (m) => isJwt(m[1] ?? '')) },
  { name: 'kaizen/url-credentials', find: (t) => groupSpans(t, URL_CREDENTIALS, 'kaizen/url-credentials', 'a password in a URL', urlCredential) },
  {
    name: 'kaizen/url-query-password',
    find: (t) => groupSpans(t, QUERY_PASSWORD, 'kaizen/url-query-password', 'a password in a URL', (m) => !isPlaceholder(m[1] ?? '')),
  },
  {
    name: 'kaizen/basic-auth-header',
    find: (t) => groupSpans(t, BASIC_AUTH, 'kaizen/basic-auth-header', 'a basic-auth credential in an Authorization header', basicCredential),
  },
  {
    name: 'kaizen/bearer-header',
    find: (t) => groupSpans(t, BEARER, 'kaizen/bearer-header', 'a bearer token in an Authorization header', bearerToken),
  },
  {
    name: 'kaizen/npm-auth',
    find: (t) => groupSpans(t, NPM_AUTH, 'kaizen/npm-auth', 'an npm auth token', (m) => !isPlaceholder(m[1] ?? '')),
  },
];

/** The names of the own rules (for tests and documentation). */
export const OWN_RULE_NAMES: readonly string[] = OWN_RULES.map((r) => r.name);

// ---------- positions ----------

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function position(text: string, starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  const lineStart = starts[lo]!;
  // Characters, not UTF-16 units: an emoji earlier on the line counts once (input has no unpaired surrogates).
  const before = text.slice(lineStart, offset);
  return { line: lo + 1, column: before.length - (before.match(/[\uDC00-\uDFFF]/g)?.length ?? 0) + 1 };
}
