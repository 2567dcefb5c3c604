// Container health check (Docker HEALTHCHECK, compose): exits 0 when the local server answers the probe.
// `node dist/healthcheck.js` checks liveness (/healthz); `node dist/healthcheck.js /readyz` readiness.
// No curl or wget in the image: Node's fetch is enough.
const path = process.argv[2] ?? '/healthz';
const port = process.env.KAIZEN_HTTP_PORT || '3400';
fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(4_000) })
  .then(async (res) => {
    process.stdout.write(`${res.status} ${await res.text()}\n`);
    process.exit(res.ok ? 0 : 1);
  })
  .catch((error: Error) => {
    process.stdout.write(`unreachable: ${error.message}\n`);
    process.exit(1);
  });
