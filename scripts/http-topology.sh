#!/usr/bin/env bash
# The docker-compose topology without Docker: the kaizen-http bundle built exactly as apps/http/Dockerfile
# builds it (pnpm deploy --prod), run against PostgreSQL and Redis from Debian's packages. Checks the
# image's health check command, a session with tool calls, graceful SIGTERM, then runs the MCP
# conformance suite against that same bundle.
# Needs KAIZEN_TEST_DATABASE_URL (a PostgreSQL server) and KAIZEN_TEST_REDIS_URL; run after `pnpm build`.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${KAIZEN_TEST_DATABASE_URL:?set KAIZEN_TEST_DATABASE_URL}" "${KAIZEN_TEST_REDIS_URL:?set KAIZEN_TEST_REDIS_URL}"
pnpm() { npx --yes pnpm@10.34.9 "$@"; }

work=$(mktemp -d)
db="kaizen_topology_$$"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  psql -q "$KAIZEN_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== bundle: pnpm deploy --prod (as in apps/http/Dockerfile)"
pnpm --filter kaizen-http deploy --prod --legacy "$work/app" >/dev/null
test -f "$work/app/dist/main.js"
ls "$work"/app/node_modules/.pnpm/@kaizen+storage*/node_modules/@kaizen/storage/drizzle/*.sql >/dev/null # migrations ship

psql -q "$KAIZEN_TEST_DATABASE_URL" -c "CREATE DATABASE $db" >/dev/null
database_url="${KAIZEN_TEST_DATABASE_URL%/*}/$db"

echo "== start: PostgreSQL + Redis, as docker-compose.yml wires them"
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})")
KAIZEN_DATABASE_URL="$database_url" KAIZEN_REDIS_URL="$KAIZEN_TEST_REDIS_URL" KAIZEN_HTTP_HOST=127.0.0.1 KAIZEN_HTTP_PORT="$port" \
  KAIZEN_HTTP_ALLOWED_HOSTS=localhost,127.0.0.1,kaizen KAIZEN_LOG_LEVEL=warn node "$work/app/dist/main.js" 2>"$work/server.log" &
server=$!
for _ in $(seq 1 60); do
  KAIZEN_HTTP_PORT=$port node "$work/app/dist/healthcheck.js" /readyz >/dev/null 2>&1 && break
  sleep 1
done
KAIZEN_HTTP_PORT=$port node "$work/app/dist/healthcheck.js" # the image's HEALTHCHECK
KAIZEN_HTTP_PORT=$port node "$work/app/dist/healthcheck.js" /readyz

echo "== a session: initialize, write, retrieve, delete"
url="http://127.0.0.1:$port/mcp"
rpc() { curl -sS -D "$work/headers" -X POST "$url" -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' \
  ${session:+-H "mcp-session-id: $session"} -H 'mcp-protocol-version: 2025-11-25' -d "$1"; }
session=""
rpc '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"topology","version":"1"}}}' >/dev/null
session=$(grep -i '^mcp-session-id:' "$work/headers" | tr -d '\r' | cut -d' ' -f2)
grep -qi '^ratelimit:' "$work/headers" # the limiter (on Redis) answered
rpc '{"jsonrpc":"2.0","method":"notifications/initialized"}' >/dev/null
written=$(rpc '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"write_knowledge","arguments":{"scope":"global:default","content":"Compose runs PostgreSQL, Redis and Kaizen.","context":"docker compose topology"}}}')
if grep -q '"isError":true' <<<"$written"; then echo "write_knowledge failed: $written"; exit 1; fi
found=$(rpc '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_task_context","arguments":{"scope":"global:default","queries":["compose topology"]}}}')
grep -q 'Compose runs PostgreSQL' <<<"$found" || { echo "get_task_context did not find the entry: $found"; exit 1; }
test -n "$(redis-cli -u "$KAIZEN_TEST_REDIS_URL" --scan --pattern 'kaizen:rl:*')" # the counters live in Redis
curl -sS -o /dev/null -w '%{http_code}\n' -X DELETE "$url" -H "mcp-session-id: $session" | grep -q 200

echo "== graceful stop on SIGTERM"
kill -TERM "$server"
wait "$server"
server=""
echo "stopped cleanly"

echo "== MCP conformance suite against the bundle, on PostgreSQL"
KAIZEN_HTTP_BIN="$work/app/dist/main.js" KAIZEN_DATABASE_URL="$database_url" node scripts/conformance.mjs
