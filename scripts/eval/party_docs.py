#!/usr/bin/env python3
"""Questions over the real Party pages in ../shared/corpus/party_docs/, written by this script
from the pages' own sub-headings, with the page that holds them as gold.

Law-portal pages answer questions under question headings ("## Đảng viên ... như thế nào?",
"**... bao nhiêu?**"); each such heading that is not the page's own title, found on one page
only, becomes a question, and its line is taken out of the page (the answer under it stays), as
the codes' article titles are kept out of their articles. The two official texts (the Charter, Hướng dẫn 37) join the library
as distractors. Nobody on this project wrote a question.

Law-portal pages copy each other's sections (the Charter's articles on members' duties, the
steps of the year-end review), so a question's answer is often word for word on other pages
too. Those pages are listed after the gold one: an answer citing one of them quotes the same
text. A page counts when it holds at least half of the answer's three-word sequences (the
answer: the text under the question's heading, up to the next heading, at most 1,500
characters, and at least 20 such sequences).

Writes, into the folder given (default ./data/eval/party-docs):
  - `documents.jsonl`: every page, titled by its own title, for `server import`;
  - `questions.tsv`: question, gold page title, then the titles of other pages holding its
    answer (tab-separated).
Usage: python3 scripts/eval/party_docs.py [OUT_DIR] [CORPUS_DIR]
"""
import collections
import json
import pathlib
import re
import sys
import unicodedata

out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "data/eval/party-docs")
corpus = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else pathlib.Path(__file__).resolve().parents[3] / "shared/corpus/party_docs")
out.mkdir(parents=True, exist_ok=True)


def fold(text):
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text))
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D")
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


LINK_LEADS = ("nóng:", "nóng :", "xem thêm", "tải về", "tải file", "tải mẫu")
HEADING = re.compile(r"^(?:#{2,6}\s*(.+?)|\*\*(.+?)\*\*)\s*$", re.M)

pages = [json.loads(line) for line in open(corpus / "tai_lieu_noi_bo_party_subset.jsonl", encoding="utf-8")]
documents = []
for page in pages:
    documents.append({"id": page["id"], "title": " ".join(page["title"].split()), "type": "Tài liệu", "text": page["text"]})
for md in sorted(corpus.glob("*.md")):
    text = md.read_text(encoding="utf-8")
    first = next((line.strip("#* ") for line in text.splitlines() if line.strip("#*| ")), md.stem)
    documents.append({"id": md.stem, "title": " ".join(first.split())[:200], "type": "Văn bản", "text": text})

found = collections.defaultdict(set)
answers = {}
for page in pages:
    title = " ".join(page["title"].split())
    for m in HEADING.finditer(page["text"]):
        heading = " ".join((m.group(1) or m.group(2)).strip("*_ >").split())
        if not heading.endswith("?") or not 15 <= len(heading) <= 300:
            continue
        if unicodedata.normalize("NFC", heading).lower().startswith(LINK_LEADS):
            continue  # a teaser linking to another page ("Nóng: …?"), not a question this page answers
        if fold(heading) in fold(title) or fold(title) in fold(heading):
            continue  # the page's own title, repeated: no question to answer
        found[heading].add(title)
        following = HEADING.search(page["text"], m.end())
        answers[heading] = page["text"][m.end():following.start() if following else None][:1500]

titles = [" ".join(page["title"].split()) for page in pages]


def elsewhere(question, gold):
    """Whether another page's title asks it too: that page answers it as well."""
    return any(t != gold and fold(question) in fold(t) for t in titles)


questions = sorted((q, next(iter(golds))) for q, golds in found.items() if len(golds) == 1 and not elsewhere(q, next(iter(golds))))
# As with the codes' article titles, the question itself is not in the page: its heading line is
# taken out, the answer under it stays.
asked = {q for q, _ in questions}


def without_questions(text):
    def keep(m):
        heading = " ".join((m.group(1) or m.group(2)).strip("*_ >").split())
        return "" if heading in asked else m.group(0)
    return HEADING.sub(keep, text)


def trigrams(text):
    words = fold(text).split()
    return set(zip(words, words[1:], words[2:]))


page_trigrams = [(d["title"], trigrams(d["text"])) for d in documents]


def also_holding(question, gold):
    """Titles of the other pages that hold the question's answer word for word."""
    answer = trigrams(answers[question])
    if len(answer) < 20:
        return []
    holding = [t for t, held in page_trigrams if t != gold and len(answer & held) * 2 >= len(answer)]
    return list(dict.fromkeys(holding))  # two texts may share a title


for d in documents:
    d["text"] = without_questions(d["text"])
with open(out / "documents.jsonl", "w", encoding="utf-8") as f:
    for d in documents:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
with open(out / "questions.tsv", "w", encoding="utf-8") as f:
    held = 0
    for q, gold in questions:
        also = also_holding(q, gold)
        held += bool(also)
        f.write("\t".join([q, gold, *also]) + "\n")
print(f"{len(documents)} pages, {len(questions)} questions ({held} answered word for word on other pages too) → {out}")
