"""English wording of counts for the command line and build reports: "1 document", "2 documents"."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and ``noun``, singular for exactly one, else ``plural`` (``noun + "s"`` by default)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
