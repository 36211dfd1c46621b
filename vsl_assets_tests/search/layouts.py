"""Search indexes as older versions of the product wrote them, for the upgrade tests."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import tantivy


def tantivy_before_word_pairs(path: Path) -> tantivy.Index:
    """Turn the tantivy index at ``path`` (``vsl.tantivy/``) into one of the layout before the pair
    field: an empty index of side-table schema 3 (no "pairs" field), its side table marked 3.  The
    side table's rows are kept; the caller may add documents of that layout to the index returned."""
    shutil.rmtree(path / "index")
    (path / "index").mkdir()
    builder = tantivy.SchemaBuilder()  # the layout of schema 3
    builder.add_text_field("terms", stored=False, tokenizer_name="whitespace", index_option="position")
    builder.add_unsigned_field("vsl", indexed=True, fast=True)
    builder.add_unsigned_field("sid", fast=True)
    index = tantivy.Index(builder.build(), path=str(path / "index"))
    with closing(sqlite3.connect(path / "side.db")) as conn, conn:
        conn.execute("UPDATE meta SET value = '3' WHERE name = 'schema'")
    return index
