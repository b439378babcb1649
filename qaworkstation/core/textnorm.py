"""Script conversion and the normalised text that phrase rules match against.

Whisper on telephone audio prints traditional or simplified characters, full- or half-width punctuation and
spaces more or less at random, and English contractions either way. Transcripts are stored as recognised;
matching works on a derived copy that is blind to all of that. Because a hit must still point at the moment
it was said, the derived copy (:class:`NormStream`) remembers, for every character, which recognised word it
came from.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import opencc

from .domain import Segment, Word

SIMPLIFIED = "simplified"
TRADITIONAL = "traditional"
AS_IS = "as-is"
SCRIPTS = (SIMPLIFIED, TRADITIONAL, AS_IS)

_OPENCC_CONFIGS = {SIMPLIFIED: "t2s", TRADITIONAL: "s2t"}

# Ideographs (with extensions and compatibility forms), kana, hangul and 々〆〇: scripts written without
# spaces, where a phrase is a plain run of characters.
_CJK_RANGES = (
    (0x2E80, 0x2FDF),
    (0x3005, 0x3007),
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})

# Contractions whose expansion is not "host + suffix".
_WHOLE_CONTRACTIONS = {
    "can't": "can not",
    "cannot": "can not",
    "won't": "will not",
    "shan't": "shall not",
    "ain't": "is not",
    "let's": "let us",
}
_SUFFIXES = (("n't", "not"), ("'re", "are"), ("'ve", "have"), ("'ll", "will"), ("'m", "am"), ("'d", "would"),
             ("'s", "is"))
# "'s" is usually a possessive ("John's"); only these hosts make it "is".
_IS_HOSTS = frozenset({"it", "that", "what", "there", "here", "he", "she", "who", "where", "how"})
# Spellings ASR and typists use without the apostrophe, and what they stand for.
_COMMON_CONTRACTIONS = (
    "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "haven't", "hasn't", "hadn't",
    "couldn't", "shouldn't", "wouldn't", "mustn't", "can't", "won't", "ain't", "i'm", "i've", "i'll", "i'd",
    "you're", "you've", "you'll", "you'd", "we're", "we've", "we'll", "we'd", "they're", "they've", "they'll",
    "they'd", "it's", "it'll", "that's", "what's", "there's", "here's", "he's", "she's", "he'll", "she'll",
    "who's", "let's",
)
# Without the apostrophe these are ordinary words ("we'll" -> "well", "he'll" -> "hell"): left alone.
_AMBIGUOUS_BARE = frozenset({"hell", "id", "ill", "its", "lets", "shell", "wed", "well", "were"})


def to_script(text: str, script: str) -> str:
    """Render recognised text in the script the inspector reads; ``as-is`` keeps what the model printed."""
    if script == AS_IS:
        return text
    if script not in _OPENCC_CONFIGS:
        raise ValueError(f"unknown script {script!r}; expected one of {', '.join(SCRIPTS)}")
    return _converter(_OPENCC_CONFIGS[script]).convert(text)


@lru_cache(maxsize=None)
def _converter(config: str) -> opencc.OpenCC:
    """Loading an OpenCC dictionary costs far more than a conversion, and conversions run per word."""
    return opencc.OpenCC(config)


def is_cjk(char: str) -> bool:
    """Characters of scripts written without spaces, where any substring may be a word."""
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def is_word_char(char: str) -> bool:
    """Letters and digits of space-separated scripts: a phrase must not start or end next to one."""
    return char.isalnum() and not is_cjk(char)


def normalize(text: str) -> str:
    """The matching form of a phrase or a line; identical to :class:`NormStream` text by construction."""
    return build_stream([Word(0.0, 0.0, text)]).text


@dataclass(frozen=True)
class NormStream:
    """Normalised text of one segment, with every character traced back to the recognised word it came from.

    ``owners[i]`` is the index in ``words`` of the word that produced ``text[i]``. ``breaks`` holds the positions
    in ``text`` where the recognised text had a pause mark (space, punctuation, the segment's edges) or switched
    between CJK and Latin script: matching removes those marks, yet they still tell a standalone 喂 from the 喂
    of 喂养.
    """

    text: str
    owners: tuple[int, ...]
    words: tuple[Word, ...]
    breaks: frozenset[int]

    def times(self, start: int, end: int) -> tuple[float, float]:
        """Start and end time of the recognised words behind ``text[start:end]``."""
        return self.words[self.owners[start]].start, self.words[self.owners[end - 1]].end

    def source_text(self, start: int, end: int) -> str:
        """The recognised words behind ``text[start:end]`` as printed, so a flag shows what the model heard.

        Punctuation at the edges is dropped: whisper glues it to words ("know,"), but it is not part of the hit.
        """
        first, last = self.owners[start], self.owners[end - 1]
        return _trim_marks("".join(word.text for word in self.words[first:last + 1]))


def _trim_marks(text: str) -> str:
    start, end = 0, len(text)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return text[start:end]


def segment_stream(segment: Segment) -> NormStream:
    """The matching stream of a segment, from its word timestamps when the recogniser gave them."""
    return build_stream(segment.words or spread_words(segment))


def spread_words(segment: Segment) -> list[Word]:
    """One pseudo-word per character with times spread evenly, for segments stored without word timestamps."""
    text = segment.text
    if not text:
        return []
    step = (segment.end - segment.start) / len(text)
    return [Word(segment.start + i * step, segment.start + (i + 1) * step, char) for i, char in enumerate(text)]


def build_stream(words: Sequence[Word]) -> NormStream:
    """Normalise the words as one line, remembering the source word of every output character.

    Words are folded one by one, so each character keeps its word, but tokenised as one line, so a contraction
    or a pause mark that whisper split into words of their own reads the same as inside a single word.
    """
    text: list[str] = []
    owners: list[int] = []
    breaks = {0}
    previous = ""
    for kind, run in _tokens(_folded_chars(words)):
        if kind == "gap":
            breaks.add(len(text))
            continue
        if previous and previous != kind:
            breaks.add(len(text))
        if kind == "cjk":
            text.append(run[0][0])
            owners.append(run[0][1])
        else:
            if previous == "word":
                text.append(" ")
                owners.append(run[0][1])
            _append_words(text, owners, run)
        previous = kind
    breaks.add(len(text))
    return NormStream("".join(text), tuple(owners), tuple(words), frozenset(breaks))


def _folded_chars(words: Sequence[Word]) -> list[tuple[str, int]]:
    """Each folded character with the index of its word; folding per word keeps that index exact."""
    return [(char, index) for index, word in enumerate(words) for char in _fold(word.text)]


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    """Full-width to half-width (NFKC), traditional to simplified, one case, one apostrophe.

    Cached because calls repeat the same few hundred words over and over.
    """
    text = unicodedata.normalize("NFKC", text)
    return to_script(text, SIMPLIFIED).casefold().translate(_APOSTROPHES)


def _kind(char: str) -> str:
    if is_cjk(char):
        return "cjk"
    if char.isalnum():
        return "word"
    return "apostrophe" if char == "'" else "gap"


def _tokens(chars: list[tuple[str, int]]) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """Split into single CJK characters, Latin/digit runs (keeping inner apostrophes, as in "don't") and gaps."""
    kinds = [_kind(char) for char, _ in chars]
    i = 0
    while i < len(chars):
        if kinds[i] != "word":
            yield ("cjk" if kinds[i] == "cjk" else "gap"), chars[i:i + 1]
            i += 1
            continue
        j = i + 1
        while j < len(chars) and (kinds[j] == "word" or (kinds[j] == "apostrophe" and j + 1 < len(chars)
                                                        and kinds[j + 1] == "word")):
            j += 1
        yield "word", chars[i:j]
        i = j


def _append_words(text: list[str], owners: list[int], run: list[tuple[str, int]]) -> None:
    """Append a Latin token in canonical form; expanded words after the first belong to the token's last word."""
    canonical = _canonical_token("".join(char for char, _ in run)).split(" ")
    first_owner, last_owner = run[0][1], run[-1][1]
    for n, word in enumerate(canonical):
        owner = first_owner if n == 0 else last_owner
        if n:
            text.append(" ")
            owners.append(owner)
        text.extend(word)
        owners.extend([owner] * len(word))


def _canonical_token(token: str) -> str:
    """Spell a lower-case English token's contraction out, so "don't", "dont" and "do not" all read "do not"."""
    if token in _WHOLE_CONTRACTIONS:
        return _WHOLE_CONTRACTIONS[token]
    if "'" in token:
        return _expand_apostrophe(token)
    return _BARE_CONTRACTIONS.get(token, token)


def _expand_apostrophe(token: str) -> str:
    for suffix, full in _SUFFIXES:
        host = token[:-len(suffix)]
        if token.endswith(suffix) and host and (suffix != "'s" or host in _IS_HOSTS):
            return f"{host} {full}"
    return token.replace("'", "")


_BARE_CONTRACTIONS = {
    form.replace("'", ""): _canonical_token(form)
    for form in _COMMON_CONTRACTIONS
    if form.replace("'", "") not in _AMBIGUOUS_BARE
}
