#!/usr/bin/env python3
"""Asks a running handbook's `/api/v1/search` every question of a TSV (question, gold title),
with and without diacritics, and prints Recall@1 and Recall@5 beside a plain document-level BM25
over folded syllables and syllable pairs, computed here over the same documents (the baseline).
Usage: python3 scripts/eval/search_eval.py BASE_URL QUESTIONS.tsv DOCUMENTS.jsonl
The demo administrator signs in (sees every published document)."""
import collections
import json
import math
import re
import sys
import unicodedata
import urllib.error
import urllib.parse
import urllib.request

base, questions_path, documents_path = sys.argv[1:4]


def fold(text):
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text))
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D")
    return text.lower()


def terms(text):
    syl = re.findall(r"[a-z0-9]+", fold(text))
    return syl + [f"{a}_{b}" for a, b in zip(syl, syl[1:])]


class Bm25:
    def __init__(self, docs, k1=1.2, b=0.75):
        self.titles = [title for title, _ in docs]
        self.postings = collections.defaultdict(list)
        lengths = []
        for i, (_, text) in enumerate(docs):
            tf = collections.Counter(terms(text))
            lengths.append(sum(tf.values()))
            for t, f in tf.items():
                self.postings[t].append((i, f))
        avg = sum(lengths) / len(lengths)
        self.norm = [k1 * (1 - b + b * length / avg) for length in lengths]
        self.k1, self.n = k1, len(docs)

    def top(self, query, k=5):
        scores = collections.defaultdict(float)
        for t in set(terms(query)):
            posting = self.postings.get(t, [])
            idf = math.log((self.n - len(posting) + 0.5) / (len(posting) + 0.5) + 1)
            for i, f in posting:
                scores[i] += idf * f * (self.k1 + 1) / (f + self.norm[i])
        best = sorted(scores.items(), key=lambda kv: -kv[1])[:k]
        return [self.titles[i] for i, _ in best]


opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
login = urllib.request.Request(f"{base}/api/login", data=b"identifier=0900000001&password=sotay2024", headers={"Accept": "application/json"})
opener.open(login).read()


def search(q):
    url = f"{base}/api/v1/search?" + urllib.parse.urlencode({"q": q, "limit": 20})
    try:
        hits = json.loads(opener.open(url).read())["hits"]
    except urllib.error.HTTPError as refused:  # a question the server refuses is a miss
        print(f"refused ({refused.code}): {q[:80]}", file=sys.stderr)
        return []
    seen = []
    for h in hits:
        if h["title"] not in seen:
            seen.append(h["title"])
    return seen[:5]


questions = [line.rstrip("\n").split("\t") for line in open(questions_path, encoding="utf-8") if "\t" in line]
docs = [(d["title"], d["text"]) for d in map(json.loads, open(documents_path, encoding="utf-8"))]
bm25 = Bm25(docs)
rows = []
for label, ask in [("library search", search), ("plain BM25 baseline", bm25.top)]:
    for accents, shape in [("with diacritics", lambda q: q), ("without diacritics", fold)]:
        r1 = r5 = 0
        for q, gold in questions:
            top = ask(shape(q))
            r1 += bool(top) and top[0] == gold
            r5 += gold in top
        rows.append((label, accents, r1 / len(questions), r5 / len(questions)))
print(f"{len(questions)} questions over {len(docs)} documents")
for label, accents, r1, r5 in rows:
    print(f"{label:22} {accents:20} Recall@1 {r1:.3f}  Recall@5 {r5:.3f}")
