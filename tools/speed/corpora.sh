#!/usr/bin/env bash
# Cuts the corpora the speed work measures with from the 1 GB benchmark corpus (built by
# `cargo bench --bench throughput` into /tmp/gazetka-bench/ if it is not there yet):
#   /tmp/c1.jsonl, c5, c20, c100  the first 1, 5, 20, 100 MB (whole lines)
#   /tmp/b5.jsonl                 5 MB of every 70th line: varied text, for callgrind
#
#     tools/speed/corpora.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=/tmp/gazetka-bench/corpus.jsonl
[ -f "$corpus" ] || cargo bench --bench throughput -- --mb 1024 --jobs 1
python3 - "$corpus" <<'PY'
import sys
corpus = sys.argv[1]
def head(limit, out):
    total = 0
    with open(corpus, 'rb') as f, open(out, 'wb') as o:
        for line in f:
            o.write(line)
            total += len(line)
            if total >= limit:
                break
for mb in (1, 5, 20, 100):
    head(mb * 1_000_000, f'/tmp/c{mb}.jsonl')
total = 0
with open(corpus, 'rb') as f, open('/tmp/b5.jsonl', 'wb') as o:
    for i, line in enumerate(f):
        if i % 70 == 0:
            o.write(line)
            total += len(line)
            if total >= 4_990_000:
                break
PY
ls -l /tmp/c1.jsonl /tmp/c5.jsonl /tmp/c20.jsonl /tmp/c100.jsonl /tmp/b5.jsonl
