import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { isKaizenError, type KaizenError } from '@kaizen/domain';
import { rules as presetRules } from '@secretlint/secretlint-rule-preset-recommend';
import { createCallContext } from './context.js';
import { createKaizen } from './service.js';
import { findSecrets, OWN_RULE_NAMES, presetKind } from './secrets.js';
import type { KnowledgePatch, KnowledgeRecord, KnowledgeStore, NewKnowledge } from './store.js';

const ctx = createCallContext();

/** An in-memory store with the two methods these use cases reach; any other call fails the test. */
function memoryStore() {
  const entries = new Map<string, KnowledgeRecord>();
  const calls: string[] = [];
  const fake: Record<string, unknown> = {
    async writeKnowledge(entry: NewKnowledge): Promise<KnowledgeRecord> {
      calls.push('writeKnowledge');
      const record = { ...entry, createdAt: new Date(), updatedAt: new Date() };
      entries.set(record.id, record);
      return record;
    },
    async updateKnowledge(id: string, patch: KnowledgePatch): Promise<KnowledgeRecord> {
      calls.push('updateKnowledge');
      const old = entries.get(id);
      if (!old) throw new Error(`no entry ${id}`);
      const record: KnowledgeRecord = {
        ...old,
        content: patch.content ?? old.content,
        context: patch.context ?? old.context,
        scope: patch.scope ?? old.scope,
        taskSize: patch.taskSize === undefined ? old.taskSize : patch.taskSize,
        updatedAt: new Date(),
      };
      entries.set(id, record);
      return record;
    },
  };
  const store = new Proxy(fake, {
    get: (target, prop) =>
      prop === 'then'
        ? undefined
        : (target[prop as string] ??
          (() => {
            calls.push(String(prop));
            throw new Error(`store.${String(prop)} was called`);
          })),
  }) as unknown as KnowledgeStore;
  return { store, entries, calls };
}

async function failure(run: () => Promise<unknown>): Promise<KaizenError> {
  const error = await run().then(
    () => null,
    (e: unknown) => e,
  );
  expect(isKaizenError(error), String(error)).toBe(true);
  return error as KaizenError;
}

// Fake credentials in the forms the rules match, mostly from the rules' own test fixtures and the
// vendors' documentation. `secrets` are the sensitive parts, which no error may repeat.
const PEM_BODY = [
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACAxSChbEXO6DKOLpzlLEaypbXSwfRqlS8UnaSHWR8HaIgAAAKDFNoOuxTaD',
  'rgAAAAtzc2gtZWQyNTUxOQAAACAxSChbEXO6DKOLpzlLEaypbXSwfRqlS8UnaSHWR8HaIg',
  'AAAED60CTqztyUP+21tY2Y9nxeowVJMhYVkr/DK8x6i5mPTTFIKFsRc7oMo4unOUsRrKlt',
  'dLB9GqVLxSdpIdZHwdoiAAAAGGF6dUBBWi1NYWNCb29rLVByby5sb2NhbAECAwQF',
];
const PEM = ['-----BEGIN OPENSSH PRIVATE KEY-----', ...PEM_BODY, '-----END OPENSSH PRIVATE KEY-----'].join('\n');
const GCP_KEY = JSON.stringify(
  {
    type: 'service_account',
    project_id: 'acme-ci',
    private_key_id: '3f2a9c1d7b4e4c2a9f1e8d7c6b5a4f3e2d1c0b9a',
    private_key: `-----BEGIN PRIVATE KEY-----\n${'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvuNMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s'}\n-----END PRIVATE KEY-----\n`,
    client_email: 'ci@acme-ci.iam.gserviceaccount.com',
  },
  null,
  2,
);
const JWT_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

interface SecretCase {
  name: string;
  text: string;
  secrets: string[];
  kind: string;
  line: number;
  column: number;
}

const SECRETS: SecretCase[] = [
  // secretlint's recommended preset
  { name: 'AWS access key id', text: 'The deploy user key is AKIAI44QH8DHBEXAMPLE for prod.', secrets: ['AKIAI44QH8DHBEXAMPLE'], kind: 'an AWS access key ID', line: 1, column: 24 },
  { name: 'AWS secret access key', text: 'In ~/.aws/credentials:\naws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY', secrets: ['je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY'], kind: 'an AWS secret access key', line: 2, column: 1 },
  { name: 'OpenSSH private key', text: `The deploy key:\n\n${PEM}`, secrets: PEM_BODY, kind: 'a private key', line: 3, column: 1 },
  { name: 'GCP service account key', text: GCP_KEY, secrets: ['3f2a9c1d7b4e4c2a9f1e8d7c6b5a4f3e2d1c0b9a', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEA'], kind: 'a GCP service account key', line: 1, column: 1 },
  { name: 'GitHub token', text: 'CI pushes with GH_TOKEN=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', secrets: ['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'], kind: 'a GitHub token', line: 1, column: 25 },
  { name: 'Slack bot token', text: 'bot-token=xoxb-23984754863-2348975623000-AAAAANzjawSSE9krECohd', secrets: ['xoxb-23984754863-2348975623000-AAAAANzjawSSE9krECohd'], kind: 'a Slack token', line: 1, column: 11 },
  { name: 'npm token', text: 'Publish with 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 from the release job.', secrets: ['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'], kind: 'an npm access token', line: 1, column: 14 },
  { name: 'OpenAI key', text: 'OPENAI_API_KEY=sk-sUeBP9asw6GiYHXqtg70T3BlbkFJJuLwJFco90bOpU0Ntest', secrets: ['sk-sUeBP9asw6GiYHXqtg70T3BlbkFJJuLwJFco90bOpU0Ntest'], kind: 'an OpenAI API key', line: 1, column: 16 },
  {
    name: 'Anthropic key',
    text: "ANTHROPIC_API_KEY='sk-ant-api03-z0zjHHXo5uibD2havvfqiZYJe9ENlwI1trcQC4pyRC2N2w6nbpUitUU_iR4kkSszVyUpINaxvCtun3_Mub0O3w-48GXRgAA'",
    secrets: ['sk-ant-api03-z0zjHHXo5uibD2havvfqiZYJe9ENlwI1trcQC4pyRC2N2w6nbpUitUU_iR4kkSszVyUpINaxvCtun3_Mub0O3w-48GXRgAA'],
    kind: 'an Anthropic API key',
    line: 1,
    column: 20,
  },
  { name: 'Stripe key', text: 'Stripe: sk_test_4eC39HqLyjWDarjtT1zdp7dc', secrets: ['sk_test_4eC39HqLyjWDarjtT1zdp7dc'], kind: 'a Stripe test secret key', line: 1, column: 9 },
  { name: 'PostgreSQL password', text: 'DATABASE_URL=postgres://app:Xk9vR2mQ7tLw@db.internal:5432/orders', secrets: ['Xk9vR2mQ7tLw'], kind: 'a password in a PostgreSQL URL', line: 1, column: 14 },
  // this module's own rules
  { name: 'JWT', text: `Session for the e2e user:\n  ${JWT_TOKEN}`, secrets: [JWT_TOKEN, JWT_TOKEN.split('.')[2]!], kind: 'a JWT (JSON Web Token)', line: 2, column: 3 },
  { name: 'redis password', text: 'REDIS_URL=redis://:n7Qe4Lp2Vz@cache.internal:6379/0', secrets: ['n7Qe4Lp2Vz'], kind: 'a password in a URL', line: 1, column: 19 },
  { name: 'amqp password with a $', text: 'BROKER=amqp://svc:Pa$sw0rd9@mq.internal:5672', secrets: ['Pa$sw0rd9'], kind: 'a password in a URL', line: 1, column: 15 },
  { name: 'https password with symbols', text: 'git clone https://deploy:S3cr3t!Pa55@git.internal.example/acme/app.git', secrets: ['S3cr3t!Pa55'], kind: 'a password in a URL', line: 1, column: 19 },
  { name: 'JDBC password parameter', text: 'jdbc:sqlserver://db:1433;databaseName=app?user=svc&password=Tr0ub4dor3x', secrets: ['Tr0ub4dor3x'], kind: 'a password in a URL', line: 1, column: 61 },
  { name: 'basic-auth header', text: 'curl -H "Authorization: Basic ZGVwbG95OlMzY3IzdCFQYTU1" https://ci.internal/api', secrets: ['ZGVwbG95OlMzY3IzdCFQYTU1', 'S3cr3t!Pa55'], kind: 'a basic-auth credential in an Authorization header', line: 1, column: 31 },
  { name: 'bearer header', text: "headers: { Authorization: 'Bearer 8f1c2e7a9b3d4f60a1b2c3d4e5f60718' }", secrets: ['8f1c2e7a9b3d4f60a1b2c3d4e5f60718'], kind: 'a bearer token in an Authorization header', line: 1, column: 35 },
  { name: 'npmrc auth token', text: '.npmrc:\n//registry.npmjs.org/:_authToken=4f1c2e7a-9b3d-4f60-a1b2-c3d4e5f60718', secrets: ['4f1c2e7a-9b3d-4f60-a1b2-c3d4e5f60718'], kind: 'an npm auth token', line: 2, column: 34 },
];

const BENIGN: [string, string][] = [
  ['an SDK mention', 'Use the AWS SDK v3 client with retries (maxAttempts 3, adaptive mode) for S3 uploads.'],
  ['an environment variable name', 'set API_KEY in the environment; the client reads process.env.API_KEY at start-up.'],
  ['a URL without credentials', 'The dev database is postgres://localhost:5432/dev; staging is https://staging.acme.io/api.'],
  ['token lifetimes', 'The token expires after 15 minutes; refresh it with the refresh token before it does.'],
  ['a UUID', 'Request 3f2a9c1d-7b4e-4c2a-9f1e-8d7c6b5a4f3e failed with a 502 from the gateway.'],
  ['a git SHA', 'The regression came in with commit 9fceb02d0ae598e95dc970b74767f19372d61af8; revert it first.'],
  ['a base64 image placeholder', 'Use <img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="> as the placeholder.'],
  ['a documented connection string format', 'Connection strings look like postgres://user:password@host:5432/db; pass ${DATABASE_URL} instead.'],
  ['header templates', 'Send Authorization: Bearer <token> (Bearer $GITHUB_TOKEN in CI), never Authorization: Basic dXNlcm5hbWU6cGFzc3dvcmQ= in code.'],
  ['where a key is kept', 'The deploy key (-----BEGIN OPENSSH PRIVATE KEY-----) is in the team vault under "deploy/prod".'],
  ['AWS documentation example key', 'AWS examples use AKIAIOSFODNN7EXAMPLE as the access key id.'],
  ['an npmrc with a variable', '//registry.npmjs.org/:_authToken=${NPM_TOKEN} goes in .npmrc; CI sets NPM_TOKEN.'],
  ['a local database default', 'Locally, docker compose starts postgres://postgres:postgres@localhost:5432/app.'],
  ['a truncated JWT', 'A JWT looks like eyJhbGciOi... (header.payload.signature); decode it with jwt.io.'],
  ['an AWS account id', 'AWS account: 123456789012 (the shared services account).'],
  ['git remotes', 'Clone with ssh://git@github.com/acme/app.git or git@github.com:acme/app.git.'],
];

/** The error repeats neither a secret nor its first five characters, in its message or details. */
function expectNoLeak(error: KaizenError, secrets: string[]): void {
  const shown = `${error.message}\n${JSON.stringify(error.details)}`;
  for (const secret of secrets) {
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain(secret.slice(0, 5));
  }
}

describe('writeKnowledge refuses credentials', () => {
  it.each(SECRETS.map((c) => [c.name, c] as const))('refuses %s in content, naming kind and position, writing nothing', async (_name, c) => {
    const { store, entries, calls } = memoryStore();
    const kaizen = createKaizen({ store });
    const error = await failure(() => kaizen.writeKnowledge({ content: c.text, context: 'deploy', scope: 'acme:web' }, ctx));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message.startsWith(`content: contains ${c.kind} at line ${c.line}, column ${c.column}`), error.message).toBe(true);
    expect(error.message).toMatch(/Remove the secret, or describe where it is kept instead, e\.g\. "the deploy key is in the team vault"/);
    expect(error.details).toMatchObject({ field: 'content', kind: c.kind, line: c.line, column: c.column });
    expectNoLeak(error, c.secrets);
    expect(calls).toEqual([]);
    expect(entries.size).toBe(0);
  });

  it.each(SECRETS.map((c) => [c.name, c] as const))('refuses %s in context', async (_name, c) => {
    const { store, entries } = memoryStore();
    const kaizen = createKaizen({ store });
    const error = await failure(() => kaizen.writeKnowledge({ content: 'How we deploy.', context: c.text, scope: 'acme:web' }, ctx));
    expect(error.details).toMatchObject({ field: 'context', kind: c.kind, line: c.line, column: c.column });
    expect(error.message.startsWith(`context: contains ${c.kind}`)).toBe(true);
    expectNoLeak(error, c.secrets);
    expect(entries.size).toBe(0);
  });

  it('names every secret it found, across fields', async () => {
    const { store } = memoryStore();
    const kaizen = createKaizen({ store });
    const content = 'First AKIAI44QH8DHBEXAMPLE,\nthen 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.';
    const error = await failure(() => kaizen.writeKnowledge({ content, context: `token ${JWT_TOKEN}`, scope: 'acme:web' }, ctx));
    expect(error.message).toMatch(
      /^content: contains an AWS access key ID at line 1, column 7 \(and 2 more: a GitHub token at line 2, column 6; context: a JWT \(JSON Web Token\) at line 1, column 7\)\. Remove the secret/,
    );
    expect(error.details?.others).toEqual([
      { field: 'content', kind: 'a GitHub token', line: 2, column: 6 },
      { field: 'context', kind: 'a JWT (JSON Web Token)', line: 1, column: 7 },
    ]);
    expectNoLeak(error, ['AKIAI44QH8DHBEXAMPLE', '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', JWT_TOKEN]);
  });

  it('is not switched off by a secretlint-disable comment', async () => {
    const found = await findSecrets('<!-- secretlint-disable -->\n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');
    expect(found.map((f) => f.kind)).toEqual(['a GitHub token']);
  });

  it('counts columns in characters, and lines across CRLF', async () => {
    const [finding] = await findSecrets('intro\r\n🚀 ship with AKIAI44QH8DHBEXAMPLE');
    expect(finding).toMatchObject({ line: 2, column: 13 });
  });
});

describe('writeKnowledge accepts ordinary technical text', () => {
  it.each(BENIGN)('accepts %s', async (_name, text) => {
    const { store, entries } = memoryStore();
    const kaizen = createKaizen({ store });
    const { id } = await kaizen.writeKnowledge({ content: text, context: text.slice(0, 200), scope: 'acme:web' }, ctx);
    expect(entries.get(id)?.content).toBe(text);
  });
});

describe('updateKnowledge', () => {
  const seeded = (content: string) => {
    const memory = memoryStore();
    const now = new Date();
    memory.entries.set('k1', { id: 'k1', scope: 'acme:web', content, context: 'deploy', taskSize: null, createdAt: now, updatedAt: now });
    return { ...memory, kaizen: createKaizen({ store: memory.store }) };
  };

  it('refuses a secret in the new content and leaves the entry as it was', async () => {
    const { kaizen, entries, calls } = seeded('Deploys go through the pipeline.');
    const before = structuredClone(entries.get('k1'));
    const error = await failure(() => kaizen.updateKnowledge({ id: 'k1', content: `Use this key:\n${PEM}` }, ctx));
    expect(error.details).toMatchObject({ field: 'content', kind: 'a private key', line: 2, column: 1 });
    expect(error.code).toBe('INVALID_INPUT');
    expectNoLeak(error, PEM_BODY);
    expect(entries.get('k1')).toEqual(before);
    expect(calls).toEqual([]);
  });

  it('refuses a secret in the new context', async () => {
    const { kaizen, entries } = seeded('Deploys go through the pipeline.');
    const error = await failure(() => kaizen.updateKnowledge({ id: 'k1', context: 'deploy xoxb-23984754863-2348975623000-AAAAANzjawSSE9krECohd' }, ctx));
    expect(error.details).toMatchObject({ field: 'context', kind: 'a Slack token', line: 1, column: 8 });
    expect(entries.get('k1')?.context).toBe('deploy');
  });

  it('checks only the fields being changed', async () => {
    // An entry stored before the check existed (or imported) still contains a token.
    const { kaizen, entries } = seeded('old note: 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');
    await kaizen.updateKnowledge({ id: 'k1', context: 'deploy github' }, ctx);
    await kaizen.updateKnowledge({ id: 'k1', scope: 'acme:api', task_size: 'S' }, ctx);
    expect(entries.get('k1')).toMatchObject({ context: 'deploy github', scope: 'acme:api', taskSize: 'S' });
    // Replacing the content with a clean one is how such an entry gets fixed.
    await kaizen.updateKnowledge({ id: 'k1', content: 'The CI token is in the team vault under "github/ci".' }, ctx);
    expect(entries.get('k1')?.content).toMatch(/team vault/);
  });
});

describe('rule coverage', () => {
  it('has a kind for every message of the preset (a newer preset with new rules fails here)', () => {
    const rules = presetRules as unknown as { meta: { id: string }; messages: Record<string, unknown> }[];
    const unnamed = rules.flatMap((rule) =>
      (rule.meta.id === '@secretlint/secretlint-rule-filter-comments' ? [] : Object.keys(rule.messages))
        .map((messageId) => [rule.meta.id, messageId] as const)
        .filter(([ruleId, messageId]) => presetKind(ruleId, messageId).startsWith('a credential (')),
    );
    expect(unnamed).toEqual([]);
    expect(presetKind('@secretlint/secretlint-rule-new', 'X')).toBe('a credential (secretlint rule "new")');
  });

  it('lists its own rules', () => {
    expect(OWN_RULE_NAMES).toEqual([
      'kaizen/jwt',
      'kaizen/url-credentials',
      'kaizen/url-query-password',
      'kaizen/basic-auth-header',
      'kaizen/bearer-header',
      'kaizen/npm-auth',
    ]);
  });

  it("switches secretlint's profiler off: checks leave no marks in the performance timeline", async () => {
    for (let i = 0; i < 20; i++) await findSecrets(`note ${i}: 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`);
    expect(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('@core>'))).toEqual([]);
  });
});
