#!/usr/bin/env python3
"""Prints the false positives and false negatives (strict) per type of gazetka's mentions on
factRuEval dev, with a little context, to see what the entity rules get wrong.

    cargo run --quiet -- extract ../shared/eval/factru/dev.jsonl --out /tmp/fr --quiet
    tools/factru_errors.py /tmp/fr/mentions.csv [GOLD.jsonl] [TYPE] [N]
"""
import csv, json, sys, collections, random

pred_file = sys.argv[1]
gold_file = sys.argv[2] if len(sys.argv) > 2 else "../shared/eval/factru/dev.jsonl"
only = sys.argv[3] if len(sys.argv) > 3 else None
n = int(sys.argv[4]) if len(sys.argv) > 4 else 40
docs = {}
gold = set()
for line in open(gold_file, encoding="utf-8"):
    d = json.loads(line)
    docs[d["id"]] = d["text"]
    for e in d["entities"]:
        gold.add((d["id"], e["start"], e["end"], e["type"]))
pred = set()
with open(pred_file, encoding="utf-8", newline="") as f:
    for r in csv.DictReader(f):
        pred.add((r["doc_id"], int(r["start"]), int(r["end"]), r["type"]))
random.seed(0)
for kind, items in (("FALSE POSITIVE", pred - gold), ("FALSE NEGATIVE", gold - pred)):
    by = collections.defaultdict(list)
    for it in items:
        by[it[3]].append(it)
    for ty in sorted(by):
        if only and ty != only:
            continue
        xs = by[ty]
        print(f"== {kind} {ty}: {len(xs)}")
        for doc, s, e, _ in random.sample(xs, min(n, len(xs))):
            t = docs[doc]
            print(f"  {t[max(0, s - 30):s]!r:>36} [{t[s:e]}] {t[e:e + 20]!r}")
