#!/usr/bin/env bash
# Scores gazetka's entity mentions on the factRuEval-2016 dev set (naeval's conversion) with
# ../shared/eval/score_ner.py: strict, overlap and naeval's token-level F1 per type.
#
#     tools/eval_factru.sh [GOLD.jsonl] [--json]
#
# Needs python3 (no packages). The gold file defaults to ../shared/eval/factru/dev.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
gold=${1:-../shared/eval/factru/dev.jsonl}
shift || true
scorer=$(dirname "$gold")/../score_ner.py
[ -f "$scorer" ] || scorer=../shared/eval/score_ner.py
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo run --release --quiet -- extract "$gold" --out "$out" --quiet
python3 - "$out/mentions.csv" > "$out/pred.jsonl" <<'PY'
import csv, json, sys
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    for row in csv.DictReader(f):
        print(json.dumps({"doc": row["doc_id"], "start": int(row["start"]), "end": int(row["end"]),
                          "type": row["type"], "text": row["text"]}, ensure_ascii=False))
PY
python3 "$scorer" "$gold" "$out/pred.jsonl" "$@"
