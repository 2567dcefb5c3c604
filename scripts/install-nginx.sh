#!/usr/bin/env bash
# Installs nginx from Debian's packages if missing: the scale-out test (apps/http/test/scale-out.e2e.test.ts)
# starts its own nginx, with its own configuration, as a round-robin proxy in front of two kaizen-http.
set -euo pipefail
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >&2
fi
# The package's own service is not needed (and would hold port 80); the test runs nginx in the foreground.
systemctl disable --now nginx >/dev/null 2>&1 || service nginx stop >/dev/null 2>&1 || true
/usr/sbin/nginx -v
