#!/usr/bin/env bash
# Whether two builds write byte-identical output (timings in summary.json aside): both run on
# /tmp/c5.jsonl and /tmp/c20.jsonl (tools/speed/corpora.sh makes them) with two threads, on
# c5 with --excel and one thread, and in stream mode. Prints SAME or DIFFERENT (a binary that
# fails counts as different). Give absolute paths; runs from the repository root.
#
#     tools/speed/same_output.sh /tmp/gazetka-before "$PWD/target/release/gazetka"
set -uo pipefail
cd "$(dirname "$0")/../.."
before=$1 after=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
same=1
run() { # NAME BINARY ARGS...
  local name=$1 bin=$2; shift 2
  "$bin" "$@" -q || { echo "FAILED (exit $?): $bin $*"; same=0; }
}
for who in before after; do
  bin=${!who}
  run c5 "$bin" extract /tmp/c5.jsonl --out "$work/$who/c5" --jobs 2
  run c20 "$bin" extract /tmp/c20.jsonl --out "$work/$who/c20" --jobs 2
  run c5x "$bin" extract /tmp/c5.jsonl --out "$work/$who/c5x" --excel --jobs 1
  "$bin" extract - --format jsonl -q < /tmp/c5.jsonl > "$work/$who.stream.jsonl" || { echo "FAILED: $bin stream"; same=0; }
  # Timings are the only lines of summary.json that may differ: its decimal numbers.
  for d in c5 c20 c5x; do
    [ -f "$work/$who/$d/summary.json" ] && grep -v -E ': -?[0-9]+\.[0-9]+(e-?[0-9]+)?,?$' "$work/$who/$d/summary.json" > "$work/$who/$d/summary.counts" && rm "$work/$who/$d/summary.json"
  done
done
diff -r "$work/before" "$work/after" > /dev/null || { diff -rq "$work/before" "$work/after"; same=0; }
cmp -s "$work/before.stream.jsonl" "$work/after.stream.jsonl" || { echo "stream output differs"; same=0; }
[ $same = 1 ] && echo SAME || echo DIFFERENT
