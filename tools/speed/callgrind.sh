#!/usr/bin/env bash
# Instruction counts of one build on one corpus (one thread), to compare builds without the
# machine's noise: writes /tmp/cg-LABEL.out and prints the total, the dictionary load, the run
# threads and the main stages (inclusive). Needs valgrind. Runs from the repository root.
#
#     tools/speed/callgrind.sh "$PWD/target/release/gazetka" after [/tmp/b5.jsonl]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$1 label=$2 corpus=${3:-/tmp/b5.jsonl}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="/tmp/cg-$label.out" "$bin" extract "$corpus" --out "$out" -q --jobs 1 2>&1 |
  grep -E "Collected"
# From /tmp: run inside the repository, callgrind_annotate splits functions by relative path.
(cd /tmp && callgrind_annotate --inclusive=yes "/tmp/cg-$label.out" 2>/dev/null) |
  grep -E "^ *[0-9,]+ \( *[0-9.]+%\)  .*(start_thread|Resources::load|analyze::analyze|resolve_entities|extract_quotes_folded|FoldedText::new|tokens::tokenize|extract_money|write_results) \[" || true
