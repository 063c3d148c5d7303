#!/usr/bin/env python3
"""Builds dictionaries/lexicon/opencorpora-names.lex.gz: Russian first names, surnames,
patronymics and toponyms with every inflected form, from OpenCorpora's dictionary as
compiled in the PyPI package pymorphy3-dicts-ru (data CC BY-SA 3.0).

Run it from the repository root (versions pinned in tools/requirements.txt):

    python3 -m venv /tmp/lexvenv
    /tmp/lexvenv/bin/pip install -r tools/requirements.txt
    /tmp/lexvenv/bin/python tools/build_lexicon.py

The output is deterministic: the same package versions give byte-identical files.
The format is described in the file's own header and in dictionaries/lexicon/README.md;
src/dict/lexicon/load.rs reads it.
"""

import argparse
import collections
import gzip
import io
import os
import sys

import pymorphy3
import pymorphy3_dicts_ru

# OpenCorpora grammeme -> our class name. A lexeme carries exactly one of them.
CLASSES = {"Name": "first", "Surn": "surname", "Patr": "patronymic", "Geox": "toponym"}
# Parses with any of these are proper nouns or initials, never "common words".
PROPER = {"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Init"}
# Parses that do not make a name form a risky common word: possessive adjectives are
# derived from names themselves (Иванова книга), Erro/Dist are misspellings.
NOT_COMMON = {"Poss", "Erro", "Dist"}
CASES = {
    "nomn": "n", "gent": "g", "gen1": "g", "gen2": "g", "datv": "d", "accs": "a",
    "acc2": "a", "ablt": "i", "loct": "l", "loc1": "l", "loc2": "l", "voct": "v",
}
CASE_ORDER = "ngdailv"
GENDERS = {"masc": "m", "femn": "f"}  # everything else (ms-f, neut, GNdr, none) is "c"


def fold(word):
    """Folds like gazetka's text::fold_str for the characters dictionary words contain."""
    word = word.lower().replace("ё", "е")
    for dash in "‐‑‒–—―−":
        word = word.replace(dash, "-")
    for apostrophe in "’‘‚‛`´ʼ":
        word = word.replace(apostrophe, "'")
    return word


def form_code(tag):
    """`gcn`: gender m/f/c, case n/g/d/a/i/l/v, number s/p."""
    grammemes = tag.grammemes
    gender = next((GENDERS[g] for g in grammemes if g in GENDERS), "c")
    case = next((CASES[g] for g in grammemes if g in CASES), None)
    if case is None:
        raise ValueError(f"no case in {tag}")
    number = "p" if "plur" in grammemes else "s"
    return gender + case + number


def code_order(code):
    return ("sp".index(code[2]), CASE_ORDER.index(code[1]), "mfc".index(code[0]))


def edit(lemma, form):
    """`cut:add`: drop `cut` characters from the end of the lemma, then append `add`."""
    prefix = 0
    for a, b in zip(lemma, form):
        if a != b:
            break
        prefix += 1
    return len(lemma) - prefix, form[prefix:]


def collect(dictionary):
    """Scans every word of the dictionary once.

    Returns the name lexemes {(class, lemma): {(folded form, code)}} and the set of folded
    written forms that have at least one common-word parse.
    """
    lexemes = collections.defaultdict(set)
    common = set()
    tag_cache = {}
    for word, (para_id, idx) in dictionary.words.iteritems():
        key = (para_id, idx)
        tag = tag_cache.get(key)
        if tag is None:
            tag = tag_cache[key] = dictionary.build_tag_info(para_id, idx)
        grammemes = tag.grammemes
        classes = [CLASSES[g] for g in grammemes if g in CLASSES]
        if classes:
            if len(classes) != 1:
                raise ValueError(f"{word}: several classes in {tag}")
            lemma = dictionary.build_normal_form(para_id, idx, word)
            lexemes[(classes[0], lemma)].add((fold(word), form_code(tag)))
        elif not (grammemes & PROPER) and not (grammemes & NOT_COMMON):
            common.add(fold(word))
    return lexemes, common


def name_share(morph, form):
    """Percent of OpenCorpora's corpus occurrences of `form` read as a name, or None."""
    estimator = morph.prob_estimator.p_t_given_w
    total = named = 0.0
    for parse in morph.parse(form):
        if not parse.is_known:
            continue
        p = estimator.prob(form, parse.tag)
        total += p
        grammemes = parse.tag.grammemes
        if (grammemes & PROPER) or (grammemes & NOT_COMMON):
            named += p
    if total <= 0:
        return None
    return round(100 * named / total)


def build(morph):
    lexemes, common = collect(morph.dictionary)
    paradigm_ids = {}
    lemma_lines = []
    stats = collections.Counter()
    name_forms = set()
    for (cls, lemma) in sorted(lexemes, key=lambda k: (list(CLASSES.values()).index(k[0]), k[1])):
        forms = lexemes[(cls, lemma)]
        folded_lemma = fold(lemma)
        edits = sorted(
            {(*edit(folded_lemma, form), code) for form, code in forms},
            key=lambda e: (code_order(e[2]), e[0], e[1]),
        )
        for cut, add, code in edits:
            if any(c in add for c in ": \t\n"):
                raise ValueError(f"{lemma}: form suffix {add!r} has a separator character")
        paradigm = " ".join(f"{cut}:{add}:{code}" for cut, add, code in edits)
        pid = paradigm_ids.setdefault(paradigm, len(paradigm_ids))
        if any(c in lemma for c in "\t\n") or not lemma:
            raise ValueError(f"bad lemma {lemma!r}")
        lemma_lines.append(f"{lemma}\t{cls}\t{pid}")
        stats[f"lemmas {cls}"] += 1
        stats[f"analyses {cls}"] += len(edits)
        cls_forms = {form for form, _ in forms}
        stats[f"forms {cls}"] += len(cls_forms)
        name_forms |= cls_forms
    ambiguous = sorted(name_forms & common)
    shares = {form: name_share(morph, form) for form in ambiguous}
    stats["lemmas"] = len(lemma_lines)
    stats["paradigms"] = len(paradigm_ids)
    stats["distinct forms"] = len(name_forms)
    stats["ambiguous forms"] = len(ambiguous)
    stats["ambiguous forms with corpus share"] = sum(1 for s in shares.values() if s is not None)
    return paradigm_ids, lemma_lines, ambiguous, shares, stats


HEADER = """\
# gazetka name lexicon, generated by tools/build_lexicon.py: do not edit by hand.
# Source: OpenCorpora dictionary (opencorpora.org, revision {revision}), as compiled in the
# PyPI package pymorphy3-dicts-ru {version}. Licence: CC BY-SA 3.0; this file is a
# derived work under the same licence (see dictionaries/lexicon/README.md).
# Forms are folded: lower case, ё written е.
# P<TAB>edits       paradigm, numbered from 0 in file order; edits separated by spaces,
#                   each CUT:ADD:GCN = drop CUT characters from the end of the folded lemma,
#                   append ADD; G gender m/f/c, C case n/g/d/a/i/l/v, N number s/p.
# L<TAB>lemma<TAB>class<TAB>paradigm   class: first|surname|patronymic|toponym
# A<TAB>form<TAB>share   the written form also has a common-word parse in OpenCorpora;
#                   share = percent of corpus occurrences read as a name, `-` if unknown.
"""


def write(path, morph, paradigm_ids, lemma_lines, ambiguous, shares):
    meta = morph.dictionary.meta
    out = io.StringIO()
    out.write(HEADER.format(revision=meta.get("source_revision"), version=pymorphy3_dicts_ru.__version__))
    for paradigm in paradigm_ids:  # dicts keep insertion order = id order
        out.write(f"P\t{paradigm}\n")
    for line in lemma_lines:
        out.write(f"L\t{line}\n")
    for form in ambiguous:
        share = shares[form]
        out.write(f"A\t{form}\t{'-' if share is None else share}\n")
    data = out.getvalue().encode("utf-8")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(data)
    return len(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="dictionaries/lexicon/opencorpora-names.lex.gz")
    args = parser.parse_args()
    morph = pymorphy3.MorphAnalyzer()
    paradigm_ids, lemma_lines, ambiguous, shares, stats = build(morph)
    size = write(args.out, morph, paradigm_ids, lemma_lines, ambiguous, shares)
    for key in sorted(stats):
        print(f"{key}: {stats[key]}", file=sys.stderr)
    print(f"wrote {args.out}: {size} bytes, {os.path.getsize(args.out)} gzipped", file=sys.stderr)


if __name__ == "__main__":
    main()
