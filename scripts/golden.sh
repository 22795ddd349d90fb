#!/usr/bin/env bash
# Rewrites fixtures/golden/corpus.jsonl: the exact `dirgraph extract` output for every
# article of fixtures/corpus. Run it (make golden) only when a change of the output is
# intended, and review the diff like code: it is what tests/test_golden.cc holds us to.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd fixtures/corpus && ../../build/dirgraph extract *.txt) > fixtures/golden/corpus.jsonl
echo "golden: $(wc -l < fixtures/golden/corpus.jsonl) articles written to fixtures/golden/corpus.jsonl"
git --no-pager diff --stat -- fixtures/golden 2>/dev/null || true
