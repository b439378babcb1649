"""Hearing a phrase the way the recogniser may have written it.

Whisper on telephone audio writes what the words sound like, not always what they were: 神经病 comes out as
闲经病, 再打来吧 as 该打来绑, "not my problem" as "nothing out my problem". Matching therefore compares units —
a Chinese character by its pinyin (tone-blind for homophones), an English word by its spelling — and aligns
the phrase's units with the heard ones, scoring each pair from 0 (unrelated) to 1 (the same).

Fuzzy matching is a trade: every sound-alike it accepts is also a chance to accuse an innocent sentence
(蠢货/存货, 笨蛋/本单, "not my problem"/"not a problem"). So the search is deliberately narrow:

- one-unit phrases only ever match exactly, and two-unit phrases only as near-homophones in ``loose`` mode;
- a near-homophone that is not a plain homophone counts only when its tone agrees, which is what separates a
  misheard 神 from the 是 of 是什么, and only when it is close (shen/xian, not ji/xun);
- a misheard unit at the edge of the phrase must sit at a pause, or it probably belongs to the next word;
- every phrase unit must be matched by a heard unit (a dropped 不 would turn an accusation into politeness),
  a negation must be heard as a negation, an English content word nearly as itself (only grammar words get
  garbled: "go to help" is no insult), and only longer phrases may contain a garbled unit;
- at most one extra heard unit is accepted, only beside a misheard unit (a garble smears over its
  neighbour), and never a negation.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from pypinyin import Style, lazy_pinyin
from pypinyin.contrib.tone_convert import to_finals, to_initials, to_normal

from ..domain import EXACT, LOOSE, NORMAL
from ..textnorm import is_cjk

# The similarity a hit needs in each mode; a rule's ``min_similarity`` overrides it.
THRESHOLDS = {EXACT: 1.0, NORMAL: 0.8, LOOSE: 0.7}
# Phrases shorter than this (in units) are only matched exactly in the given mode.
_MIN_FUZZY_UNITS = {EXACT: 10**9, NORMAL: 3, LOOSE: 2}

_HOMOPHONE = 0.95  # same pinyin, different character: tone-blind, since whisper picks characters by context
_TWO_UNIT_FLOOR = 0.9  # in a two-unit phrase every unit must be at least this close
_INSERT_COST = 0.25  # an extra short heard unit inside a garble

_CONTENT_FLOOR = 0.85  # an English content word may only differ by an ending ("problems" for "problem")

_NEGATIONS = frozenset({"不", "没", "别", "未", "无", "非", "莫", "not", "no", "never", "nothing", "nobody", "none",
                        "nor", "neither"})
# English words that carry grammar rather than meaning: the recogniser garbles them most, and a phrase's
# meaning survives it ("nothing out my problem"). Every other word is content and must be heard nearly as is,
# or "go to help" would be an insult.
_FUNCTION_WORDS = frozenset("""
a an the this that these those i me my mine you your yours he him his she her it its we us our they them their
who whom whose what which where when why how is am are was were be been being do does did done have has had
will would shall should can could may might must to of in on at by for with from up down out off over into
about as than then so too very just really already again still also and or but if because while there here
""".split())


class Syllable(NamedTuple):
    """A character's reading; a tuple, because similarities are cached by reading and tuples hash fast."""

    initial: str  # "" for a zero initial (安, 鱼)
    final: str  # pinyin final, "-i" for the apical vowel of 是/字, "v" for ü
    tone: int  # 1..4, 5 for the neutral tone


@dataclass(frozen=True)
class Unit:
    """One matchable unit of normalised text: a CJK character with its reading, or a Latin word or number."""

    text: str
    first: int  # span in the normalised text
    last: int
    syllable: Syllable | None = None


@dataclass(frozen=True)
class Match:
    first: int  # character span in the normalised text of the heard stream
    last: int
    similarity: float


# --- units ----------------------------------------------------------------------------------------------


def units(text: str) -> list[Unit]:
    """Split normalised text (see :func:`textnorm.normalize`) into units, reading CJK runs in context.

    Runs are read as a whole so that pypinyin can pick a polyphone's reading from its neighbours (还有 hai, 还款
    huan); a unit without a reading (kana, hangul) can still match itself exactly.
    """
    found: list[Unit] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        j = i + 1
        if is_cjk(text[i]):
            while j < len(text) and is_cjk(text[j]):
                j += 1
            found.extend(Unit(char, i + n, i + n + 1, syllable) for n, (char, syllable)
                         in enumerate(zip(text[i:j], _readings(text[i:j]))))
        else:
            while j < len(text) and not text[j].isspace() and not is_cjk(text[j]):
                j += 1
            found.append(Unit(text[i:j], i, j))
        i = j
    return found


@lru_cache(maxsize=4096)
def phrase_units(key: str) -> tuple[Unit, ...]:
    """:func:`units` of a normalised rubric phrase, cached: every segment of every call asks for them."""
    return tuple(units(key))


@lru_cache(maxsize=16384)
def _readings(run: str) -> tuple[Syllable | None, ...]:
    """One reading per character of a CJK run; cached because calls repeat the same words all day."""
    spelled = lazy_pinyin(run, style=Style.TONE3, neutral_tone_with_five=True, errors=lambda s: [""] * len(s))
    if len(spelled) != len(run):  # pypinyin merged something it could not read; read one by one instead
        spelled = [_spelling(char) for char in run]
    return tuple(_syllable(pinyin) if pinyin else None for pinyin in spelled)


def _spelling(char: str) -> str:
    return lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True, errors=lambda s: [""])[0]


def _syllable(pinyin: str) -> Syllable:
    tone = int(pinyin[-1]) if pinyin[-1].isdigit() else 5
    initial = to_initials(pinyin, strict=True)
    final = to_finals(pinyin, strict=True) or to_normal(pinyin)  # 嗯 n, 呣 m: a syllabic nasal
    if final == "i" and initial in _APICAL_INITIALS:
        final = "-i"
    if not initial:  # 我 wo, 一 yi: the glide is heard as an initial
        initial = _GLIDES.get(final[0], "")
    return Syllable(initial, final, tone)


# --- how alike two units sound ----------------------------------------------------------------------------

_APICAL_INITIALS = frozenset({"z", "c", "s", "zh", "ch", "sh", "r"})
_GLIDES = {"i": "y", "u": "w", "v": "y"}

# The usual near-homophones of Mandarin speakers and recognisers ("fuzzy pinyin" of input methods).
_FUZZY_INITIALS = frozenset(map(frozenset, (("z", "zh"), ("c", "ch"), ("s", "sh"), ("n", "l"), ("h", "f"))))
_FUZZY_FINALS = frozenset(map(frozenset, (("an", "ang"), ("en", "eng"), ("in", "ing"), ("ian", "iang"),
                                          ("uan", "uang"))))
_NEAR = 0.9  # what a fuzzy pair (zh/z, an/ang) is worth
_NEAR_FLOOR = 0.7  # a unit less alike than this is garbled: it earns nothing and only long phrases may have one

# Place and manner of articulation of each initial; sibilant places are half alike to each other.
_INITIAL_FEATURES = {
    "b": ("lab", "stop"), "p": ("lab", "stop"), "m": ("lab", "nasal"), "f": ("lab", "fric"),
    "d": ("alv", "stop"), "t": ("alv", "stop"), "n": ("alv", "nasal"), "l": ("alv", "lat"),
    "g": ("vel", "stop"), "k": ("vel", "stop"), "h": ("vel", "fric"),
    "j": ("pal", "affr"), "q": ("pal", "affr"), "x": ("pal", "fric"),
    "zh": ("ret", "affr"), "ch": ("ret", "affr"), "sh": ("ret", "fric"), "r": ("ret", "approx"),
    "z": ("den", "affr"), "c": ("den", "affr"), "s": ("den", "fric"),
    "y": ("pal", "glide"), "w": ("lab", "glide"),
}
_SIBILANT_PLACES = frozenset({"pal", "ret", "den"})

# Each final as (medial, nucleus, coda), by how it sounds: ian is [iɛn], so its nucleus is e.
_FINAL_PARTS = {
    "a": ("", "a", ""), "o": ("", "o", ""), "e": ("", "e", ""), "ai": ("", "a", "i"), "ei": ("", "e", "i"),
    "ao": ("", "a", "u"), "ou": ("", "o", "u"), "an": ("", "a", "n"), "en": ("", "e", "n"),
    "ang": ("", "a", "ng"), "eng": ("", "e", "ng"), "ong": ("", "u", "ng"), "er": ("", "e", "r"),
    "i": ("", "i", ""), "-i": ("", "ɨ", ""), "ia": ("i", "a", ""), "ie": ("i", "e", ""), "iao": ("i", "a", "u"),
    "iou": ("i", "o", "u"), "ian": ("i", "e", "n"), "in": ("", "i", "n"), "iang": ("i", "a", "ng"),
    "ing": ("", "i", "ng"), "iong": ("i", "u", "ng"), "u": ("", "u", ""), "ua": ("u", "a", ""),
    "uo": ("u", "o", ""), "uai": ("u", "a", "i"), "uei": ("u", "e", "i"), "uan": ("u", "a", "n"),
    "uen": ("u", "e", "n"), "uang": ("u", "a", "ng"), "ueng": ("u", "e", "ng"), "v": ("", "ü", ""),
    "ve": ("ü", "e", ""), "van": ("ü", "e", "n"), "vn": ("", "ü", "n"),
}
_CLOSE_NUCLEI = {frozenset(("e", "o")): 0.6, frozenset(("i", "ü")): 0.6, frozenset(("i", "ɨ")): 0.5,
                 frozenset(("ü", "ɨ")): 0.5, frozenset(("u", "o")): 0.5, frozenset(("u", "ü")): 0.5,
                 frozenset(("a", "e")): 0.3}
_CLOSE_CODAS = {frozenset(("n", "ng")): 0.7, frozenset(("i", "")): 0.3, frozenset(("u", "")): 0.3}


def unit_similarity(phrase_unit: Unit, heard: Unit) -> float:
    """0..1: how likely ``heard`` is ``phrase_unit`` as the recogniser wrote it."""
    return _similarity(phrase_unit.text, phrase_unit.syllable, heard.text, heard.syllable)


@lru_cache(maxsize=131072)
def _similarity(text: str, syllable: Syllable | None, heard_text: str, heard_syllable: Syllable | None) -> float:
    if text == heard_text:
        return 1.0
    if syllable and heard_syllable:
        return syllable_similarity(syllable, heard_syllable)
    if syllable or heard_syllable or is_cjk(text[0]) or is_cjk(heard_text[0]):
        return 0.0
    return word_similarity(text, heard_text)


def syllable_similarity(a: Syllable, b: Syllable) -> float:
    """Homophones (tone aside) are nearly the same; other near-homophones count only with the same tone.

    Initials weigh less than finals: the vowel carries most of a syllable's sound on a narrow phone band.
    """
    if (a.initial, a.final) == (b.initial, b.final):
        return _HOMOPHONE
    if a.tone != b.tone and 5 not in (a.tone, b.tone):
        return 0.0
    return min(_NEAR, 0.4 * _initial_similarity(a.initial, b.initial) + 0.6 * _final_similarity(a.final, b.final))


def _initial_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if frozenset((a, b)) in _FUZZY_INITIALS:
        return _NEAR
    if not a or not b:
        return 0.0
    (place_a, manner_a), (place_b, manner_b) = _INITIAL_FEATURES[a], _INITIAL_FEATURES[b]
    if place_a == place_b:
        place = 1.0
    elif place_a in _SIBILANT_PLACES and place_b in _SIBILANT_PLACES:
        place = 0.5
    else:
        place = 0.0
    manner = 1.0 if manner_a == manner_b else 0.25 if {manner_a, manner_b} == {"stop", "affr"} else 0.0
    return 0.5 * place + 0.5 * manner


def _final_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if frozenset((a, b)) in _FUZZY_FINALS:
        return _NEAR
    if a not in _FINAL_PARTS or b not in _FINAL_PARTS:
        return 0.0
    (medial_a, nucleus_a, coda_a), (medial_b, nucleus_b, coda_b) = _FINAL_PARTS[a], _FINAL_PARTS[b]
    medial = 1.0 if medial_a == medial_b else 0.0
    nucleus = 1.0 if nucleus_a == nucleus_b else _CLOSE_NUCLEI.get(frozenset((nucleus_a, nucleus_b)), 0.0)
    coda = 1.0 if coda_a == coda_b else _CLOSE_CODAS.get(frozenset((coda_a, coda_b)), 0.0)
    return 0.2 * medial + 0.5 * nucleus + 0.3 * coda


def word_similarity(word: str, heard: str) -> float:
    """Spelling closeness of English words, with Elasticsearch's "AUTO" edit allowance by the phrase word's
    length (none up to 2 letters, one up to 5, two beyond), plus a garbled ending: "nothing" for "not"."""
    if word == heard:
        return 1.0
    best = 0.0
    short, long = sorted((word, heard), key=len)
    if len(short) >= 3 and long.startswith(short):
        best = 0.6 + 0.4 * len(short) / len(long)
    allowed = 0 if len(word) <= 2 else 1 if len(word) <= 5 else 2
    distance = _levenshtein(word, heard, allowed)
    if distance <= allowed:
        best = max(best, 1.0 - distance / len(long))
    return best


def _levenshtein(a: str, b: str, limit: int) -> int:
    """Edit distance, or ``limit + 1`` as soon as it is known to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


# --- finding a phrase -------------------------------------------------------------------------------------


def threshold(mode: str, min_similarity: float | None = None) -> float:
    """The similarity a hit needs: the rule's own threshold if it sets one, else its mode's."""
    return min_similarity if min_similarity is not None else THRESHOLDS[mode]


def fuzzy_matches(heard: Sequence[Unit], phrase: Sequence[Unit], breaks: Collection[int], mode: str = NORMAL,
                  min_similarity: float | None = None) -> list[Match]:
    """Non-overlapping places where ``phrase`` was probably said, the best of overlapping candidates kept.

    ``breaks`` are the positions of pause marks in the heard text (:attr:`NormStream.breaks`). Exact
    occurrences are included (similarity 1.0); the caller's exact matcher still decides the word boundaries
    of one-unit phrases, which this search leaves alone.
    """
    if len(phrase) < _MIN_FUZZY_UNITS[mode]:
        return []
    needed = threshold(mode, min_similarity)
    candidates = [found for start in range(len(heard))
                  if (found := _best_at(heard, start, phrase, breaks, needed, _garbles_allowed(len(phrase), mode)))]
    kept: list[Match] = []
    for match in sorted(candidates, key=lambda m: (-m.similarity, m.first - m.last)):
        if all(match.last <= other.first or other.last <= match.first for other in kept):
            kept.append(match)
    return sorted(kept, key=lambda m: m.first)


def _garbles_allowed(length: int, mode: str) -> int:
    """How many units of a phrase may be garbled: one per four beyond the first in normal mode; in loose mode
    one per four, so a four-character name (优选商城 heard as 优泄商城) still counts as heard."""
    return length // 4 if mode == LOOSE else (length - 1) // 4


def _best_at(heard: Sequence[Unit], start: int, phrase: Sequence[Unit], breaks: Collection[int],
             needed: float, garbles: int) -> Match | None:
    """The best alignment of ``phrase`` from heard unit ``start``: straight, or with one extra heard unit."""
    if _aligned_similarity(phrase[0], heard[start]) < _NEAR_FLOOR:
        return None
    best: Match | None = None
    for inserted in (None, *range(1, len(phrase))) if len(phrase) >= 3 else (None,):
        window = _window(heard, start, len(phrase), inserted)
        if window is None:
            continue
        score = _score(phrase, window, breaks, heard[start + inserted] if inserted is not None else None, inserted,
                       garbles)
        if score is not None and score >= needed - 1e-9 and (best is None or score > best.similarity):
            best = Match(window[0].first, window[-1].last, round(score, 3))
    return best


def _window(heard: Sequence[Unit], start: int, size: int, inserted: int | None) -> list[Unit] | None:
    end = start + size + (inserted is not None)
    if end > len(heard):
        return None
    window = list(heard[start:end])
    if inserted is not None:
        del window[inserted]
    return window


def _aligned_similarity(phrase_unit: Unit, heard: Unit) -> float:
    """A unit's similarity as evidence for the phrase: a negation must be heard as itself (or a word that begins
    with it, "nothing" for "not"), an English content word nearly as itself; otherwise it counts as garbled."""
    similarity = unit_similarity(phrase_unit, heard)
    if phrase_unit.text in _NEGATIONS:
        keeps_negation = similarity >= _HOMOPHONE or (phrase_unit.syllable is None
                                                     and heard.text.startswith(phrase_unit.text))
        return similarity if keeps_negation else 0.0
    is_content_word = phrase_unit.syllable is None and phrase_unit.text not in _FUNCTION_WORDS
    return 0.0 if is_content_word and similarity < _CONTENT_FLOOR else similarity


def _score(phrase: Sequence[Unit], window: list[Unit], breaks: Collection[int], extra: Unit | None,
           inserted: int | None, garbles: int) -> float | None:
    """Mean similarity (garbled units earn nothing) minus the cost of an extra unit; None when a rule is broken."""
    sims = [_aligned_similarity(p, h) for p, h in zip(phrase, window)]
    garbled = [s < _NEAR_FLOOR for s in sims]
    if garbled[0] or garbled[-1] or sum(garbled) > garbles:
        return None
    if any(g and p.text in _NEGATIONS for g, p in zip(garbled, phrase)):
        return None
    if len(phrase) == 2 and min(sims) < _TWO_UNIT_FLOOR:
        return None
    if not _edges_at_pauses(sims, window, breaks):
        return None
    credit = sum(s for s, g in zip(sims, garbled) if not g)
    if extra is None:
        return credit / len(phrase)
    if extra.text in _NEGATIONS or min(sims[inserted - 1], sims[inserted]) >= _HOMOPHONE:
        return None
    return (credit - _INSERT_COST) / len(phrase)


def _edges_at_pauses(sims: list[float], window: list[Unit], breaks: Collection[int]) -> bool:
    """A misheard character at the phrase's edge must sit at a pause: without one it more likely begins or ends
    another word (你是不是少|收了一件 is no 你是不是傻). Words of spaced scripts always end at their spaces."""
    first_ok = sims[0] >= _HOMOPHONE or window[0].syllable is None or window[0].first in breaks
    last_ok = sims[-1] >= _HOMOPHONE or window[-1].syllable is None or window[-1].last in breaks
    return first_ok and last_ok
