// The evaluation corpus: two organisations' knowledge (a product company, "acme", and an open-source
// library, "lumen") in a scope graph with multiple inheritance, conflicts and task sizes.
// Written by hand for `pnpm eval`; tasks.mjs labels what each task should retrieve.

/** Scopes in creation order (parents first). Every scope also inherits its namespace's default. */
export const namespaces = [
  { name: 'acme', description: 'Acme, a payments and commerce company' },
  { name: 'lumen', description: 'Lumen, an open-source TypeScript library' },
];

export const scopes = [
  { scope: 'acme:platform', parents: [] },
  { scope: 'acme:security', parents: [] },
  { scope: 'acme:web', parents: [] },
  { scope: 'acme:mobile', parents: [] },
  { scope: 'acme:data', parents: [] },
  { scope: 'acme:android', parents: ['acme:mobile'] },
  { scope: 'acme:payments', parents: ['acme:platform', 'acme:security'] },
  { scope: 'acme:checkout-web', parents: ['acme:web', 'acme:payments'] },
  { scope: 'acme:ml', parents: ['acme:data', 'acme:platform'] },
  { scope: 'lumen:core', parents: [] },
  { scope: 'lumen:cli', parents: ['lumen:core'] },
  { scope: 'lumen:docs', parents: ['lumen:core'] },
];

/** [id, scope, context, content, task_size?] */
const rows = [
  // ---- global:default: engineering basics everyone shares
  ['g-commit', 'global:default', 'git commit messages conventional commits', 'Write commit messages in Conventional Commits form: `type(scope): summary` in the imperative, at most 72 characters, with a body that explains why.'],
  ['g-pr-size', 'global:default', 'code review pull request size', 'Keep pull requests under about 400 changed lines; split larger work into stacked PRs so that reviews stay thorough.'],
  ['g-secrets', 'global:default', 'secrets credentials git repository', 'Never commit secrets, tokens or .env files. Keep them in the secret manager and run a secret scan in the pre-commit hook.'],
  ['g-log-json', 'global:default', 'logging structured logs json', 'Log structured JSON: a constant message plus fields. Never interpolate variables into the message string.'],
  ['g-log-pii', 'global:default', 'logging personal data pii redaction', 'Never log personal data (emails, names, card numbers, tokens); redact in the logger configuration, not at call sites.'],
  ['g-flaky', 'global:default', 'testing flaky tests retries quarantine', 'A flaky test is a bug: quarantine it with a ticket within a day instead of adding retries.'],
  ['g-deps-upgrade', 'global:default', 'dependencies upgrades renovate version pinning', 'Dependencies are upgraded by Renovate every week; pin exact versions in applications and use ranges in libraries.'],
  ['g-exceptions', 'global:default', 'error handling exceptions', 'Do not swallow exceptions: handle them where you can act on them, otherwise let them propagate with context added.'],
  ['g-utc', 'global:default', 'time dates timezones utc timestamps', 'Store and transmit timestamps in UTC as ISO-8601; convert to local time only at the display edge.'],
  ['g-flags', 'global:default', 'feature flags rollout', 'Ship risky changes behind a feature flag and remove the flag within two sprints after the full rollout.'],
  ['g-readme', 'global:default', 'documentation readme onboarding local setup', 'Every repository has a README that tells how to run, test and deploy it locally in under five commands.'],
  ['g-naming', 'global:default', 'naming variables functions booleans', 'Name functions after what they do (a verb phrase) and booleans as questions (isReady, hasAccess).'],
  ['g-indent', 'global:default', 'code formatting indentation formatter', 'Indent with 2 spaces; formatting is enforced by the formatter in CI and never argued about in review.'],
  ['g-postmortem', 'global:default', 'incident postmortem blameless', 'After every incident write a blameless postmortem within five working days, with action items each owned by one person.'],
  ['g-api-compat', 'global:default', 'api design versioning breaking changes deprecation', 'Never break a published API: add fields, deprecate old ones with a sunset date, and create a new version only when unavoidable.'],
  ['g-validation', 'global:default', 'security input validation schema', 'Validate all external input at the boundary with a schema; reject unknown fields instead of silently ignoring them.'],
  ['g-profiling', 'global:default', 'performance optimization profiling benchmarks', 'Profile before optimizing: attach a flame graph or benchmark numbers to every performance pull request.'],
  ['g-design-doc', 'global:default', 'large features design document', 'For large work write a one-page design doc (problem, options, decision) and get two reviewers before writing code.', 'L'],
  ['g-xs-ticket', 'global:default', 'small changes typo fixes tickets', 'For tiny changes (typos, copy fixes) no ticket is needed; a descriptive commit message is enough.', 'XS'],
  ['g-migrations', 'global:default', 'database schema migrations backwards compatible', 'Database schema migrations must be backwards compatible with the running version: expand, migrate the data, then contract in a later release.'],
  ['g-licenses', 'global:default', 'dependencies licenses gpl open source', 'Do not add GPL or AGPL licensed dependencies to shipped code; MIT, Apache-2.0 and BSD licenses are fine.'],
  ['g-test-pyramid', 'global:default', 'tests unit integration end-to-end pyramid', 'Prefer many fast unit tests, fewer integration tests, and a handful of end-to-end tests on the critical paths.'],

  // ---- acme:default: company-wide practice
  ['a-branch', 'acme:default', 'git branch naming jira ticket', 'Branch names are `<JIRA-KEY>-short-description`, e.g. PAY-123-refund-webhook; the key links the pull request to the ticket.'],
  ['a-ci-gha', 'acme:default', 'ci pipeline github actions deploy staging production', 'CI and deploys run on GitHub Actions: a merge to main deploys to staging automatically; production needs a manual approval in the workflow.'],
  ['a-ci-jenkins', 'acme:default', 'ci pipeline jenkins deploy', 'Deploys run from the Jenkins deploy-all job; ask #ops for access to it.'],
  ['a-oncall', 'acme:default', 'on-call pager escalation pagerduty', 'On-call rotates weekly per team in PagerDuty; acknowledge a page within 5 minutes and escalate after 15.'],
  ['a-approvals', 'acme:default', 'code review approvals codeowners', 'Two approvals are required to merge to main, one of them from a CODEOWNERS member of the touched area.'],
  ['a-nx', 'acme:default', 'monorepo nx build cache affected', 'The acme monorepo builds with Nx: run `nx affected -t test` before pushing; the remote cache keeps it fast.'],
  ['a-node', 'acme:default', 'node.js version runtime lts', 'All Node.js services run on Node 20 LTS; the version is pinned in .nvmrc and in the Docker base image.'],
  ['a-ts-strict', 'acme:default', 'typescript strict mode any', 'TypeScript projects use `strict: true`; no `any` without an eslint-disable comment that explains why.'],
  ['a-observability', 'acme:default', 'observability metrics tracing datadog opentelemetry monitors', 'Services export metrics and traces to Datadog through OpenTelemetry; every endpoint gets latency and error-rate monitors.'],
  ['a-slack', 'acme:default', 'slack channels questions communication', 'Ask questions in public team channels, not in direct messages, so that answers are searchable; #eng-help is for cross-team questions.'],
  ['a-changelog', 'acme:default', 'release notes changelog', 'User-visible changes need a changelog entry; release notes are generated from them every Tuesday.'],
  ['a-config', 'acme:default', 'configuration environment variables settings', 'Configuration comes from environment variables, validated at startup; no per-environment config files in the repository.'],
  ['a-python', 'acme:default', 'python services poetry ruff lint', 'Python services use Poetry for dependencies and Ruff for lint and formatting, on Python 3.12.'],
  ['a-http-client', 'acme:default', 'http client timeouts retries backoff outbound calls', 'Every outbound HTTP call has an explicit timeout (2 s by default) and at most 2 retries with jittered backoff, for idempotent requests only.'],
  ['a-adr', 'acme:default', 'architecture decision records adr', 'Decisions that are expensive to reverse are recorded as ADRs in docs/adr, numbered and never edited after acceptance: supersede them instead.', 'L'],
  ['a-freeze', 'acme:default', 'code freeze holidays release', 'There is a code freeze from December 20 to January 3; only hotfixes approved by a director ship then.'],
  ['a-docker', 'acme:default', 'docker container images base image', 'Build container images from the acme/base images, run them as non-root, and keep them under 300 MB.'],
  ['a-gateway', 'acme:default', 'api gateway public endpoints authentication oauth', 'Public APIs are exposed only through the API gateway, which handles OAuth2 tokens and rate limits; services never face the internet directly.'],
  ['a-estimates', 'acme:default', 'estimates sizing story points sprint', 'Estimate in T-shirt sizes (XS to XL), not hours; anything XL is split before the sprint starts.'],
  ['a-hotfix', 'acme:default', 'hotfix process production bug release tag', 'Hotfixes branch from the release tag, need one approval, and are merged back to main the same day.'],

  // ---- acme:platform: backend platform
  ['p-pgbouncer', 'acme:platform', 'postgresql database connection pooling pgbouncer', 'Services connect to PostgreSQL through PgBouncer in transaction mode; do not rely on session state (prepared statements, advisory locks) across transactions.'],
  ['p-flyway', 'acme:platform', 'postgres schema migrations flyway', 'Schema migrations use Flyway: one versioned SQL file per change, run by the deploy job before the new pods start.'],
  ['p-helm', 'acme:platform', 'kubernetes helm chart deployment', 'Every service deploys to Kubernetes with the shared acme-service Helm chart; override its values, never fork the chart.'],
  ['p-resources', 'acme:platform', 'kubernetes resource requests limits cpu memory', 'Set CPU requests, and memory requests equal to limits, on every container; no CPU limits, because throttling hurts latency.'],
  ['p-kafka-topics', 'acme:platform', 'kafka topics events naming schema', 'Kafka topics are named `<domain>.<entity>.<event>.v<N>`; a breaking schema change creates a new topic version.'],
  ['p-kafka-idem', 'acme:platform', 'kafka consumers idempotency at-least-once duplicates', 'Kafka delivers at least once: consumers must be idempotent, keyed on the event id recorded in a processed_events table.'],
  ['p-redis', 'acme:platform', 'redis cache ttl invalidation', 'Redis is a cache, never the source of truth: every key has a TTL, and the code must work when Redis is empty.'],
  ['p-grpc', 'acme:platform', 'grpc internal service communication protobuf', 'Services talk to each other over gRPC with protobuf contracts from the acme/protos repository; REST only at the edge.'],
  ['p-indexes', 'acme:platform', 'database indexes query performance explain', 'Add an index with every new query pattern on a large table and paste the EXPLAIN ANALYZE output in the pull request.'],
  ['p-transactions', 'acme:platform', 'postgres transactions locks lock_timeout', 'Keep database transactions short: no network calls inside a transaction, and set lock_timeout to 5s in migrations so they never block traffic.'],
  ['p-terraform', 'acme:platform', 'terraform infrastructure as code aws', 'All AWS infrastructure is managed with Terraform in acme/infra; console changes are reverted by the nightly drift check.'],
  ['p-probes', 'acme:platform', 'health checks readiness liveness probes kubernetes', 'Liveness probes check only the process; readiness probes check dependencies. Never restart pods because the database is down.'],
  ['p-ratelimit', 'acme:platform', 'rate limiting token bucket 429', 'Internal rate limits use the shared Redis token-bucket limiter and answer 429 with a Retry-After header.'],
  ['p-jobs', 'acme:platform', 'background jobs workers scheduling cron temporal', 'Background and scheduled jobs run on the shared Temporal cluster; cron jobs inside pods are not allowed.'],
  ['p-sigterm', 'acme:platform', 'graceful shutdown sigterm pods', 'Handle SIGTERM: stop accepting requests, finish in-flight work within 25 s, then exit; Kubernetes kills the pod at 30 s.'],
  ['p-uuid', 'acme:platform', 'primary keys ids uuid tables', 'New tables use UUIDv7 primary keys generated by the application, not serial integers.'],

  // ---- acme:security
  ['s-jwt', 'acme:security', 'authentication jwt access tokens refresh expiry', 'Access tokens are JWTs valid for 15 minutes; refresh tokens rotate on every use and are revoked on logout.'],
  ['s-argon', 'acme:security', 'passwords hashing argon2', 'Hash passwords with Argon2id using the library defaults; never SHA-256 or bcrypt in new code.'],
  ['s-kms', 'acme:security', 'encryption at rest kms keys', 'Sensitive columns use envelope encryption through AWS KMS; keys rotate every year.'],
  ['s-sqli', 'acme:security', 'sql injection parameterized queries', 'Always use parameterized queries or the query builder; string-concatenated SQL fails the security review.'],
  ['s-snyk', 'acme:security', 'dependency vulnerabilities snyk cve', 'Critical vulnerabilities flagged by Snyk are fixed within 48 hours, high ones within two weeks.'],
  ['s-cookies', 'acme:security', 'cookies csrf cors browser security', 'Cookies are Secure, HttpOnly and SameSite=Lax; state-changing endpoints require a CSRF token; CORS allows explicit origins only.'],
  ['s-authz', 'acme:security', 'authorization access control permissions policy', 'Check authorization in the service layer on every request with the OPA policy engine, never only in the UI.'],
  ['s-threat', 'acme:security', 'security review threat model appsec', 'Features touching authentication, payments or personal data need a threat model reviewed by AppSec before launch.', 'L'],
  ['s-audit', 'acme:security', 'audit log admin actions', 'Every admin action is written to the append-only audit log with actor, target and reason.'],
  ['s-vault', 'acme:security', 'secrets management vault rotation', 'Secrets live in HashiCorp Vault and are injected at runtime; rotate any secret that was exposed, even briefly.'],

  // ---- acme:web
  ['w-hooks', 'acme:web', 'react components hooks', 'Write function components with hooks; no new class components.'],
  ['w-state', 'acme:web', 'state management react query zustand', 'Use React Query for server state and Zustand for the little client state that is left; Redux is legacy, not for new code.'],
  ['w-redux', 'acme:web', 'state management redux store', 'Use Redux Toolkit for all shared state; every feature gets its own slice.'],
  ['w-tailwind', 'acme:web', 'css styling tailwind design tokens', 'Style with Tailwind utility classes and the design-system tokens; no new CSS-in-JS.'],
  ['w-a11y', 'acme:web', 'accessibility a11y wcag keyboard', 'Meet WCAG 2.1 AA: every interactive element is reachable by keyboard and has an accessible name; axe runs in CI.'],
  ['w-next', 'acme:web', 'next.js app router pages server components', 'New pages use the Next.js App Router with server components by default; mark client components explicitly.'],
  ['w-playwright', 'acme:web', 'frontend testing playwright end-to-end component tests', 'End-to-end tests use Playwright against the preview deployment; component tests use Testing Library, not Enzyme.'],
  ['w-i18n', 'acme:web', 'internationalization i18n translations strings', 'All user-facing strings go through i18next keys; never concatenate translated fragments.'],
  ['w-bundle', 'acme:web', 'bundle size web vitals frontend performance', 'Keep the JavaScript of each route under 200 KB gzipped; CI fails when Largest Contentful Paint regresses by more than 10%.'],
  ['w-forms', 'acme:web', 'forms validation react-hook-form zod', 'Forms use react-hook-form with zod schemas shared with the API client.'],
  ['w-images', 'acme:web', 'images optimization cdn', 'Serve images through next/image and the CDN; never commit images over 200 KB.'],
  ['w-browsers', 'acme:web', 'browser support safari', 'Support the last two versions of evergreen browsers and Safari 16+.'],
  ['w-storybook', 'acme:web', 'storybook design system shared components', 'Every shared UI component has a Storybook story covering its states; the design system lives in @acme/ui.'],
  ['w-openapi', 'acme:web', 'api client generated openapi fetch', 'Call backend APIs through the generated OpenAPI client; no hand-written fetch calls to our own services.'],
  ['w-sentry', 'acme:web', 'error boundaries sentry frontend errors', 'Wrap route segments in error boundaries and report errors to Sentry with the release tag.'],

  // ---- acme:mobile
  ['m-release', 'acme:mobile', 'mobile releases app store phased rollout', 'Mobile releases ship every two weeks with a 7-day phased rollout; halt it when crash-free sessions drop below 99.5%.'],
  ['m-flags', 'acme:mobile', 'mobile feature flags remote config', 'Mobile features ship dark behind Firebase Remote Config flags, because an app store release cannot be rolled back.'],
  ['m-compat', 'acme:mobile', 'mobile api compatibility old app versions', 'The backend keeps supporting app versions from the last 12 months; never remove a field that an old app reads.'],
  ['m-swiftui', 'acme:mobile', 'ios swift swiftui screens', 'New iOS screens use SwiftUI; UIKit only where SwiftUI lacks the API.'],
  ['m-analytics', 'acme:mobile', 'mobile analytics events tracking plan', 'Analytics events are defined in the tracking plan first; event names are snake_case verbs such as checkout_started.'],
  ['m-offline', 'acme:mobile', 'offline mode sync conflicts', 'The apps work offline for reading; writes queue locally and sync with last-write-wins per field.'],
  ['m-deeplinks', 'acme:mobile', 'deep links universal links app links', 'Deep links use universal links and app links on the acme.com domain; custom URL schemes are deprecated.'],
  ['m-crashes', 'acme:mobile', 'crash reporting crashlytics', 'Crashes are reported to Crashlytics; a new top-5 crash blocks the next release.'],

  // ---- acme:android (inherits acme:mobile)
  ['an-coroutines', 'acme:android', 'kotlin coroutines threading concurrency', 'Use Kotlin coroutines with structured concurrency (viewModelScope); never GlobalScope, and no RxJava in new code.'],
  ['an-hilt', 'acme:android', 'android dependency injection hilt', 'Dependency injection uses Hilt; no hand-made singletons.'],
  ['an-compose', 'acme:android', 'jetpack compose ui screens', 'New UI is written in Jetpack Compose; XML layouts remain only in legacy screens.'],
  ['an-ktlint', 'acme:android', 'kotlin code formatting indentation ktlint', 'Kotlin code is formatted by ktlint with 4-space indentation.'],
  ['an-minsdk', 'acme:android', 'android minimum sdk version', 'minSdk is 26; raising it needs product approval because it drops users.'],
  ['an-gradle', 'acme:android', 'gradle build modules version catalog', 'Android builds use Gradle version catalogs (libs.versions.toml); feature code lives in :feature-* modules.'],
  ['an-room', 'acme:android', 'room database local storage persistence', 'Local persistence uses Room with exported schemas and a migration test for every schema version.'],
  ['an-tests', 'acme:android', 'android testing robolectric espresso', 'Unit tests run on the JVM with Robolectric; Espresso only for the smoke suite.'],

  // ---- acme:payments (inherits platform and security)
  ['pay-money', 'acme:payments', 'money amounts currency minor units', 'Represent money as integer minor units plus an ISO-4217 currency code; never floating point.'],
  ['pay-money-old', 'acme:payments', 'money amounts decimal euros', 'Money is stored as DECIMAL(10,2) in euros.'],
  ['pay-webhook-sig', 'acme:payments', 'stripe webhooks signature verification', 'Verify the Stripe-Signature header on every webhook and reject events older than 5 minutes.'],
  ['pay-webhook-idem', 'acme:payments', 'webhooks idempotency duplicate events', 'Webhook handlers are idempotent: store the provider event id and ignore duplicates.'],
  ['pay-pci', 'acme:payments', 'pci compliance card data', 'Card numbers never touch our servers: use Stripe Elements tokens; logs and databases must never contain a PAN or CVC.'],
  ['pay-refunds', 'acme:payments', 'refunds partial refunds ledger charges', 'Refunds are ledger entries that reference the original charge; never mutate or delete a charge row.'],
  ['pay-ledger', 'acme:payments', 'ledger double-entry accounting', 'The ledger is double-entry and append-only; the debits and credits of every transaction sum to zero.'],
  ['pay-idem-keys', 'acme:payments', 'payment provider retries idempotency keys', 'Every call to a payment provider sends an idempotency key derived from our payment id, so retries never charge twice.'],
  ['pay-fx', 'acme:payments', 'currency conversion exchange rates', 'Exchange rates come from the treasury service and are snapshotted on the payment; never convert with a live rate after the fact.'],
  ['pay-recon', 'acme:payments', 'reconciliation settlement reports', 'A nightly job reconciles the provider settlement reports against the ledger and pages on any mismatch.'],
  ['pay-sandbox', 'acme:payments', 'payments testing sandbox test cards', 'Test against the Stripe sandbox with its documented test cards; never use real cards, not even your own.'],
  ['pay-fraud', 'acme:payments', 'fraud checks risk scoring', 'Every payment above 500 EUR goes through the risk service before capture.'],
  ['pay-serializable', 'acme:payments', 'balance updates database transactions serializable isolation', 'Balance updates run in SERIALIZABLE transactions and are retried on serialization failures.'],
  ['pay-billing', 'acme:payments', 'subscriptions billing invoices proration', 'Subscriptions bill through Stripe Billing; proration is computed by Stripe, never recalculated by us.'],

  // ---- acme:checkout-web (inherits web and payments)
  ['c-perf', 'acme:checkout-web', 'checkout page performance conversion scripts', 'The checkout page stays under 1.5 s LCP on 4G; every extra third-party script needs approval from the checkout team.'],
  ['c-elements', 'acme:checkout-web', 'checkout card form stripe elements', 'Render the card form with Stripe Elements in an iframe; never build our own card inputs.'],
  ['c-funnel', 'acme:checkout-web', 'checkout funnel analytics events', 'Track the checkout funnel with the checkout_started, payment_submitted and order_completed events.'],
  ['c-ab', 'acme:checkout-web', 'checkout a/b tests experiments', 'A/B tests on checkout run through the experimentation platform for at least two full weeks.'],
  ['c-declines', 'acme:checkout-web', 'checkout error messages declined payments', 'Show the decline reason in plain words and keep the form filled in; never show raw provider error codes.'],
  ['c-address', 'acme:checkout-web', 'checkout address validation autocomplete', 'Validate addresses with the address service autocomplete; never block submission when validation fails.'],
  ['c-3ds', 'acme:checkout-web', '3d secure sca strong customer authentication', 'Handle 3-D Secure (SCA) challenges with Stripe handleNextAction; it is required for European cards.'],

  // ---- acme:data
  ['d-dbt-naming', 'acme:data', 'dbt models naming staging marts', 'dbt models: stg_ for staging (one per source table), int_ for intermediate, fct_ and dim_ in marts.'],
  ['d-airflow', 'acme:data', 'airflow dags scheduling retries', 'Pipelines are Airflow DAGs, idempotent per execution date, with retries=2 and an SLA.'],
  ['d-snowflake', 'acme:data', 'data warehouse snowflake transformations', 'The warehouse is Snowflake; transformations live in dbt, never in BI tools.'],
  ['d-pii', 'acme:data', 'pii personal data anonymization warehouse', 'Personal data is hashed or dropped in staging models; marts never contain raw emails or names.'],
  ['d-tests', 'acme:data', 'data quality tests dbt freshness', 'Every dbt model has unique and not_null tests on its key, and sources have freshness checks.'],
  ['d-sql-style', 'acme:data', 'sql style guide ctes', 'SQL in dbt: lowercase keywords, CTEs instead of subqueries, one model per file, trailing commas.'],
  ['d-metrics', 'acme:data', 'dashboards metrics definitions semantic layer', 'Metrics are defined once in the semantic layer; dashboards never redefine revenue or active users.'],
  ['d-contracts', 'acme:data', 'event schemas data contracts producers', 'Event schemas are contracts: producers never change the type of a field; they add a new field instead.'],
  ['d-backfill', 'acme:data', 'backfills reprocessing historical data', 'Backfills run in batches of one month, off-peak, announced in #data-eng.', 'M'],

  // ---- acme:ml (inherits data and platform)
  ['ml-mlflow', 'acme:ml', 'model training experiment tracking mlflow reproducibility', 'Log every training run to MLflow with the code version, the data snapshot and the parameters.'],
  ['ml-features', 'acme:ml', 'feature store features training serving', 'Features come from the feature store, so that training and serving use the same code.'],
  ['ml-serving', 'acme:ml', 'model deployment serving latency', 'Models are served behind the model gateway with a p99 budget of 100 ms; batch scoring runs in Airflow.'],
  ['ml-gpu', 'acme:ml', 'gpu training jobs cost spot instances', 'GPU jobs run on spot instances with checkpoints every 30 minutes; ask before using more than 8 GPUs.'],
  ['ml-drift', 'acme:ml', 'model monitoring drift retraining', 'Monitor prediction and feature drift; retrain when the PSI exceeds 0.2.'],
  ['ml-notebooks', 'acme:ml', 'python notebooks production code', 'Notebooks are for exploration; production code lives in packages with tests.'],
  ['ml-llm-evals', 'acme:ml', 'llm prompts evaluation golden set', 'Prompt changes ship only with an eval run against the golden set, its results attached to the pull request.'],
  ['ml-dpia', 'acme:ml', 'training data personal data privacy deletion', 'Training data containing personal data needs a DPIA and must be deleted on user request.'],

  // ---- lumen:default: the open-source project
  ['l-cla', 'lumen:default', 'contributing pull requests cla', 'Contributors sign the CLA; a pull request needs one maintainer approval and a green CI.'],
  ['l-semver', 'lumen:default', 'semantic versioning releases major breaking', 'Lumen follows semver strictly: anything that removes or renames public API waits for the next major release.'],
  ['l-changesets', 'lumen:default', 'changesets changelog releases', 'Every user-visible change includes a changeset; releases are cut by the changesets bot.'],
  ['l-triage', 'lumen:default', 'issue triage labels reproduction', 'Triage new issues within a week: label them bug, feature or question, and ask for a reproduction when it is missing.'],
  ['l-coc', 'lumen:default', 'code of conduct moderation', 'Enforce the code of conduct; moderators lock heated threads first and discuss second.'],
  ['l-license', 'lumen:default', 'license mit headers', 'Lumen is MIT licensed; no license headers in source files.'],
  ['l-node', 'lumen:default', 'node.js supported versions lts', 'Lumen supports every maintained Node.js LTS line; support for a version is dropped only in a major release.'],
  ['l-types', 'lumen:default', 'typescript public types exports', 'Public types are exported from the package entry point; users never import from dist internals.'],
  ['l-deps', 'lumen:default', 'runtime dependencies minimal', 'Keep runtime dependencies to a minimum; prefer a few lines of code over a tiny package.'],

  // ---- lumen:core
  ['lc-options', 'lumen:core', 'api design options object parameters', 'Functions take an options object once they have more than two parameters.'],
  ['lc-errors', 'lumen:core', 'errors error codes', 'Throw LumenError with a stable code; messages may change, codes may not.'],
  ['lc-bench', 'lumen:core', 'performance benchmarks regressions ci', 'Benchmarks run in CI on every pull request; a regression over 5% needs a maintainer sign-off.'],
  ['lc-dual', 'lumen:core', 'esm cjs dual package build exports', 'Ship ESM and CommonJS builds with tsup and an exports map; test both in CI.'],
  ['lc-treeshake', 'lumen:core', 'tree shaking side effects bundlers', 'Modules are side-effect free and marked sideEffects: false so that bundlers can tree-shake them.'],
  ['lc-vitest', 'lumen:core', 'testing vitest coverage', 'Tests use Vitest; coverage of src/core stays above 90%.'],
  ['lc-deprecate', 'lumen:core', 'deprecation warnings deprecated api', 'Deprecate with a one-time runtime warning and a JSDoc @deprecated tag at least one minor release before removal.'],

  // ---- lumen:cli (inherits lumen:core)
  ['cli-flags', 'lumen:cli', 'cli arguments flags parsing commander', 'Parse arguments with commander; every flag has a long form, short forms only for the most common ones.'],
  ['cli-yargs', 'lumen:cli', 'cli arguments parsing yargs', 'Parse CLI arguments with yargs.'],
  ['cli-exit', 'lumen:cli', 'cli exit codes errors stderr', 'Exit 0 on success, 1 on a user error, 2 on an internal error; print errors to stderr without a stack trace unless --debug is set.'],
  ['cli-output', 'lumen:cli', 'cli output colors tty json', 'Color output only when stdout is a TTY and NO_COLOR is unset; offer --json output for scripts.'],
  ['cli-config', 'lumen:cli', 'cli config file precedence', 'Config is read from lumen.config.ts, then environment variables, then flags; flags win.'],
  ['cli-telemetry', 'lumen:cli', 'cli telemetry opt-in privacy', 'Telemetry is opt-in only and documented; never collect file paths.'],

  // ---- lumen:docs (inherits lumen:core)
  ['doc-examples', 'lumen:docs', 'documentation examples code snippets', 'Every docs page starts with a runnable example; examples are type-checked in CI.'],
  ['doc-site', 'lumen:docs', 'docs site docusaurus versioned', 'The docs are built with Docusaurus and versioned per major release.'],
  ['doc-style', 'lumen:docs', 'writing style docs tone', 'Write docs in the second person and the present tense; avoid "simply" and "just".'],
  ['doc-typedoc', 'lumen:docs', 'api reference typedoc jsdoc', 'The API reference is generated by TypeDoc from JSDoc comments; never write it by hand.'],
];

export const entries = rows.map(([id, scope, context, content, taskSize]) => ({
  id,
  scope,
  context,
  content,
  taskSize: taskSize ?? null,
}));

/** Resolved conflicts: the winner, and the entries it suppresses (which must never be retrieved). */
export const conflicts = [
  { active: 'a-ci-gha', suppressed: ['a-ci-jenkins'] },
  { active: 'w-state', suppressed: ['w-redux'] },
  { active: 'pay-money', suppressed: ['pay-money-old'] },
  { active: 'cli-flags', suppressed: ['cli-yargs'] },
];
