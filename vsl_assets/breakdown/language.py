"""Guess a transcript's language when the file does not say (SRT, VTT, TXT).

Counting very common function words is enough to tell pt, en and es apart on a few sentences, and
it costs nothing.  A few other languages are listed only so that a French or German transcript is
recognised as *not supported* instead of being forced into the closest of the three.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_STOPWORDS: dict[str, frozenset[str]] = {
    "pt": frozenset(
        "o a os as um uma de do da dos das em no na nos nas que não é você vocês com para por mais mas "
        "isso esse essa eu ele ela eles foi tem está tá muito também seu sua quando porque então ao".split()
    ),
    "en": frozenset(
        "the a an of and to in is it you that this for with on are was be have not but what your my "
        "they will can just about if so at we do all".split()
    ),
    "es": frozenset(
        "el la los las un una de del en que no es usted tú con para por más pero esto ese esa yo él "
        "ella fue tiene está muy también su cuando porque entonces al y lo le se".split()
    ),
    "fr": frozenset(
        "le la les un une de des du en que ne pas est vous avec pour par plus mais ce cette je il elle "
        "et qui dans sur au nous".split()
    ),
    "de": frozenset(
        "der die das ein eine und ist nicht sie mit für auf den dem ich es zu von wir auch aber wenn noch wie".split()
    ),
    "it": frozenset(
        "il lo la gli le un una di del della che non è con per più ma questo questa io lui lei sono "
        "anche perché quando".split()
    ),
}

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def guess_language(texts: Iterable[str], *, max_words: int = 3000) -> str | None:
    """The ISO-639-1 code whose function words are most frequent, or None with too little evidence.

    Only words unique to one language count, so the shared "de", "que", "a" decide nothing.
    """
    unique = {
        lang: words - frozenset().union(*(w for other, w in _STOPWORDS.items() if other != lang))
        for lang, words in _STOPWORDS.items()
    }
    counts: Counter[str] = Counter()
    seen = 0
    for text in texts:
        for word in _WORD.findall(text.lower()):
            seen += 1
            for lang, words in unique.items():
                if word in words:
                    counts[lang] += 1
            if seen >= max_words:
                break
        if seen >= max_words:
            break
    if not counts:
        return None
    (best, n), *rest = [*counts.most_common(2), ("", 0)]
    runner_up = rest[0][1]
    return best if n >= 2 and n > runner_up else None
