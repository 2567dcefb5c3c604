/**
 * A synthetic but realistic corpus: 20 scopes in two namespaces with multiple inheritance, entries
 * written from each scope's topic words, shared engineering words and a long tail of project-specific
 * identifiers, with word frequencies following Zipf's law as in real text. Deterministic for a seed.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    // mulberry32: small, fast, good enough for test data
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Scopes and their topic words; parents besides the namespace default. */
export const SCOPES: { scope: string; parents: string[]; topic: string }[] = [
  { scope: 'platform:kotlin', parents: [], topic: 'kotlin coroutines flow gradle android jetpack compose suspend dispatcher ktor' },
  { scope: 'platform:typescript', parents: [], topic: 'typescript node.js nodejs eslint tsconfig esm vitest pnpm monorepo types' },
  { scope: 'platform:postgres', parents: [], topic: 'postgres postgresql sql index migration vacuum transaction drizzle query planner' },
  { scope: 'platform:security', parents: [], topic: 'security secrets vault oauth token encryption tls cve audit permissions' },
  { scope: 'platform:observability', parents: [], topic: 'logging metrics tracing opentelemetry grafana alerts dashboards pino sentry latency' },
  { scope: 'platform:ci', parents: [], topic: 'ci pipeline github actions cache artifacts release docker image build' },
  { scope: 'acme:mobile', parents: ['platform:kotlin'], topic: 'mobile app ios android release store screens offline push deeplink' },
  { scope: 'acme:payments', parents: ['platform:postgres', 'platform:security'], topic: 'payment payments retries refund ledger stripe idempotency currency invoice chargeback' },
  { scope: 'acme:mobile-payments', parents: ['acme:mobile', 'acme:payments'], topic: 'wallet apple-pay google-pay checkout card tokenisation biometric receipt' },
  { scope: 'acme:web', parents: ['platform:typescript'], topic: 'web react next.js css accessibility seo ssr hydration bundle routing' },
  { scope: 'acme:web-checkout', parents: ['acme:web', 'acme:payments'], topic: 'checkout cart basket shipping coupon address form validation conversion' },
  { scope: 'acme:search', parents: ['platform:postgres'], topic: 'search ranking relevance autocomplete synonyms index typo facets query' },
  { scope: 'acme:data', parents: ['platform:postgres'], topic: 'warehouse etl dbt pipeline analytics events schema backfill partition' },
  { scope: 'acme:infra', parents: ['platform:ci', 'platform:observability'], topic: 'kubernetes terraform helm cluster autoscaling ingress dns nodes cost' },
  { scope: 'acme:identity', parents: ['platform:security'], topic: 'login sso saml session password mfa accounts signup roles' },
  { scope: 'acme:notifications', parents: ['acme:mobile'], topic: 'notifications email sms push templates throttling digest unsubscribe' },
  { scope: 'acme:admin', parents: ['acme:web'], topic: 'admin backoffice dashboard reports export csv moderation support' },
  { scope: 'acme:api', parents: ['platform:typescript', 'platform:postgres'], topic: 'api rest graphql pagination versioning rate-limit openapi webhooks errors' },
  { scope: 'acme:growth', parents: ['acme:web', 'acme:data'], topic: 'experiments a/b-testing feature-flags funnel onboarding referral pricing' },
  { scope: 'acme:support', parents: ['acme:web'], topic: 'support tickets zendesk escalation sla macros refunds customers' },
];
/** Entries also go to the three default scopes (general knowledge inherited by everything). */
const DEFAULTS = ['global:default', 'platform:default', 'acme:default'];

const COMMON = `service team code review test tests deploy production staging error errors config cache timeout retry
  queue worker job schedule database table column feature release version dependency library module package docs
  owner incident rollback monitoring performance memory cpu network request response client server user users
  data model state event handler endpoint script tool tooling branch commit merge pull-request naming convention
  decision lesson bug fix workaround flaky limit threshold default fallback backoff batch stream file path env
  secret key lock thread pool connection migration schema backup restore upgrade deprecate legacy refactor`;
const VERBS = 'use prefer avoid always never keep run check pin wrap split validate document log measure cap retry'.split(' ');
const SYLLABLES = 'ka ri to mu sen ledg or ver pay flo bex tar qui zon lum dra pel vok sta nim'.split(' ');

class Zipf {
  private readonly cumulative: number[] = [];
  constructor(readonly words: string[], exponent = 1.05) {
    let total = 0;
    for (let r = 0; r < words.length; r++) this.cumulative.push((total += 1 / (r + 1) ** exponent));
  }
  pick(rand: () => number): string {
    const x = rand() * this.cumulative[this.cumulative.length - 1]!;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return this.words[lo]!;
  }
}

export interface Corpus {
  scopes: string[];
  /** Topic words per scope, for queries that match its entries. */
  topics: Map<string, string[]>;
  common: string[];
}

/** Synthetic words standing for a scope's own subtopics and identifiers (component, table, job names). */
const subtopics = (seed: number, count: number) =>
  Array.from({ length: count }, (_, i) => `${SYLLABLES[(seed * 3 + i) % 20]}${SYLLABLES[(seed + i * 7) % 20]}${SYLLABLES[(i * 11 + seed) % 20]}`);

export function corpusShape(): Corpus {
  // A scope's vocabulary: its ten headline words, then forty rarer subtopic words.
  const topics = new Map(SCOPES.map((s, i) => [s.scope, [...s.topic.split(' '), ...subtopics(i + 3, 40)]]));
  topics.set('global:default', ['onboarding', 'conventions', 'style', 'naming', 'reviews', 'ownership', 'on-call', ...subtopics(0, 40)]);
  topics.set('platform:default', ['architecture', 'standards', 'libraries', 'upgrades', 'support-policy', ...subtopics(1, 40)]);
  topics.set('acme:default', ['acme', 'product', 'customers', 'roadmap', 'glossary', 'environments', ...subtopics(2, 40)]);
  return { scopes: [...DEFAULTS, ...SCOPES.map((s) => s.scope)], topics, common: COMMON.split(/\s+/).filter(Boolean) };
}

/** Writes the corpus as `kaizen import` JSON Lines; about 1 in 200 entries is suppressed by a newer one. */
export async function writeCorpus(path: string, entries: number, seed = 42): Promise<void> {
  const rand = random(seed);
  const shape = corpusShape();
  const rare = new Zipf(
    Array.from({ length: 6000 }, (_, i) => `${SYLLABLES[i % 20]}${SYLLABLES[(i * 7) % 20]}${SYLLABLES[(i * 13 + 3) % 20]}${i % 97}`),
  );
  const common = new Zipf(shape.common);
  const out = createWriteStream(path);
  const write = async (record: unknown) => {
    if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
  };
  await write({ type: 'namespace', name: 'platform', description: 'Engineering platform: languages, databases, security, CI.' });
  await write({ type: 'namespace', name: 'acme', description: 'Acme Corp products.' });
  for (const s of SCOPES) await write({ type: 'scope', scope: s.scope, description: `${s.topic.split(' ').slice(0, 3).join(', ')}`, parents: s.parents });

  const sizes = ['XS', 'S', 'M', 'L', 'XL'];
  const topics = new Map([...shape.topics].map(([scope, words]) => [scope, new Zipf(words, 1)]));
  const conflicts: [string, string][] = [];
  for (let i = 0; i < entries; i++) {
    const scope = shape.scopes[Math.floor(rand() * shape.scopes.length)]!;
    const topic = topics.get(scope)!;
    const pick = (n: number, from: () => string) => Array.from({ length: n }, from);
    const t = () => topic.pick(rand);
    const c = () => common.pick(rand);
    const r = () => rare.pick(rand);
    const sentence = () =>
      `${VERBS[Math.floor(rand() * VERBS.length)]} ${t()} ${c()} for ${pick(2, c).join(' ')} in ${r()} when ${pick(2, t).join(' ')} ${c()} ${r()}.`;
    const content = Array.from({ length: 1 + Math.floor(rand() * 3) }, sentence).join(' ');
    const context = [...new Set([...pick(3 + Math.floor(rand() * 4), t), ...pick(2, c), r()])].join(' ');
    const id = `e${i.toString(36).padStart(6, '0')}`;
    await write({ type: 'knowledge', id, scope, content, context, ...(rand() < 0.3 ? { task_size: sizes[Math.floor(rand() * 5)] } : {}) });
    if (i > 0 && rand() < 0.005) conflicts.push([id, `e${Math.floor(rand() * i).toString(36).padStart(6, '0')}`]);
  }
  const suppressed = new Set<string>();
  for (const [active, loser] of conflicts) {
    if (suppressed.has(loser) || suppressed.has(active) || active === loser) continue;
    suppressed.add(loser);
    await write({ type: 'conflict', active_id: active, suppressed_ids: [loser] });
  }
  out.end();
  await once(out, 'finish');
}

/** Varied tasks: a scope and three short queries from its own and its ancestors' topics. */
export function tasks(count: number, seed = 7): { scope: string; queries: string[] }[] {
  const rand = random(seed);
  const shape = corpusShape();
  const parentsOf = new Map(SCOPES.map((s) => [s.scope, s.parents]));
  const topics = new Map([...shape.topics].map(([scope, words]) => [scope, new Zipf(words, 1)]));
  const list: { scope: string; queries: string[] }[] = [];
  for (let i = 0; i < count; i++) {
    const s = SCOPES[Math.floor(rand() * SCOPES.length)]!.scope;
    const near = [s, ...(parentsOf.get(s) ?? [])];
    const word = (scope: string) => topics.get(scope)!.pick(rand);
    const queries = Array.from({ length: 3 }, () => {
      const scope = near[Math.floor(rand() * near.length)]!;
      const extra = rand() < 0.5 ? ` ${shape.common[Math.floor(rand() * shape.common.length)]}` : '';
      return `${word(scope)} ${word(scope)}${extra}`;
    });
    list.push({ scope: s, queries });
  }
  return list;
}

export function newEntry(i: number, rand: () => number): { scope: string; content: string; context: string } {
  const s = SCOPES[Math.floor(rand() * SCOPES.length)]!;
  const words = s.topic.split(' ');
  const w = () => words[Math.floor(rand() * words.length)]!;
  return {
    scope: s.scope,
    content: `Bench lesson ${i}: ${w()} needs ${w()} checks before ${w()} changes ship.`,
    context: `${w()} ${w()} ${w()} bench`,
  };
}
