"""Regular expressions compiled on first use, once per process.

The breakdown's readers keep a few hundred patterns at module level.  Compiled at import they cost
~0.1 s of CPU in every process that imports the breakdown -- each Dagster run process loads every
asset's module, and most of them (a download, a transcription) never read a transcript.
:func:`lazy` takes the same arguments as ``re.compile`` and gives an object that compiles the
pattern the first time one of its methods is used, then keeps the compiled pattern's own bound
method on itself: the same matches, and after the first call the same speed as the compiled
pattern (one attribute lookup).

A pattern whose text is itself costly to build (a label's cue phrases, each read again with its numbers
as digits: :mod:`.cues`) gives ``lazy`` a function that returns the text instead of the text; it is
called on first use too, just before the compile.  This is the breakdown's one way of compiling a
pattern when it is first needed.

It stands in for the pattern's methods and attributes (``search``, ``finditer``, ``sub``, ``pattern``,
``groupindex``...), not for the type: ``re.search(lazy_pattern, text)`` and ``isinstance(x, re.Pattern)``
do not accept it.  The modules that use it call the pattern's methods only.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any, cast

__all__ = ["LazyPattern", "lazy"]

# Re-entrant: building a text (cues._source) uses other lazy patterns (numbers.words_to_digits).
_compiling = threading.RLock()


class LazyPattern:
    """``re.compile(source, flags)`` when first used (see the module's docstring)."""

    __slots__ = ("__dict__", "_compiled", "_flags", "_source")

    def __init__(self, source: str | Callable[[], str], flags: int = 0) -> None:
        self._source = source
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if it was not yet; once, even with threads)."""
        found = self._compiled
        if found is None:
            with _compiling:
                found = self._compiled
                if found is None:
                    source = self._source if isinstance(self._source, str) else self._source()
                    found = self._compiled = re.compile(source, self._flags)
        return found

    def __getattr__(self, name: str) -> Any:
        # Only called for what the object does not hold yet: the first use of each method.
        if name.startswith("__"):  # copy, pickle and the like probe for protocols: not the pattern's
            raise AttributeError(name)
        value = getattr(self.compiled(), name)
        self.__dict__[name] = value
        return value

    def __repr__(self) -> str:
        return f"lazy({self._source!r}, {self._flags!r})"


def lazy(source: str | Callable[[], str], flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, compiled on first use (``source()`` first, when it is a function);
    typed as the pattern it stands in for."""
    return cast("re.Pattern[str]", LazyPattern(source, flags))
