#!/usr/bin/env bash
# Sums vitest's per-package "Tests  N failed | N passed | N skipped (N)" lines from a log into one
# closing line, "N passed, N failed, N skipped", for readers that want a single total. turbo forces colour
# on its tasks when it runs under a terminal or CI, so ANSI colour codes are stripped before matching.
set -euo pipefail
sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' "$1" | awk '
  /Tests +[0-9]/ {
    line = $0
    if (match(line, /[0-9]+ passed/))  passed  += substr(line, RSTART, RLENGTH) + 0
    if (match(line, /[0-9]+ failed/))  failed  += substr(line, RSTART, RLENGTH) + 0
    if (match(line, /[0-9]+ skipped/)) skipped += substr(line, RSTART, RLENGTH) + 0
    seen = 1
  }
  END {
    if (!seen) { print "no test summary found"; exit 1 }
    printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
    if (failed > 0) exit 1
  }
'
