"""Finding and masking personal and payment data in transcripts, and muting it in exported audio.

Customers read out phone numbers, resident ID numbers and bank cards; a trainee's view and every export must not
show them. Generic recognisers (Presidio and the like) expect numbers written the way people type them. The
recogniser prints them the way people say them: digits glued to Chinese characters (so ``\\b`` never fires),
full-width digits, spoken digits (幺三八, 两两洞, 兩, financial 壹贰叁 / 壹貳參, "one three eight", "double five")
split by spaces, dots, 杠 or hesitations (嗯, 那个, "um", "you know"), and mixtures of all of these. So numbers
are read here in three steps:

1. the text is folded to half width one character for one character, so every offset found points into the
   original text;
2. runs of digit tokens (Arabic, Chinese, English words) joined by separators are collected in *groups* — the
   chunks the speaker or recogniser made (``138 1234 5678`` has three);
3. each run is cut, only at group boundaries that can end a number, into the longest pieces that validate as a
   mobile, landline, ID or card number. Validation is strict (prefixes, birth date, check digit, Luhn), because a
   transcript is full of order numbers, prices, dates and times that must stay readable; and the words around a
   number overrule a chance validation: a currency after it or a price label before it make it an amount, an
   order or invoice label an order number (not an ID, card or landline).

A number said across several recognised segments (``…是138 1234`` / ``5678 谢谢``, or one group per segment with
the other party's "嗯" between) is found by reading a speaker's consecutive segments together, and masked and
muted in each.

Redaction keeps the text's length by default (one mask character per character), so character offsets held by
highlights and flags stay valid; ``tag=True`` writes ``[手机号]``-style tags instead, for exports read by people.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import accumulate

import numpy as np

from ..domain import Segment, Word

MOBILE = "mobile"
LANDLINE = "landline"
ID_CARD = "id_card"
BANK_CARD = "bank_card"
EMAIL = "email"
KINDS = (MOBILE, LANDLINE, ID_CARD, BANK_CARD, EMAIL)

TAGS = {MOBILE: "[手机号]", LANDLINE: "[电话]", ID_CARD: "[身份证号]", BANK_CARD: "[银行卡号]", EMAIL: "[邮箱]"}
DEFAULT_MIN_CONFIDENCE = 0.5
# Word timestamps from the recogniser drift by a tenth of a second or two; muting a little wider keeps the
# first and last digit from leaking at the edges.
DEFAULT_MUTE_PAD_S = 0.15


@dataclass(frozen=True)
class PiiSpan:
    """One finding: ``text[start:end]`` of the searched string is personal data of ``kind``."""

    kind: str
    start: int
    end: int
    text: str
    confidence: float


@dataclass(frozen=True)
class Redaction:
    """Redacted copies of segments, and the (start, end) times in seconds to mute in the audio."""

    segments: list[Segment]
    mute: list[tuple[float, float]]


# --- Reading digits ------------------------------------------------------------------------------------------

_WIDTH_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

_HANZI_DIGITS = {
    "零": "0", "〇": "0", "○": "0", "洞": "0",
    "一": "1", "幺": "1", "二": "2", "两": "2", "兩": "2", "三": "3", "四": "4", "五": "5", "六": "6",
    "七": "7", "拐": "7", "八": "8", "九": "9", "勾": "9",
} | {  # the financial numerals (大写数字) of cheques and receipts, in simplified and traditional script
    "壹": "1", "贰": "2", "貳": "2", "叁": "3", "參": "3", "叄": "3", "肆": "4", "伍": "5", "陆": "6", "陸": "6",
    "柒": "7", "捌": "8", "玖": "9",
}
_WORD_DIGITS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "niner": "9",
}
_REPEATS = {"double": 2, "triple": 3}
_CHECK_X = {"x", "X", "叉"}
# What may stand between two digits of one number: spaces, dashes, 杠 and brackets around an area code.
_SEPARATORS = frozenset(" \t\u00a0-\u2010\u2011\u2012\u2013\u2014\u2015\u2212杠()")
# Commas and 、 separate spoken digits ("one three eight, one two ...") but group Arabic thousands (1,380,000).
_SPOKEN_SEPARATORS = frozenset(",，、")
_MAX_GAP = 3
# Hesitations people put between the groups of a number they read out (幺三八，嗯，一二三四; "one three eight,
# um, one two ..."). A gap holding one may also hold commas, whatever the digits' form: nobody writes thousands
# with a filler between them.
_FILLER = re.compile(
    r"嗯+|呃+|额|啊|哦|噢|喔|唔|诶|欸|哎|呀|那个|这个|就是说|就是|然后|对对|对|是吧|对吧|我看看|我想想|等一下|稍等"
    r"|(?<![A-Za-z])(?:u+m+|u+h+|e+r+m*|a+h+|e+h|h+m+|m+h*m+|you know|i mean|like|let me see|sorry|okay|ok|so)"
    r"(?![A-Za-z])", re.IGNORECASE)
_MAX_FILLERS = 2
_MAX_FILLER_GAP = 14
# Arabic digits glued to these, with a digit on their other side, belong to a decimal, time, date or fraction.
_NUMBER_JOINERS = frozenset(".,:/")

ARABIC, HANZI, WORD = "arabic", "hanzi", "word"


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    digits: str
    form: str


@dataclass
class _Group:
    """Tokens written together, with nothing but digits between them."""

    tokens: list[_Token]

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end

    @property
    def digits(self) -> str:
        return "".join(token.digits for token in self.tokens)

    @property
    def form(self) -> str:
        return self.tokens[0].form


def fold_width(text: str) -> str:
    """Full-width ASCII and the ideographic space as their half-width forms; the length never changes."""
    return text.translate(_WIDTH_FOLD)


def _word_at(folded: str, index: int) -> tuple[str, int]:
    """The ASCII-letter word starting at ``index`` (lower case) and its end."""
    end = index
    while end < len(folded) and folded[end].isascii() and folded[end].isalpha():
        end += 1
    return folded[index:end].lower(), end


def _skip_spaces(folded: str, index: int) -> int:
    while index < len(folded) and folded[index] in " \t\u00a0":
        index += 1
    return index


def _is_ascii_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _token_at(folded: str, index: int) -> _Token | None:
    """The digit token starting at ``index``, if one does; English words must start a word."""
    char = folded[index]
    if "0" <= char <= "9":
        return _Token(index, index + 1, char, ARABIC)
    if char in _HANZI_DIGITS:
        return _Token(index, index + 1, _HANZI_DIGITS[char], HANZI)
    if char == "叉":
        return _Token(index, index + 1, "X", HANZI)
    if not _is_ascii_letter(char) or (index and _is_ascii_letter(folded[index - 1])):
        return None
    word, end = _word_at(folded, index)
    if word in _WORD_DIGITS:
        return _Token(index, end, _WORD_DIGITS[word], WORD)
    if word == "x":
        return _Token(index, end, "X", ARABIC)
    if word in _REPEATS:
        after = _skip_spaces(folded, end)
        if after < len(folded) and _is_ascii_letter(folded[after]):
            next_word, next_end = _word_at(folded, after)
            if next_word in _WORD_DIGITS:
                return _Token(index, next_end, _WORD_DIGITS[next_word] * _REPEATS[word], WORD)
    return None


def _gap_allows(gap: str, before: _Token, after: _Token) -> bool:
    """Whether the characters between two digit tokens still belong to one number."""
    if len(gap) > _MAX_GAP:
        return False
    spoken = before.form != ARABIC and (after.form != ARABIC or after.digits == "X")  # "…, seven, X"
    return all(char in _SEPARATORS or (spoken and char in _SPOKEN_SEPARATORS) for char in gap)


def _runs(folded: str) -> Iterator[list[_Group]]:
    """Runs of digit tokens that may form one number, split into the groups the writer made."""
    index = 0
    while index < len(folded):
        token = _token_at(folded, index)
        if token is None:
            index += 1
            continue
        if token.digits == "X":  # a check character only ever ends an ID number
            index = token.end
            continue
        run = [_Group([token])]
        index = token.end
        while True:
            following = _next_token(folded, index, run[-1].tokens[-1])
            if following is None:
                break
            token, glued = following
            if token.digits == "X":
                run[-1].tokens.append(token)
                index = token.end
                break
            if glued and token.form == run[-1].form:
                run[-1].tokens.append(token)
            else:
                run.append(_Group([token]))
            index = token.end
        yield run


def _next_token(folded: str, index: int, previous: _Token) -> tuple[_Token, bool] | None:
    """The token continuing a run after ``index`` and whether it is glued to the previous one."""
    probe, fillers = _gap_end(folded, index)
    token = _token_at(folded, probe) if probe < len(folded) else None
    if token is None:
        return None
    if probe == index:
        return token, True
    if fillers:
        allowed = fillers <= _MAX_FILLERS and probe - index <= _MAX_FILLER_GAP
    else:
        allowed = _gap_allows(folded[index:probe], previous, token)
    return (token, False) if allowed else None


def _gap_end(folded: str, index: int) -> tuple[int, int]:
    """Where the separators and fillers after ``index`` end, and how many fillers there were."""
    start, fillers = index, 0
    while index < len(folded) and index - start <= _MAX_FILLER_GAP:
        if folded[index] in _SEPARATORS or folded[index] in _SPOKEN_SEPARATORS:
            index += 1
        elif match := _FILLER.match(folded, index):
            index, fillers = match.end(), fillers + 1
        else:
            break
    return index, fillers


def _piece_allowed(folded: str, block: Sequence[_Group], first: int, last: int, kind: str) -> bool:
    """Whether groups ``first..last`` of a same-form block may be one number while its neighbours are not.

    Digits said one by one ("1 3 8 1 2 ...", "幺 三 八 ...") are one number: a twelve-digit one must not yield
    an eleven-digit phone number (a leading "oh" may still be an interjection). A chunk standing alone may be a
    number (13812345678 13912345678). A chunked phone number may be followed by a count or an hour
    (138 1234 5678 2 个) and a landline by its extension (0755-8888 6666-801), but nothing chunked starts in
    the middle of a run: 7123 0512 3456 7890 is one card-length number and 2005-11-08-5292769069 a date and an
    order number, not landlines. Card and ID numbers are read to their end, and no number ends where Arabic and
    Chinese digits meet with nothing between them (a script switch inside one number, 130四七…75五), unless a
    word goes on from there (13812345678一下).
    """
    if first:
        outside = block[first - 1]
        interjection = first == 1 and outside.form == WORD and _is_oh(outside)
        if not interjection and not _edge_allowed(outside, block[first], first != last, kind, 0):
            return False
    if last + 1 < len(block):
        if _switch_inside(folded, block[last], block[last + 1]):
            return False
        extension = 4 if kind == LANDLINE else 2
        return _edge_allowed(block[last + 1], block[last], first != last, kind, extension)
    return True


def _switch_inside(folded: str, inside: _Group, outside: _Group) -> bool:
    """Whether ``outside`` continues ``inside`` in the other script with nothing between them and no word after."""
    if outside.start != inside.end:
        return False
    after = folded[outside.end] if outside.end < len(folded) else ""
    return not (after.isalpha() and after not in _HANZI_DIGITS)


def _edge_allowed(outside: _Group, inside: _Group, chunked: bool, kind: str, longest_outside: int) -> bool:
    if len(outside.tokens) == 1 and len(inside.tokens) == 1:
        return False
    return not chunked or (kind in (MOBILE, LANDLINE) and len(outside.digits) <= longest_outside)


def _is_oh(group: _Group) -> bool:
    """Whether a group is the word "oh" or "o" (not "zero"): the zero that is also an interjection."""
    return group.digits == "0" and group.end - group.start <= 2


def _is_code_part(folded: str, group: _Group) -> bool:
    """Arabic digits glued to letters (SF1234...) or to a decimal point, colon or slash belong to something else."""
    if group.form != ARABIC:
        return False
    before = folded[group.start - 1] if group.start else ""
    after = folded[group.end] if group.end < len(folded) else ""
    if _is_ascii_letter(before) or _is_ascii_letter(after):
        return True
    joined_before = before in _NUMBER_JOINERS and group.start > 1 and folded[group.start - 2].isdigit()
    joined_after = (after in _NUMBER_JOINERS and group.end + 1 < len(folded) and folded[group.end + 1].isdigit())
    return joined_before or joined_after


# --- Validating numbers --------------------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")
# 010 and 02x are three-digit area codes with eight-digit local numbers; 03xx-09xx are four digits with seven or
# eight. Local numbers never start with 0 or 1.
_LANDLINE = re.compile(r"0(?:10|2\d)[2-9]\d{7}|0[3-9]\d{2}[2-9]\d{6,7}")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"\d{17}[\dX]")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of a resident ID number."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _birth_date_valid(digits: str) -> bool:
    """Characters 7-14 must be a real date, not in the future (area codes are not checked: they change)."""
    try:
        born = date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check that most card numbers carry."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _card_issuer_known(digits: str) -> bool:
    """Issuer prefixes with the lengths they issue: Visa, Mastercard, JCB, Discover, UnionPay, old domestic 9xxx."""
    length = len(digits)
    prefix4 = int(digits[:4])
    return ((digits[0] == "4" and length in (16, 19))
            or ((51 <= int(digits[:2]) <= 55 or 2221 <= prefix4 <= 2720) and length == 16)
            or 3528 <= prefix4 <= 3589
            or digits[:4] == "6011" or digits[:2] in ("62", "65") or 644 <= int(digits[:3]) <= 649
            or digits[0] == "9")


def _card_confidence(digits: str) -> float:
    """Luhn proves a number with a known issuer prefix; UnionPay (62) numbers are not always Luhn-valid, so the
    prefix alone counts there, with less confidence. Nobody issues cards outside these prefixes: a Luhn-valid
    order number starting with 1 is not a card."""
    if not _card_issuer_known(digits):
        return 0.0
    if luhn_valid(digits):
        return 0.95
    return 0.7 if digits.startswith("62") else 0.0


def classify_number(digits: str, plus: bool = False) -> tuple[str, float] | None:
    """The kind and confidence of a digit string (``X`` only as an ID check character), or None.

    ``plus`` says a ``+`` came before it, which makes an ``86`` country code certain for landlines.
    """
    if "X" in digits[:-1]:
        return None
    if digits.endswith("X"):
        return _classify_id(digits)
    for prefix in ("0086", "86"):
        rest = digits[len(prefix):]
        if digits.startswith(prefix) and _MOBILE.fullmatch(rest):
            return MOBILE, 0.95
        if digits.startswith(prefix) and (plus or prefix == "0086") and _LANDLINE.fullmatch("0" + rest):
            return LANDLINE, 0.85
    if _MOBILE.fullmatch(digits):
        return MOBILE, 0.95
    if _LANDLINE.fullmatch(digits):
        return LANDLINE, 0.85
    if len(digits) == 18 and _birth_date_valid(digits):
        return _classify_id(digits)
    if 16 <= len(digits) <= 19:
        confidence = _card_confidence(digits)
        return (BANK_CARD, confidence) if confidence else None
    return None


def _classify_id(digits: str) -> tuple[str, float] | None:
    """An 18-character ID: shape, birth date and check character must all hold.

    An 18-digit number with an ID's birth date but a wrong check character is a misheard or mistyped ID rather
    than a card, unless it carries a card's full proof (known issuer and Luhn): Gansu IDs start with 62 too.
    """
    if not _ID_SHAPE.fullmatch(digits) or not _birth_date_valid(digits):
        return None
    if id_check_char(digits[:17]) == digits[17]:
        return ID_CARD, 0.99
    if digits[-1] != "X" and luhn_valid(digits) and _card_issuer_known(digits):
        return BANK_CARD, 0.95
    return None


# What the words just before a number call it. The nearest label in the same sentence wins: 订单号 makes a number
# an order number (an ID or card reading of it is chance: random 18-digit numbers pass one in 75), 价格 or 欠款
# right before it an amount, and 手机, 身份证 or 拨打 a person's number again (订单号是多少？我的手机…).
_ORDER_LABEL, _AMOUNT_LABEL, _PERSONAL_LABEL = "order", "amount", "personal"
_LABEL_WORDS = {
    _ORDER_LABEL: ("订单", "单号", "运单", "快递", "工单", "流水号", "发票", "票号", "合同号", "order", "tracking",
                  "ticket", "invoice", "reference", "parcel"),
    _AMOUNT_LABEL: ("价格", "价钱", "售价", "单价", "总价", "原价", "报价", "金额", "欠款", "欠费", "余额", "费用",
                   "话费", "资费", "月租", "price", "cost", "amount", "balance", "fee"),
    _PERSONAL_LABEL: ("手机", "电话", "座机", "身份证", "证件", "卡号", "卡是", "银行卡", "信用卡", "储蓄卡", "拨打", "联系",
                     "phone", "mobile", "cell", "call", "card", "id"),
}
_LABEL = re.compile("|".join(
    f"(?P<{label}>" + "|".join(rf"(?<![a-z]){word}(?![a-z])" if word.isascii() else word for word in words) + ")"
    for label, words in _LABEL_WORDS.items()))
_CARD_CONTEXT = ("卡号", "银行卡", "信用卡", "储蓄卡", "card")
_CONTEXT_CHARS = 20  # "the tracking number is " names the number 19 characters after it starts
_SENTENCE_END = re.compile(r"[。？！?!；;]")
# Only these may stand between an amount label and the number it names (价格是 138 …, the balance is …).
_AMOUNT_GAP = re.compile(r"(?:[\s:：,，]|是|为|有|共|一共|总共|大概|大约|约|合计|总计|is|was|of|about)*", re.IGNORECASE)
# A currency or unit right after a number, or a currency sign before it, makes it an amount or a measure.
_UNIT_AFTER = re.compile(r"\s*(?:元|块|圆|角|毛|万|亿|美元|美金|港币|港元|欧元|日元|人民币|%|‰|秒|分钟|毫秒|小时"
                         r"|(?:dollars?|yuan|rmb|usd|bucks|percent|cents?)(?![a-z]))", re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(r"(?:[¥￥$]|rmb|usd|cny)\s*$", re.IGNORECASE)


def _context_adjustment(folded: str, start: int, end: int, kind: str) -> float | None:
    """What the words around a number add to (or take from) its confidence; None when they say it is not
    personal data at all (an amount, or an order number read as an ID, card or landline)."""
    before = _SENTENCE_END.split(folded[max(0, start - _CONTEXT_CHARS):start])[-1].lower()
    if _UNIT_AFTER.match(folded, end) or _CURRENCY_BEFORE.search(before):
        return None
    label, label_end = _nearest_label(before)
    if label == _AMOUNT_LABEL and _AMOUNT_GAP.fullmatch(before, label_end):
        return None
    if label == _ORDER_LABEL and kind != MOBILE:
        return None
    adjustment = -0.3 if label == _ORDER_LABEL else 0.0
    if kind == BANK_CARD and any(word in before for word in _CARD_CONTEXT):
        adjustment += 0.2
    return adjustment


def _nearest_label(before: str) -> tuple[str | None, int]:
    """The kind of the last label word in ``before`` and where it ends."""
    last = None
    for last in _LABEL.finditer(before):
        pass
    return (last.lastgroup, last.end()) if last else (None, 0)


# Dots between groups of three or more digits (138.1234.5678) separate the groups of one number; a dot with a
# shorter group beside it is a decimal point, a date or a version (1388.50, 2026.11.23, 1.3.8.12345678).
_DOTTED = re.compile(r"(?<!\d)(?<!\d\.)\d{3,}(?:\.\d{3,}){2,}(?!\d)(?!\.\d)")


def _dots_as_spaces(folded: str) -> str:
    """``folded`` with the dots of dotted numbers read as spaces; offsets do not move."""
    return _DOTTED.sub(lambda match: match.group().replace(".", " "), folded)


# --- Finding -------------------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])"
    r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
    r"(?![A-Za-z0-9\-]|\.[A-Za-z0-9])")
# Said aloud, an address is only taken with a known mail provider: "look at this dot com" is not an address.
_MAIL_PROVIDERS = r"(?:qq|163|126|139|189|yeah|sina|sohu|foxmail|aliyun|gmail|googlemail|hotmail|outlook|live|msn|" \
                  r"yahoo|icloud|me|protonmail)"
_SPOKEN_DOT = r"\s*(?:dot|点|\.)\s*"
_SPOKEN_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._\-])"
    r"[A-Za-z0-9]+(?:(?:\s*(?:dot|点|\.|_|underscore|下划线)\s*)[A-Za-z0-9]+)*"
    r"\s*(?:@|\bat\b|艾特|圈a)\s*" + _MAIL_PROVIDERS + _SPOKEN_DOT + r"(?:com|cn|net)(?:" + _SPOKEN_DOT + r"cn)?"
    r"(?![A-Za-z0-9])", re.IGNORECASE)


def find_pii(text: str, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> list[PiiSpan]:
    """Every span of personal or payment data in ``text``, in order, not overlapping."""
    folded = fold_width(text)
    emails = _email_spans(text, folded)
    numbers = [span for span in _number_spans(text, _dots_as_spaces(folded))
               if not any(_overlaps(span, e) for e in emails)]
    return sorted((s for s in emails + numbers if s.confidence >= min_confidence), key=lambda s: s.start)


def _overlaps(a: PiiSpan, b: PiiSpan) -> bool:
    return a.start < b.end and b.start < a.end


def _email_spans(text: str, folded: str) -> list[PiiSpan]:
    spans = [PiiSpan(EMAIL, m.start(), m.end(), text[m.start():m.end()], 0.95) for m in _EMAIL.finditer(folded)]
    for match in _SPOKEN_EMAIL.finditer(folded):
        span = PiiSpan(EMAIL, match.start(), match.end(), text[match.start():match.end()], 0.8)
        if not any(_overlaps(span, other) for other in spans):
            spans.append(span)
    return spans


def _number_spans(text: str, folded: str) -> Iterator[PiiSpan]:
    """Numbers in every run, with a leading ``+`` and the confidence their context gives."""
    for run in _runs(folded):
        for first, last, kind, confidence in _split_run(folded, run):
            start, end = first.start, last.end
            if start and folded[start - 1] == "+":
                start -= 1
            adjustment = _context_adjustment(folded, start, end, kind)
            if adjustment is None:
                continue
            confidence += adjustment
            yield PiiSpan(kind, start, end, text[start:end], round(min(confidence, 1.0), 2))


def _blocks(run: Sequence[_Group]) -> Iterator[list[_Group]]:
    """The run cut where its form changes between spoken words and written digits: any number may end there.
    Arabic and Chinese digits stay in one block, since recognisers switch between them within a number
    (133七三八八拐七四四); a piece may still start at any group, so 统一 + 13812345678 is still found."""
    block = [run[0]]
    for left, right in zip(run, run[1:]):
        if (left.form == WORD) != (right.form == WORD):
            yield block
            block = []
        block.append(right)
    yield block


def _split_run(folded: str, run: Sequence[_Group]) -> Iterator[tuple[_Group, _Group, str, float]]:
    """Greedy longest valid pieces (first group, last group, kind, confidence) of each block of the run."""
    for block in _blocks(run):
        first = 0
        while first < len(block):
            piece = _longest_piece(folded, block, first)
            if piece:
                yield block[first], block[piece[0]], piece[1], piece[2]
                first = piece[0] + 1
            else:
                first += 1


def _longest_piece(folded: str, block: Sequence[_Group], first: int) -> tuple[int, str, float] | None:
    """The last group, kind and confidence of the longest valid number starting at group ``first``."""
    plus = block[first].start > 0 and folded[block[first].start - 1] == "+"
    prefixes = []
    digits = ""
    for last in range(first, len(block)):
        if _is_code_part(folded, block[last]):
            break
        digits += block[last].digits
        prefixes.append(digits)
    for last in reversed(range(first, first + len(prefixes))):
        found = classify_number(prefixes[last - first], plus)
        if found and _piece_allowed(folded, block, first, last, found[0]):
            return last, found[0], found[1]
    return None


# --- Masking -------------------------------------------------------------------------------------------------

def _mask_char(char: str, mask: str) -> str:
    """Whitespace stays; a wide character gets the full-width form of an ASCII mask, so lines keep their width."""
    if char.isspace():
        return char
    if unicodedata.east_asian_width(char) in ("W", "F") and 0x21 <= ord(mask) <= 0x7E:
        return chr(ord(mask) + 0xFEE0)
    return mask


def _apply(text: str, spans: Iterable[PiiSpan], mask: str, tag: bool, offset: int = 0) -> str:
    """``text`` with the spans (positioned ``offset`` characters before ``text`` starts) masked or tagged."""
    out = []
    cursor = 0
    for span in spans:
        start, end = max(span.start - offset, cursor), min(span.end - offset, len(text))
        if end <= start:
            continue
        out.append(text[cursor:start])
        if tag:
            out.append(TAGS[span.kind] if span.start - offset >= 0 else "")
        else:
            out.append("".join(_mask_char(char, mask) for char in text[start:end]))
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def redact_text(text: str, mask: str = "*", tag: bool = False,
                min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> str:
    """``text`` with every finding masked character for character (same length) or replaced by its tag."""
    _check_mask(mask)
    return _apply(text, find_pii(text, min_confidence), mask, tag)


def _check_mask(mask: str) -> None:
    if len(mask) != 1:
        raise ValueError(f"mask must be one character, got {mask!r}")


def redact_segments(segments: Iterable[Segment], mask: str = "*", tag: bool = False,
                    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
                    pad: float = DEFAULT_MUTE_PAD_S) -> Redaction:
    """Redacted copies of the segments (text and words) and the merged times to mute in exported audio.

    Numbers are looked for in the words joined as the recogniser printed them, since that is where the times
    are; a segment without word timestamps gets times spread evenly over its characters.
    """
    _check_mask(mask)
    segments = list(segments)
    text_spans = _spans_with_neighbours([s.text for s in segments], segments, min_confidence)
    word_spans = _spans_with_neighbours([_words_text(s) for s in segments], segments, min_confidence)
    redacted: list[Segment] = []
    mute: list[tuple[float, float]] = []
    for segment, in_text, in_words in zip(segments, text_spans, word_spans):
        words, times = _redact_words(segment, mask, tag, in_words)
        if not segment.words:
            times = [_spread_time(segment, span) for span in in_text]
        redacted.append(replace(segment, text=_apply(segment.text, in_text, mask, tag), words=words))
        mute.extend((max(segment.start, start - pad), min(segment.end, end + pad)) for start, end in times)
    return Redaction(redacted, merge_spans(mute))


# Segments of one speaker further apart than this are not one utterance, so a number is not read across them.
_SPLIT_GAP_S = 2.0
# The other party's "嗯", "对", "okay" while a number is read out does not end it: a backchannel is a segment this
# short with no digit in it.
_BACKCHANNEL_MAX_S = 1.5
_BACKCHANNEL_MAX_CHARS = 4


def _words_text(segment: Segment) -> str:
    return "".join(word.text for word in segment.words)


def _spans_with_neighbours(texts: list[str], segments: list[Segment],
                           min_confidence: float) -> list[list[PiiSpan]]:
    """Each text's findings, plus the parts of numbers that run on across segments of one speaker, as spans of
    each text: the speaker's consecutive segments (see :func:`_utterances`) are read joined by spaces."""
    spans = [find_pii(text, min_confidence) for text in texts]
    for chain in _utterances(texts, segments):
        offsets = list(accumulate((len(texts[index]) + 1 for index in chain), initial=0))
        for span in find_pii(" ".join(texts[index] for index in chain), min_confidence):
            parts = [(index, max(span.start, offset) - offset, min(span.end, offset + len(texts[index])) - offset)
                     for index, offset in zip(chain, offsets)
                     if offset < span.end and span.start < offset + len(texts[index])]
            if len(parts) > 1:
                for index, part_start, part_end in parts:
                    spans[index].append(replace(span, start=part_start, end=part_end,
                                                text=texts[index][part_start:part_end]))
    return [sorted(found, key=lambda span: (span.start, span.end)) for found in spans]


def _utterances(texts: list[str], segments: list[Segment]) -> Iterator[list[int]]:
    """Indexes of runs of two or more segments of one speaker, each under :data:`_SPLIT_GAP_S` after the last,
    with only the other party's backchannels between them."""
    chain: list[int] = []
    for index, segment in enumerate(segments):
        if chain and segment.speaker != segments[chain[-1]].speaker and _backchannel(texts[index], segment):
            continue
        if chain and (segment.speaker != segments[chain[-1]].speaker
                      or not 0 <= segment.start - segments[chain[-1]].end <= _SPLIT_GAP_S):
            if len(chain) > 1:
                yield chain
            chain = []
        chain.append(index)
    if len(chain) > 1:
        yield chain


def _backchannel(text: str, segment: Segment) -> bool:
    """A short segment with no digit in it: someone acknowledging, not taking the turn."""
    folded = fold_width(text)
    return (segment.end - segment.start <= _BACKCHANNEL_MAX_S
            and sum(char.isalnum() for char in folded) <= _BACKCHANNEL_MAX_CHARS
            and not any(_token_at(folded, index) for index in range(len(folded))))


def _redact_words(segment: Segment, mask: str, tag: bool,
                  spans: list[PiiSpan]) -> tuple[list[Word], list[tuple[float, float]]]:
    """Masked words, and the time of the words behind each finding in the words joined as printed."""
    starts = list(accumulate((len(word.text) for word in segment.words), initial=0))
    words: list[Word] = []
    for word, start in zip(segment.words, starts):
        hits = [span for span in spans if span.start < start + len(word.text) and start < span.end]
        words.append(replace(word, text=_apply(word.text, hits, mask, tag, start)) if hits else word)
    times = []
    for span in spans:
        covered = [word for word, start in zip(segment.words, starts)
                   if start < span.end and span.start < start + len(word.text)]
        times.append((covered[0].start, covered[-1].end))
    return words, times


def _spread_time(segment: Segment, span: PiiSpan) -> tuple[float, float]:
    step = (segment.end - segment.start) / max(len(segment.text), 1)
    return segment.start + span.start * step, segment.start + span.end * step


def merge_spans(spans: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sorted, overlapping or touching spans joined, so each stretch of audio is muted once."""
    merged: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def mute_spans(samples: np.ndarray, rate: int, spans: Iterable[tuple[float, float]],
               beep_hz: float | None = None) -> np.ndarray:
    """A copy of ``samples`` (frames, or frames x channels) silent — or beeping — over the spans, all channels.

    Silence is exact zeros (below any dBFS floor); a beep at -20 dBFS tells a listener something was removed.
    """
    out = np.array(samples, copy=True)
    full_scale = float(np.iinfo(out.dtype).max) if np.issubdtype(out.dtype, np.integer) else 1.0
    for start, end in spans:
        first, last = max(0, int(start * rate)), min(len(out), int(np.ceil(end * rate)))
        if last <= first:
            continue
        if beep_hz is None:
            out[first:last] = 0
            continue
        tone = 0.1 * full_scale * np.sin(2 * np.pi * beep_hz * np.arange(last - first) / rate)
        out[first:last] = (tone if out.ndim == 1 else tone[:, None]).astype(out.dtype)
    return out
