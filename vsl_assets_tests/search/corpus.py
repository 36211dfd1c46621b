"""Small documents the search backends' tests index (written for these tests)."""

from __future__ import annotations

from vsl_assets.search import Segment, VslDocument


def bulk_docs(n: int, prefix: str = "b") -> list[VslDocument]:
    """``n`` VSLs of 7 one-second segments each, every one saying the same phrase with its own
    VSL word (``vsl<i>``) and part number, so totals, hits per VSL and positions are known."""
    return [
        VslDocument(
            key=f"{prefix}{i}",
            url="https://x",
            language="pt",
            segments=[Segment(float(j), float(j + 1), f"vsl{i} garantia de trinta dias, parte {j}") for j in range(7)],
        )
        for i in range(n)
    ]
