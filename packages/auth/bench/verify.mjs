// Cost of verifying an access token per call, with the JWKS cached (what every authenticated MCP request
// pays): a JWT signed by a local issuer (metadata + JWKS served on loopback), verified N times by
// createAuthenticator; and an API key looked up in memory. Prints medians; not a test.
// Run after `npx tsup`: node packages/auth/bench/verify.mjs [N]
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createAuthenticator, generateApiKey } from '../dist/index.js';

const N = Number(process.argv[2] ?? 5000);
const { publicKey, privateKey } = await generateKeyPair('ES256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
const server = createServer((req, res) => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const body = req.url.endsWith('jwks') ? { keys: [jwk] } : { issuer, jwks_uri: `${issuer}/jwks` };
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const issuer = `http://127.0.0.1:${server.address().port}`;
const resource = 'https://kaizen.example/mcp';
const token = await new SignJWT({ scope: 'kaizen:write', client_id: 'bench' })
  .setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(issuer).setAudience(resource).setSubject('alice')
  .setIssuedAt().setExpirationTime('1h').sign(privateKey);
const key = generateApiKey();
const record = { id: key.id, principal: 'user:ci-bot', scopes: ['kaizen:write'], secretHash: key.secretHash };
const auth = createAuthenticator({ issuer, resource, apiKeys: { findApiKey: async () => record, touchApiKey: async () => undefined } });

async function measure(header) {
  for (let i = 0; i < 200; i++) await auth.authenticate(header); // warm-up: metadata, JWKS, JIT
  const ms = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await auth.authenticate(header);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return `p50 ${ms[Math.floor(N / 2)].toFixed(3)} ms, p95 ${ms[Math.floor(N * 0.95)].toFixed(3)} ms`;
}
console.log(`JWT (ES256, JWKS cached): ${await measure(`Bearer ${token}`)} over ${N} verifications`);
console.log(`API key (store lookup in memory): ${await measure(`Bearer ${key.key}`)} over ${N} verifications`);
server.close();
