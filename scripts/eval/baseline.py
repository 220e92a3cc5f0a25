"""What the dense measurements share with `server assistant-eval`'s baseline: the folding
(NFC → no diacritics → letters and digits), syllables and syllable pairs as terms, and a plain
document-level BM25 (k1 1.2, b 0.75) over them. Imported by dense_rerank.py and dense_windows.py
(a script's own folder is on Python's path)."""
import collections
import math
import re
import unicodedata


def fold(text):
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text))
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D")
    return re.findall(r"[a-z0-9]+", text.lower())


def terms(text):
    s = fold(text)
    return s + [f"{a}_{b}" for a, b in zip(s, s[1:])]


class Bm25:
    def __init__(self, texts, k1=1.2, b=0.75):
        self.k1, self.b, self.post, self.len = k1, b, collections.defaultdict(list), []
        for i, t in enumerate(texts):
            tf = collections.Counter(terms(t))
            self.len.append(sum(tf.values()))
            for term, f in tf.items():
                self.post[term].append((i, f))
        self.n, self.avg = len(texts), sum(self.len) / max(1, len(texts))

    def scores(self, q):
        """Each matching document's score, by its index in `texts`."""
        out = collections.defaultdict(float)
        for t in set(terms(q)):
            p = self.post.get(t, [])
            idf = math.log(1 + (self.n - len(p) + 0.5) / (len(p) + 0.5))
            for i, f in p:
                out[i] += idf * f * (self.k1 + 1) / (f + self.k1 * (1 - self.b + self.b * self.len[i] / self.avg))
        return out

    def top(self, q, k):
        """The best `k` (index, score), best first."""
        return collections.Counter(self.scores(q)).most_common(k)
