#!/usr/bin/env bash
# Opens gazetka's --excel CSV in a real spreadsheet program (LibreOffice Calc, headless) and
# checks what a Russian-locale user would see: the columns, Cyrillic text, numbers with a
# decimal comma read as numbers, and formula-looking cells kept as text.
#
# Usage: tools/check_excel.sh [GAZETKA_BINARY]     (default: cargo run --release)
# Needs: soffice (Debian: apt-get install libreoffice-calc), python3. Exit 0 when all is well.
#
# The import uses the options a user picks in Calc's "Text Import" dialog for these files:
# separator ';', text delimiter '"', UTF-8 (76), from line 1, language Russian (1049), and
# "Evaluate formulas" ON (the default in LibreOffice 7.x), so an un-neutralised `=1+1` would
# become a formula. A control file proves that it does.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ge 1 ]; then gazetka=("$1"); else gazetka=(cargo run --release --quiet --); fi
command -v soffice >/dev/null || { echo "check_excel: soffice not found (apt-get install libreoffice-calc)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/xlsx"
# Documents whose ids look like formulas (ids come from file names) and amounts with kopecks.
printf 'Министр заявил: сумма 1,5 млн тенге и 2134472,44 рубля.' > "$work/corpus/=1+1.txt"
printf 'Ещё 300 долларов на «ёлочки».' > "$work/corpus/-5.txt"
printf 'Выделено 2 млн тенге.' > "$work/corpus/@x.txt"
printf '\xef\xbb\xbfa;b\n=1+1;4,8\n' > "$work/control.csv"

"${gazetka[@]}" extract "$work/corpus" --excel --out "$work/out" --quiet
files=(money mentions entities quotes)
csvs=()
for f in "${files[@]}"; do csvs+=("$work/out/$f.csv"); done
soffice -env:UserInstallation="file://$work/profile" --headless --norestore \
  --infilter="CSV:59,34,76,1,,1049,false,false,false,false,false,-1,true" \
  --convert-to xlsx --outdir "$work/xlsx" "$work/control.csv" "${csvs[@]}" >"$work/soffice.log" 2>&1 \
  || { cat "$work/soffice.log" >&2; exit 1; }

python3 - "$work" "${files[@]}" <<'PY'
"""Reads the .xlsx files back (cell types and values from the sheet XML) and checks them."""
import sys, zipfile, re
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
work, names = sys.argv[1], sys.argv[2:]
problems = []

def sheet(path):
    """Rows of (type, value, has_formula) cells, by column letter."""
    z = zipfile.ZipFile(path)
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    rows = []
    for row in ET.fromstring(z.read("xl/worksheets/sheet1.xml")).iter("{%s}row" % NS["m"]):
        cells = {}
        for c in row.findall("m:c", NS):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            v = c.find("m:v", NS)
            value = v.text if v is not None else None
            kind = c.get("t", "n")
            if kind == "s" and value is not None:
                value = shared[int(value)]
            cells[col] = (kind, value, c.find("m:f", NS) is not None)
        rows.append(cells)
    return rows

def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        problems.append(what)

control = sheet(f"{work}/xlsx/control.xlsx")
check(control[1]["A"][2] and control[1]["A"][1] == "2",
      "control: an un-neutralised =1+1 is evaluated by this import (so the checks below mean something)")
check(control[1]["B"] == ("n", "4.8", False), "control: 4,8 is read as the number 4.8 (Russian locale)")

for name in names:
    rows = sheet(f"{work}/xlsx/{name}.xlsx")
    with open(f"{work}/out/{name}.csv", encoding="utf-8-sig") as f:
        header = f.readline().rstrip("\n").split(";")
    got = [rows[0][c][1] for c in sorted(rows[0], key=lambda c: (len(c), c))]
    check(got == header, f"{name}: {len(header)} columns, header intact ({';'.join(got)})")
    formulas = [(i, c) for i, r in enumerate(rows) for c, cell in r.items() if cell[2]]
    check(not formulas, f"{name}: no cell became a formula")

money = sheet(f"{work}/xlsx/money.xlsx")
col = {cell[1]: c for c, cell in money[0].items()}
by_text = {r[col["text"]][1]: r for r in money[1:]}

def cell(text, column):
    r = by_text.get(text)
    return r.get(col[column]) if r else None

check(cell("1,5 млн тенге", "amount") == ("n", "1500000", False), "money: 1,5 млн тенге → number 1500000")
check(cell("2134472,44 рубля", "amount") == ("n", "2134472.44", False),
      "money: Cyrillic text intact and 2134472,44 → number 2134472.44")
check(cell("300 долларов", "amount") == ("n", "300", False), "money: 300 долларов → number 300")
check(cell("1,5 млн тенге", "start") == ("n", "22", False), "money: offsets are numbers")
for text, doc_id in [("1,5 млн тенге", "'=1+1"), ("300 долларов", "'-5"), ("2 млн тенге", "'@x")]:
    check(cell(text, "doc_id") == ("s", doc_id, False), f"money: document id {doc_id[1:]} stays text ({doc_id})")
check(cell("1,5 млн тенге", "currency") == ("s", "KZT", False), "money: currency KZT is text")

if problems:
    print(f"check_excel: {len(problems)} problem(s)")
    sys.exit(1)
print("check_excel: LibreOffice reads the --excel files as intended")
PY
