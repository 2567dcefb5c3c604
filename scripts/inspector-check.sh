#!/usr/bin/env bash
# Drives the built servers with the official MCP Inspector's CLI, as a user would: the stdio server
# (kaizen-mcp) and the HTTP server (kaizen-http, Streamable HTTP at /mcp and legacy HTTP+SSE at /sse), both on
# KAIZEN_DATABASE_URL=memory://. Lists tools, resources and prompts, creates a namespace and a scope, writes an
# entry, finds it with get_task_context, and reads kaizen://namespaces. Every step checks the Inspector's
# output and stops the script (exit 1) with that output when the expected answer is missing. (The Inspector
# starts a stdio server per call, so on stdio the write-then-read steps use a throwaway embedded data
# directory instead: memory:// forgets everything between calls.)
#
#   npx pnpm build && bash scripts/inspector-check.sh          # from the repository root
#
# The Inspector needs Node 22: it is installed with npm together with node@22 from the registry (both pinned
# below) into KAIZEN_INSPECTOR_DIR, outside the repository (default ~/.cache/kaizen-inspector), and runs there.
# The servers run on this shell's node. Other settings:
#   KAIZEN_STDIO_BIN, KAIZEN_HTTP_BIN   the servers to check (default apps/{stdio,http}/dist/main.js)
#   KAIZEN_INSPECTOR_ERAS               protocol eras to check, among the Inspector's legacy (2025-11-25),
#                                       modern (2026-07-28) and auto; default "legacy modern" (each era is
#                                       a full round: both servers, every check; /sse with legacy only)
set -euo pipefail

NODE22=node@22.23.3
INSPECTOR=@modelcontextprotocol/inspector@2.12.0

root=$PWD
stdio_bin=${KAIZEN_STDIO_BIN:-$root/apps/stdio/dist/main.js}
http_bin=${KAIZEN_HTTP_BIN:-$root/apps/http/dist/main.js}
dir=${KAIZEN_INSPECTOR_DIR:-$HOME/.cache/kaizen-inspector}
eras=${KAIZEN_INSPECTOR_ERAS:-legacy modern}
node=$(command -v node)

for bin in "$stdio_bin" "$http_bin"; do
  if [ ! -f "$bin" ]; then
    echo "inspector-check: $bin is missing: run this from the repository root after \`npx pnpm build\`" >&2
    exit 1
  fi
done

# ---------- the Inspector, pinned, in a cache folder ----------
inspector_node=$dir/node_modules/.bin/node
inspector_cli=$dir/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js
installed() { "$node" -p "require('$dir/node_modules/$1/package.json').version" 2>/dev/null || true; }
if [ ! -x "$inspector_node" ] || [ ! -f "$inspector_cli" ] \
  || [ "$(installed node)" != "${NODE22#node@}" ] || [ "$(installed @modelcontextprotocol/inspector)" != "${INSPECTOR##*@}" ]; then
  echo "installing $NODE22 and $INSPECTOR into $dir"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "$NODE22" "$INSPECTOR" >&2 \
    || { echo "inspector-check: npm could not install $NODE22 and $INSPECTOR into $dir" >&2; exit 1; }
fi

work=$(mktemp -d)
mkdir -p "$work/home"
server=""
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
step=""
server_log=""
out=$work/out.json
err=$work/err.txt

fail() {
  {
    echo "inspector-check: FAIL [$step]: $1"
    if [ -s "$out" ]; then
      echo "--- Inspector stdout:"
      cat "$out"
      echo
    fi
    if [ -s "$err" ]; then
      echo "--- Inspector stderr (last 40 lines):"
      tail -n 40 "$err"
    fi
    if [ -n "$server_log" ] && [ -s "$server_log" ]; then
      echo "--- kaizen-http log (last 40 lines):"
      tail -n 40 "$server_log"
    fi
  } >&2
  exit 1
}

# inspect <label> <expected exit code> <Inspector CLI arguments...>: runs the Inspector CLI (JSON on stdout).
# The Inspector keeps its catalog, client config and secrets under $HOME: give it a throwaway one.
inspect() {
  step=$1
  local want=$2 rc=0
  shift 2
  HOME=$work/home NO_COLOR=1 timeout 180 "$inspector_node" "$inspector_cli" --cli --format json --connect-timeout 60000 "$@" \
    >"$out" 2>"$err" || rc=$?
  if [ "$rc" != "$want" ]; then
    # The Inspector's exit codes: 1 error or usage, 3 authentication needed, 4 server unreachable, 5 the tool
    # answered isError; 124 is timeout's.
    fail "the Inspector exited with $rc, expected $want"
  fi
}

# expect <what the output must show> <JavaScript condition on r, the Inspector's parsed JSON output>
expect() {
  if ! CHECK="$2" "$node" -e '
    const fs = require("node:fs");
    let r;
    try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { process.exit(1); }
    process.exit(new Function("r", "env", `return (${process.env.CHECK});`)(r, process.env) ? 0 : 1);
  ' "$out" 2>>"$err"; then
    fail "expected $1"
  fi
  passed=$((passed + 1))
}

TOOLS="get_task_context write_knowledge update_knowledge delete_knowledge resolve_knowledge_conflict get_namespaces create_namespace update_namespace delete_namespace create_scope update_scope delete_scope"
PROMPTS="start_task teach learn_from_failure resolve_conflicts setup_project optimize_entry"
CONTENT="Shop prices are stored as integer cents, never floats"
export TOOLS PROMPTS CONTENT

# The listings and kaizen://namespaces. $1: label; the rest: how to reach the server.
check_listings() {
  local label=$1
  shift
  inspect "$label tools/list" 0 "$@" --method tools/list
  expect "the twelve tools (${TOOLS// /, })" \
    'env.TOOLS.split(" ").every((n) => r.result.tools.some((t) => t.name === n && t.inputSchema && t.outputSchema))'

  inspect "$label resources/list" 0 "$@" --method resources/list
  expect "the resource kaizen://namespaces" 'r.result.resources.some((x) => x.uri === "kaizen://namespaces")'

  inspect "$label prompts/list" 0 "$@" --method prompts/list
  expect "the prompts ${PROMPTS// /, }" 'env.PROMPTS.split(" ").every((n) => r.result.prompts.some((p) => p.name === n))'
}

# Namespace, scope, entry, then get_task_context finds the entry. --tool-arg parses each value as JSON when it
# can (queries=["…"] is an array) and passes it as a string otherwise.
check_knowledge() {
  local label=$1
  shift
  inspect "$label create_namespace" 0 "$@" --method tools/call --tool-name create_namespace \
    --tool-arg name=acme 'description=Acme Corp, checked by the MCP Inspector'
  expect "namespace acme with its default scope" 'r.result.structuredContent.name === "acme" && "default" in r.result.structuredContent.scopes'

  inspect "$label create_scope" 0 "$@" --method tools/call --tool-name create_scope \
    --tool-arg scope=acme:shop 'description=The web shop'
  expect "scope acme:shop inheriting from acme:default" \
    'r.result.structuredContent.scope === "acme:shop" && r.result.structuredContent.parents.includes("acme:default")'

  inspect "$label write_knowledge" 0 "$@" --method tools/call --tool-name write_knowledge \
    --tool-arg scope=acme:shop "content=$CONTENT" 'context=prices money cents currency floats rounding'
  expect "an id for the new entry in acme:shop" \
    'typeof r.result.structuredContent.id === "string" && r.result.structuredContent.scope === "acme:shop"'
  local id
  id=$("$node" -p 'JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).result.structuredContent.id' "$out")

  inspect "$label get_task_context" 0 "$@" --method tools/call --tool-name get_task_context \
    --tool-arg 'queries=["price cents", "currency rounding"]' scope=acme:shop
  ID=$id expect "the written entry ($id: \"$CONTENT\") in structuredContent and in the text block" '
    r.result.structuredContent.results.some((e) => e.id === env.ID && e.content === env.CONTENT && e.scope === "acme:shop")
    && r.result.content.some((c) => c.type === "text" && c.text.includes(env.CONTENT) && c.text.includes(env.ID))'
}

# kaizen://namespaces lists global (and acme, when the knowledge steps ran on this server).
check_namespaces_resource() {
  local label=$1 names=$2
  shift 2
  inspect "$label resources/read kaizen://namespaces" 0 "$@" --method resources/read --uri kaizen://namespaces
  NAMES=$names expect "namespaces $names in kaizen://namespaces" '
    r.result.contents.length === 1 && r.result.contents[0].mimeType === "application/json"
    && env.NAMES.split(" ").every((n) => JSON.parse(r.result.contents[0].text).namespaces.some((x) => x.name === n))'
}

for era in $eras; do
  # ---------- stdio ----------
  # Each Inspector call starts its own server process: on memory:// nothing outlives a call, so the listings
  # and the resource run there, and the knowledge steps on a throwaway embedded data directory.
  stdio=(--protocol-era "$era" -e KAIZEN_DATABASE_URL=memory:// -e KAIZEN_LOG_LEVEL=warn "$node" "$stdio_bin")
  check_listings "stdio/$era" "${stdio[@]}"
  check_namespaces_resource "stdio/$era" global "${stdio[@]}"
  rm -rf "$work/data"
  check_knowledge "stdio/$era embedded" --protocol-era "$era" -e "KAIZEN_DATA_DIR=$work/data" -e KAIZEN_LOG_LEVEL=warn "$node" "$stdio_bin"

  # ---------- HTTP ----------
  port=$("$node" -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})")
  server_log=$work/http-$era.log
  KAIZEN_DATABASE_URL=memory:// KAIZEN_HTTP_HOST=127.0.0.1 KAIZEN_HTTP_PORT=$port KAIZEN_RATE_LIMIT=0 KAIZEN_LOG_LEVEL=info \
    "$node" "$http_bin" 2>"$server_log" &
  server=$!
  step="http/$era start"
  : >"$out"
  : >"$err"
  up=""
  for _ in $(seq 1 120); do
    kill -0 "$server" 2>/dev/null || fail "kaizen-http exited before answering GET /healthz"
    if "$node" -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
      "http://127.0.0.1:$port/healthz"; then
      up=1
      break
    fi
    sleep 0.5
  done
  [ -n "$up" ] || fail "kaizen-http did not answer GET /healthz within 60 s"

  http=(--protocol-era "$era" --transport http --server-url "http://127.0.0.1:$port/mcp")
  check_listings "http/$era" "${http[@]}"
  check_knowledge "http/$era" "${http[@]}"
  check_namespaces_resource "http/$era" "global acme" "${http[@]}"

  inspect "http/$era get_task_context on an unknown scope" 5 "${http[@]}" --method tools/call --tool-name get_task_context \
    --tool-arg 'queries=["price cents"]' scope=acme:no-such-scope
  expect "a tool error (isError) naming NOT_FOUND and the scope" \
    'r.result.isError === true && r.result.content.some((c) => c.text.includes("NOT_FOUND") && c.text.includes("acme:no-such-scope"))'

  if [ "$era" = legacy ]; then
    # The 2025-era legacy HTTP+SSE transport at /sse, on the same server: it sees what was written over /mcp.
    sse=(--protocol-era legacy --transport sse --server-url "http://127.0.0.1:$port/sse")
    inspect "http/sse tools/list" 0 "${sse[@]}" --method tools/list
    expect "the twelve tools over /sse" 'env.TOOLS.split(" ").every((n) => r.result.tools.some((t) => t.name === n))'
    check_namespaces_resource "http/sse" "global acme" "${sse[@]}"
  fi

  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
  server_log=""
done

echo "inspector: $passed checks passed"
