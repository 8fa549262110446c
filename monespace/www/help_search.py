"""The search of « Aide & contact »: the guides and the questions whose texts hold every word
typed, whatever the accents and the case (« brouillon » finds « Brouillons », « reglement »
finds « Règlements »), each with a short excerpt around the first word found.

Texts are folded with unicodedata (NFKD, combining marks dropped, casefold); the excerpt is cut
from the original text thanks to a map of folded positions back to original ones. The whole
content is a few dozen kilobytes held in guides.py: a plain scan per query, no index, no
database.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from monespace.core.forms import Form

from . import guides

MAX_QUERY_LENGTH = 200
EXCERPT_LENGTH = 180
# Short French words that would match nearly everything: dropped from a query that has others.
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "c",
        "ce",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "j",
        "je",
        "l",
        "la",
        "le",
        "les",
        "ma",
        "mes",
        "mon",
        "ne",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "s",
        "sa",
        "se",
        "ses",
        "sur",
        "un",
        "une",
        "y",
    ]
)
_LIGATURES = {"œ": "oe", "æ": "ae", "’": "'", "ʼ": "'"}


def _fold_char(char: str) -> str:
    char = _LIGATURES.get(char.lower(), char)
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """« Règlements » → « reglements »: no accent, no case, ligatures spelt out. Kept per
    text: the guides' and questions' texts are folded once per process, not per search."""
    return "".join(_fold_char(char) for char in text)


def _fold_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original one."""
    folded: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        for piece in _fold_char(char):
            folded.append(piece)
            positions.append(index)
    return "".join(folded), positions


def query_words(query: str) -> list[str]:
    """The folded words of a query, without duplicates; single letters and stop words only
    when there is nothing else (« e-mail » looks for « mail », « code d'activation » for
    « code » and « activation »)."""
    words = list(dict.fromkeys(re.findall(r"\w+", fold(query))))
    meaningful = [w for w in words if len(w) > 1 and w not in STOP_WORDS]
    return meaningful or words


@dataclass(frozen=True)
class Result:
    """A guide (``kind`` "guide", ``slug`` of the guide) or a question (``kind`` "question",
    ``slug`` its anchor on the FAQ page), with its excerpt as (text, matched) parts."""

    kind: str
    slug: str
    title: str
    excerpt: tuple[tuple[str, bool], ...]

    @property
    def is_guide(self) -> bool:
        return self.kind == "guide"


def excerpt(
    text: str, words: list[str], length: int = EXCERPT_LENGTH
) -> tuple[tuple[str, bool], ...]:
    """About ``length`` characters of ``text`` around the first word found, cut at spaces, with
    every occurrence of the words marked."""
    folded, positions = _fold_with_positions(text)
    spans: list[tuple[int, int]] = []
    for word in words:
        for match in re.finditer(re.escape(word), folded):
            spans.append((positions[match.start()], positions[match.end() - 1] + 1))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    first = merged[0][0] if merged else 0
    begin = max(0, first - length // 3)
    if begin:
        space = text.find(" ", begin, first)
        begin = space + 1 if space != -1 else begin
    end = min(len(text), begin + length)
    if end < len(text):
        space = text.rfind(" ", max(first, begin), end)
        end = space if space > first else end
    parts: list[tuple[str, bool]] = [("… ", False)] if begin else []
    cursor = begin
    for start, stop in merged:
        start, stop = max(start, begin), min(stop, end)
        if start >= stop:
            continue
        if start > cursor:
            parts.append((text[cursor:start], False))
        parts.append((text[start:stop], True))
        cursor = stop
    if cursor < end:
        parts.append((text[cursor:end], False))
    if end < len(text):
        parts.append((" …", False))
    return tuple(parts)


def _match(title: str, texts: list[str], words: list[str]) -> tuple[int, str] | None:
    """(words found in the title, the text to quote) when every word is somewhere, else None."""
    folded = [fold(t) for t in texts]
    whole = "\n".join(folded)
    if not all(word in whole for word in words):
        return None
    in_title = sum(word in folded[0] for word in words)
    # Quote the first text (after the title) holding a word; the next one if only the title does.
    for text, folded_text in zip(texts[1:], folded[1:], strict=True):
        if any(word in folded_text for word in words):
            return in_title, text
    return in_title, texts[1] if len(texts) > 1 else title


def search(query: str) -> list[Result]:
    """Guides, then questions, that hold every word of ``query``; those with more words in their
    title first."""
    words = query_words(query)
    if not words:
        return []
    found: list[tuple[int, int, Result]] = []
    entries = [("guide", g.slug, g.texts()) for g in guides.GUIDES] + [
        ("question", q.slug, q.texts()) for q in guides.QUESTIONS
    ]
    for order, (kind, slug, lazy_texts) in enumerate(entries):
        texts = [str(t) for t in lazy_texts]
        matched = _match(texts[0], texts, words)
        if matched is None:
            continue
        in_title, quoted = matched
        found.append((-in_title, order, Result(kind, slug, texts[0], excerpt(quoted, words))))
    found.sort(key=lambda row: (row[0], row[1]))
    return [result for _score, _order, result in found]


class HelpSearchForm(Form):
    """« Rechercher dans l'aide » (GET ``q``): an over-long query is refused next to the field."""

    q = forms.CharField(
        label=_("Rechercher dans l'aide"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Un ou plusieurs mots, par exemple : brouillon, facture, code d'activation."),
        error_messages={
            "max_length": _(
                "Votre recherche est trop longue : %(limit_value)d caractères au plus "
                "(elle en compte %(show_value)d). Raccourcissez-la."
            )
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
