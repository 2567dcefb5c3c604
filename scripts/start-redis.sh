#!/usr/bin/env bash
# Installs (if missing) and starts Redis from Debian's packages on 127.0.0.1:6390 (not the default port,
# so it never collides with a Redis the machine already runs), in memory only. Prints the URL to use as
# KAIZEN_TEST_REDIS_URL.
set -euo pipefail
port=${KAIZEN_TEST_REDIS_PORT:-6390}
if ! command -v redis-server >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
fi
if ! redis-cli -p "$port" ping >/dev/null 2>&1; then
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no >&2
fi
for _ in $(seq 1 30); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.5
done
redis-cli -p "$port" ping >/dev/null
echo "redis://127.0.0.1:$port"
