#!/usr/bin/env python3
"""Sanity-check the hand-written data files before a commit (no dependencies).

    python3 tools/check_tsv.py [--reserved ID,ID,...]

Checks, reporting every problem as `file:line: problem` and exiting 1 on errors:
- dictionaries/entities/*.tsv: header `id type canonical aliases inflect note`, exactly 6
  tab-separated fields, known type (PER/ORG/LOC) and inflect (auto/no), non-empty id and
  canonical, no duplicate id across files (nor with --reserved ids owned by other files),
  no folded alias shared by two entities, no alias repeated inside one entity;
- dictionaries/lexicon/kz_*.tsv: header `lemma class gender forms note`, 5 fields, class and
  gender values, no duplicate (lemma, class);
- tests/data/kz_sentences.tsv: 2 fields; every expected `TYPE:surface` occurs in the sentence,
  in order of appearance.
It is the quick Python twin of `gazetka dict check`, for data authors without a Rust build.
"""

import argparse
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUOTES = "«»„“”‟″\"'‘’‚`"
DASHES = "‐‑‒–—―−"
# Common Russian words that must not be aliases on their own (they would fire everywhere).
COMMON = set(
    "мир союз народ вера роза надежда лев того чад вена перу орал победа "
    "свобода время власть правда орда республика казахстан-2050 новости банк суд "
    "партия фонд центр правительство парламент министерство".split()
)


def fold(s):
    s = unicodedata.normalize("NFC", s).lower().replace("ё", "е")
    s = "".join('"' if c in QUOTES else "-" if c in DASHES else c for c in s)
    return re.sub(r"\s+", " ", s).strip()


def rows(path, ncols, errors):
    """Yield (line_no, fields) of a TSV with comments; check header width and field count."""
    header = None
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.split("\t")
        if header is None:
            header = f
            if len(f) != ncols:
                errors.append(f"{path}:{n}: header has {len(f)} columns, expected {ncols}")
            continue
        if len(f) != ncols:
            errors.append(f"{path}:{n}: {len(f)} fields, expected {ncols}")
            continue
        if any(x != x.strip() for x in f):
            errors.append(f"{path}:{n}: leading/trailing spaces in a field")
        yield n, f


def check_entities(files, reserved, errors, warnings):
    ids = {i: "reserved (seeds_domain.tsv)" for i in reserved}
    alias_owner = {}
    counts = {}
    for path in files:
        c = 0
        for n, (eid, typ, canon, aliases, inflect, note) in rows(path, 6, errors):
            c += 1
            where = f"{path.name}:{n}"
            if not eid or not re.fullmatch(r"[a-z]+:[a-z0-9-]+", eid):
                errors.append(f"{where}: bad id {eid!r}")
            if eid in ids:
                errors.append(f"{where}: duplicate id {eid} (also {ids[eid]})")
            ids[eid] = where
            if typ not in ("PER", "ORG", "LOC"):
                errors.append(f"{where}: unknown type {typ!r}")
            if inflect not in ("auto", "no"):
                errors.append(f"{where}: inflect {inflect!r} is not auto|no")
            if not canon:
                errors.append(f"{where}: empty canonical")
            names = [canon] + [a for a in aliases.split("|")] if aliases else [canon]
            seen = set()
            for a in names:
                if not a.strip():
                    errors.append(f"{where}: empty alias in {aliases!r}")
                    continue
                fa = fold(a)
                if fa in seen:
                    warnings.append(f"{where}: alias {a!r} repeated in the same entity")
                seen.add(fa)
                if fa in COMMON:
                    warnings.append(f"{where}: alias {a!r} is a common Russian word")
                if len(fa) <= 2:
                    warnings.append(f"{where}: alias {a!r} is very short")
                if fa in alias_owner and alias_owner[fa][0] != eid:
                    errors.append(f"{where}: alias {a!r} of {eid} also belongs to {alias_owner[fa][0]} ({alias_owner[fa][1]})")
                else:
                    alias_owner[fa] = (eid, where)
        counts[path.name] = c
    return counts


def check_lexicon(files, errors):
    counts = {}
    for path in files:
        seen, c = set(), 0
        for n, (lemma, cls, gender, forms, note) in rows(path, 5, errors):
            c += 1
            where = f"{path.name}:{n}"
            if cls not in ("first", "surname", "patronymic"):
                errors.append(f"{where}: class {cls!r}")
            if gender not in ("m", "f", "-"):
                errors.append(f"{where}: gender {gender!r}")
            if not lemma or not lemma[0].isupper():
                errors.append(f"{where}: lemma {lemma!r} should be capitalised")
            if (lemma, cls) in seen:
                errors.append(f"{where}: duplicate {lemma} ({cls})")
            seen.add((lemma, cls))
        counts[path.name] = c
    return counts


def check_sentences(path, errors):
    c, per_type = 0, defaultdict(int)
    for n, (sent, expected) in rows(path, 2, errors):
        c += 1
        pos = 0
        for item in [x for x in expected.split("|") if x]:
            typ, _, surface = item.partition(":")
            if typ not in ("PER", "ORG", "LOC"):
                errors.append(f"{path.name}:{n}: bad type in {item!r}")
            i = sent.find(surface, pos)
            if not surface or i < 0:
                errors.append(f"{path.name}:{n}: {item!r} not found in order")
                continue
            per_type[typ] += 1
            pos = i + len(surface)
    return c, dict(per_type)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--reserved",
        default="per:bagdat-musin,org:mcriap,org:nit,org:sber,per:askar-mamin,per:german-gref",
        help="comma-separated ids defined elsewhere (seeds_domain.tsv)",
    )
    args = ap.parse_args()
    errors, warnings = [], []
    ent = sorted((ROOT / "dictionaries" / "entities").glob("*.tsv"))
    counts = check_entities(ent, [r for r in args.reserved.split(",") if r], errors, warnings)
    counts.update(check_lexicon(sorted((ROOT / "dictionaries" / "lexicon").glob("kz_*.tsv")), errors))
    sents = ROOT / "tests" / "data" / "kz_sentences.tsv"
    if sents.exists():
        c, per_type = check_sentences(sents, errors)
        counts[sents.name] = f"{c} sentences, expected mentions {per_type}"
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("error:", e)
    for name, c in counts.items():
        print(f"{name}: {c}")
    print(f"{len(errors)} errors, {len(warnings)} warnings")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
