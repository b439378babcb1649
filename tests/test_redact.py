"""Redaction of phone, ID, card numbers and e-mail addresses in transcripts, and muting them in audio.

Examples are generated from a seeded RNG: valid numbers (random IDs with their GB 11643 check character, Luhn-valid
cards, ...) and near-misses (wrong check character, wrong length, wrong prefix, ...), each rendered in every form
the recogniser prints — plain, chunked, full-width, glued to Chinese, spoken in Chinese and spoken in English — and
placed in a sentence. Every valid example must be found exactly, and no near-miss at all. Near-misses that are a
different valid number (a 17-digit Luhn-valid number with a card prefix is a card) are not generated as such.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pytest

from qaworkstation.core.domain import Segment, Word
from qaworkstation.core.privacy.redact import (BANK_CARD, EMAIL, ID_CARD, KINDS, LANDLINE, MOBILE, find_pii,
                                               id_check_char, luhn_valid, mute_spans, redact_segments, redact_text)

PER_PATTERN = 60  # numbers (or addresses) generated per pattern and per kind of near-miss, each in every form
MIN_PER_FORM = 50

FORMS = ("written", "chunked", "full-width", "chinese-adjacent", "spoken-zh", "spoken-en")
_HANZI = {"0": "零〇洞", "1": "一幺", "2": "二两", "3": "三", "4": "四", "5": "五", "6": "六", "7": "七拐", "8": "八",
          "9": "九勾", "X": "X叉"}
_WORDS = {"0": ("zero", "oh"), "1": ("one",), "2": ("two",), "3": ("three",), "4": ("four",), "5": ("five",),
          "6": ("six",), "7": ("seven",), "8": ("eight",), "9": ("nine",), "X": ("x",)}
_ZH_BEFORE = ("我的号码是", "电话", "您记一下", "号码是", "对，是", "嗯", "身份证号码", "卡号是", "就是")
_ZH_AFTER = ("，对吧", "谢谢", "。", "好的", "没错", "的", "啊", "？")
_SAFE_AREAS = ("110101", "120102", "130102", "140105", "210102", "310101", "320102", "330106", "340102",
               "350102", "370102", "410102", "420102", "430102", "440103", "450102", "500101", "510104", "520102",
               "530102", "610102", "710000", "810000", "820000")


@dataclass(frozen=True)
class Example:
    text: str
    number: str  # the rendered number as it appears in text
    kind: str
    form: str
    note: str


def _chunks(digits: str, sizes: tuple[int, ...]) -> list[str]:
    out, start = [], 0
    for size in sizes:
        out.append(digits[start:start + size])
        start += size
    if start < len(digits):
        out.append(digits[start:])
    return [chunk for chunk in out if chunk]


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in text)


def _spoken_zh(rng: random.Random, chunks: list[str]) -> str:
    per_digit = rng.random() < 0.25
    separator = rng.choice(["", " ", "杠", "-"])
    spoken = ["".join(rng.choice(_HANZI[d]) for d in chunk) for chunk in chunks]
    if per_digit:
        return " ".join("".join(spoken))
    return separator.join(spoken)


def _spoken_en(rng: random.Random, chunks: list[str]) -> str:
    def chunk_words(chunk: str) -> str:
        words, i = [], 0
        while i < len(chunk):
            if i + 1 < len(chunk) and chunk[i] == chunk[i + 1] and chunk[i] != "X" and rng.random() < 0.5:
                words.append("double " + rng.choice(_WORDS[chunk[i]]))
                i += 2
            else:
                words.append(rng.choice(_WORDS[chunk[i]]))
                i += 1
        return " ".join(words)
    return rng.choice([" ", ", "]).join(chunk_words(chunk) for chunk in chunks)


def render(rng: random.Random, digits: str, sizes: tuple[int, ...], form: str) -> tuple[str, str]:
    """(sentence, number as it appears in it) for one digit string in one form."""
    chunks = _chunks(digits, sizes)
    if form == "written":
        number = digits
    elif form == "chunked":
        number = rng.choice([" ", "-", " - "]).join(chunks)
    elif form == "full-width":
        number = _full_width(rng.choice(["", " ", "-"]).join(chunks))
    elif form == "chinese-adjacent":
        number = digits if rng.random() < 0.7 else _full_width(digits)
        return rng.choice(_ZH_BEFORE) + number + rng.choice(_ZH_AFTER), number
    elif form == "spoken-zh":
        number = _spoken_zh(rng, chunks)
        return rng.choice(_ZH_BEFORE) + number + rng.choice(_ZH_AFTER), number
    else:
        number = _spoken_en(rng, chunks)
        return rng.choice(["my number is {}, thanks", "it's {}.", "{}", "yes, {} is right"]).format(number), number
    return rng.choice(["号码是 {} 谢谢", "{}", "the number is {} ok", "记一下：{}。"]).format(number), number


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _with_luhn(body: str) -> str:
    for check in "0123456789":
        if luhn_valid(body + check):
            return body + check
    raise AssertionError(body)


def _without_luhn(body: str) -> str:
    check = _with_luhn(body)[-1]
    return body + str((int(check) + 1 + len(body) % 9) % 10)


def _birth(rng: random.Random) -> str:
    return (date(1920, 1, 1) + timedelta(days=rng.randrange(365 * 95))).strftime("%Y%m%d")


# --- Valid numbers -------------------------------------------------------------------------------------------

def mobile(rng: random.Random) -> tuple[str, tuple[int, ...]]:
    return "1" + rng.choice("3456789") + _digits(rng, 9), rng.choice([(3, 4, 4), (3, 8), (11,)])


def landline(rng: random.Random) -> tuple[str, tuple[int, ...]]:
    if rng.random() < 0.5:
        area = rng.choice(["010"] + [f"02{d}" for d in range(10)])
        local = rng.choice("23456789") + _digits(rng, 7)
    else:
        area = "0" + rng.choice("3456789") + _digits(rng, 2)
        local = rng.choice("23456789") + _digits(rng, rng.choice([6, 7]))
    return area + local, rng.choice([(len(area), len(local)), (len(area), 4, 4), (len(area) + len(local),)])


def resident_id(rng: random.Random, area: str | None = None) -> tuple[str, tuple[int, ...]]:
    """Any area code (unknown ones included), a real birth date, the right check character."""
    first17 = (area or str(rng.randrange(100000, 1000000))) + _birth(rng) + _digits(rng, 3)
    return first17 + id_check_char(first17), rng.choice([(18,), (6, 8, 4), (6, 4, 4, 4)])


def resident_id_with_x(rng: random.Random) -> tuple[str, tuple[int, ...]]:
    while True:
        number, sizes = resident_id(rng)
        if number.endswith("X"):
            return number, sizes


def bank_card(rng: random.Random) -> tuple[str, tuple[int, ...]]:
    issuer = rng.choice(["unionpay-luhn", "unionpay-plain", "visa", "mastercard", "mastercard-2", "icbc-old"])
    if issuer.startswith("unionpay"):
        length = rng.randrange(16, 20)
        body = "62" + _digits(rng, length - 3)
        number = _with_luhn(body) if issuer == "unionpay-luhn" else _without_luhn(body)
    elif issuer == "visa":
        number = _with_luhn("4" + _digits(rng, rng.choice([14, 17])))
    elif issuer == "mastercard":
        number = _with_luhn(str(rng.randrange(51, 56)) + _digits(rng, 13))
    elif issuer == "mastercard-2":
        number = _with_luhn(str(rng.randrange(2221, 2721)) + _digits(rng, 11))
    else:
        number = _with_luhn("9558" + _digits(rng, 14))
    return number, rng.choice([(4, 4, 4, 4, 4), (len(number),), (6, len(number) - 6)])


# --- Near-misses ---------------------------------------------------------------------------------------------

def _safe_id_body(rng: random.Random) -> str:
    """An area code no card issuer uses at this length, so a broken ID is not a valid card either."""
    return rng.choice(_SAFE_AREAS) + _birth(rng) + _digits(rng, 3)


def _not_card(number: str) -> str:
    """The same digits with the last changed so that Luhn fails: card-length near-misses must not be cards."""
    return number if number.endswith("X") or not luhn_valid(number) else _without_luhn(number[:-1])


def _card_number(rng: random.Random, prefix: str, length: int, luhn: bool = True) -> str:
    body = prefix + _digits(rng, length - 1 - len(prefix))
    return _with_luhn(body) if luhn else _without_luhn(body)


def _landline_parts(rng: random.Random, local_digits: int, first: str = "23456789") -> tuple[str, str]:
    area = rng.choice(["010", "021", "0755", "0571", "0931"])
    return area, rng.choice(first) + _digits(rng, local_digits - 1)


def _landline_near(rng: random.Random, local_digits: int, first: str = "23456789") -> tuple[str, tuple[int, ...]]:
    area, local = _landline_parts(rng, local_digits, first)
    return area + local, rng.choice([(len(area), len(local)), (len(area) + len(local),)])


NEAR_MISSES: dict[str, dict[str, Callable[[random.Random], tuple[str, tuple[int, ...]]]]] = {
    MOBILE: {
        "10 digits": lambda r: ("1" + r.choice("3456789") + _digits(r, 8), r.choice([(3, 3, 4), (10,)])),
        "12 digits": lambda r: ("1" + r.choice("3456789") + _digits(r, 10), r.choice([(4, 4, 4), (12,), (6, 6)])),
        "prefix 10-12": lambda r: ("1" + r.choice("012") + _digits(r, 9), r.choice([(3, 4, 4), (11,)])),
    },
    LANDLINE: {
        "area 011-019": lambda r: ("01" + r.choice("123456789") + r.choice("23456789") + _digits(r, 7),
                                   r.choice([(3, 8), (11,)])),
        "local starts 0/1": lambda r: _landline_near(r, 8, first="01"),
        "local too short": lambda r: _landline_near(r, r.choice([5, 6])),
        "local too long": lambda r: _landline_near(r, 9),
    },
    ID_CARD: {
        "wrong check char": lambda r: _wrong_check(r),
        "impossible birth date": lambda r: _bad_date(r),
        "17 digits": lambda r: (_not_card(_safe_id_body(r)), r.choice([(17,), (6, 8, 3)])),
        "19 digits": lambda r: (_not_card(_safe_id_body(r) + _digits(r, 2)), r.choice([(19,), (6, 8, 5)])),
    },
    BANK_CARD: {
        "Luhn fails": lambda r: (_card_number(r, r.choice(["4", "51", "9558", "2221", "6011"]), 16, luhn=False),
                                 r.choice([(4, 4, 4, 4), (16,)])),
        "15 digits": lambda r: (_card_number(r, r.choice(["4", "62", "51", "9558"]), 15),
                                r.choice([(4, 4, 4, 3), (15,)])),
        "20 digits": lambda r: (_card_number(r, r.choice(["4", "62", "9558"]), 20), r.choice([(4, 4, 4, 4, 4), (20,)])),
        "no issuer prefix": lambda r: (_card_number(r, r.choice("178"), r.randrange(16, 20)),
                                       r.choice([(4, 4, 4, 4, 4), (19,)])),
    },
}


def _wrong_check(rng: random.Random) -> tuple[str, tuple[int, ...]]:
    body = _safe_id_body(rng)
    wrong = rng.choice([c for c in "0123456789X" if c != id_check_char(body)])
    return body + wrong, rng.choice([(18,), (6, 8, 4)])


def _bad_date(rng: random.Random) -> tuple[str, tuple[int, ...]]:
    day = rng.choice(["19901301", "19880230", "20010432", "21000101", "18501212", "19990000", "19751131"])
    first17 = rng.choice(_SAFE_AREAS) + day + _digits(rng, 3)
    return _not_card(first17 + id_check_char(first17)), rng.choice([(18,), (6, 8, 4)])


def _build_numbers(kind: str, make: Callable[[random.Random], tuple[str, tuple[int, ...]]], note: str,
                   rng: random.Random, count: int) -> list[Example]:
    examples = []
    for _ in range(count):
        digits, sizes = make(rng)
        for form in FORMS:
            text, number = render(rng, digits, sizes, form)
            examples.append(Example(text, number, kind, form, f"{note}: {digits}"))
    return examples


def _valid_numbers() -> list[Example]:
    rng = random.Random(20261123)
    makers = {MOBILE: [mobile], LANDLINE: [landline], ID_CARD: [resident_id, resident_id_with_x],
              BANK_CARD: [bank_card]}
    return [example for kind, fns in makers.items() for fn in fns
            for example in _build_numbers(kind, fn, fn.__name__, rng, PER_PATTERN // len(fns) + 5)]


def _near_numbers() -> list[Example]:
    rng = random.Random(11643)
    return [example for kind, makers in NEAR_MISSES.items() for note, make in makers.items()
            for example in _build_numbers(kind, make, note, rng, PER_PATTERN // len(makers) + 5)]


# --- E-mail --------------------------------------------------------------------------------------------------

_PROVIDERS = ("qq", "163", "126", "gmail", "hotmail", "outlook", "sina", "foxmail", "icloud", "aliyun")


def _local(rng: random.Random) -> str:
    first = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randrange(3, 9)))
    if rng.random() < 0.3:
        return _digits(rng, 1) + str(rng.randrange(10 ** 5, 10 ** 9))
    if rng.random() < 0.4:
        return first + rng.choice("._") + rng.choice(["li", "wang", "88", "2024", "zhang"])
    return first


def _valid_emails() -> list[Example]:
    rng = random.Random(8964)
    examples = []
    for _ in range(PER_PATTERN):
        local, provider = _local(rng), rng.choice(_PROVIDERS)
        tld = rng.choice(["com", "com", "cn", "net"])
        address = f"{local}@{provider}.{tld}"
        domain = f"{rng.choice(['mail', 'corp', 'xyz-trade'])}.{rng.choice(['com.cn', 'org', 'io', 'edu.cn'])}"
        spoken_local = local.replace(".", " dot ").replace("_", " underscore ")
        forms = {
            "written": (f"my email is {address}, thanks", address),
            "chunked": (f"邮箱 {local}@{domain} 谢谢", f"{local}@{domain}"),
            "full-width": (f"邮箱是{_full_width(address)}。", _full_width(address)),
            "chinese-adjacent": (f"{rng.choice(_ZH_BEFORE)}{address}{rng.choice(_ZH_AFTER)}", address),
            "spoken-zh": (f"邮箱是{local}艾特{provider}点{tld}好的", f"{local}艾特{provider}点{tld}"),
            "spoken-en": (f"it is {spoken_local} at {provider} dot {tld} thanks",
                          f"{spoken_local} at {provider} dot {tld}"),
        }
        examples.extend(Example(text, number, EMAIL, form, address) for form, (text, number) in forms.items())
    return examples


def _near_emails() -> list[Example]:
    rng = random.Random(5321)
    examples = []
    for _ in range(PER_PATTERN):
        local, provider = _local(rng), rng.choice(_PROVIDERS)
        stranger = rng.choice(["home", "this", "work", "the office", "nine"])
        forms = {
            "written": f"{local}@{provider}",
            "chunked": f"{local}@{provider}.{rng.choice('cx1')}",
            "full-width": _full_width(f"{local}＠@{provider}.com"),
            "chinese-adjacent": f"{rng.choice(_ZH_BEFORE)}{local}{provider}.com{rng.choice(_ZH_AFTER)}",
            "spoken-zh": f"我在{stranger}点com看到的，{local}艾特{provider}",
            "spoken-en": f"meet {local} at {stranger} dot com",
        }
        examples.extend(Example(text, "", EMAIL, form, text) for form, text in forms.items())
    return examples


# --- Everyday numbers that are none of these -----------------------------------------------------------------

_ZH_NUMERALS = "零一二三四五六七八九"


def _zh_count(n: int) -> str:
    """A number as Chinese count words (一千三百八十), which spell magnitudes rather than digits."""
    units = ["", "十", "百", "千"]
    digits = str(n)
    return "".join(_ZH_NUMERALS[int(d)] + units[len(digits) - i - 1] for i, d in enumerate(digits) if d != "0") or "零"


def _everyday(rng: random.Random) -> dict[str, str]:
    """One date, time, price, amount or order number in every form."""
    day = date(2000, 1, 1) + timedelta(days=rng.randrange(9000))
    order = str(rng.randrange(10 ** 5, 10 ** 10))
    price = rng.randrange(1, 10 ** 6)
    hour, minute = rng.randrange(24), rng.randrange(60)
    spoken_order = "".join(rng.choice(_HANZI[d]) for d in order)
    return {
        "written": rng.choice([f"{day:%Y-%m-%d} {hour:02d}:{minute:02d}:00", f"订单{order}", f"{day:%Y%m%d}",
                               f"{price:,}.{rng.randrange(100):02d}元", f"{day:%Y/%m/%d}"]),
        "chunked": rng.choice([f"order {order[:3]} {order[3:]}", f"{day:%Y %m %d}", f"{hour:02d} {minute:02d}",
                               f"{day:%Y-%m-%d}-{order}"]),
        "full-width": _full_width(rng.choice([f"{day:%Y-%m-%d}", f"¥{price:,}", f"{hour}:{minute:02d}", order])),
        "chinese-adjacent": rng.choice([f"订单号{order}已发货", f"{day.year}年{day.month}月{day.day}日",
                                        f"一共{price}元", f"{hour}点{minute}分", f"工号{order[:6]}"]),
        "spoken-zh": rng.choice([f"订单号{spoken_order}", f"{_zh_count(price % 10000)}块{_zh_count(rng.randrange(1, 10))}",
                                 f"{''.join(_ZH_NUMERALS[int(d)] for d in str(day.year))}年{_zh_count(day.month)}月",
                                 f"{_zh_count(hour)}点{_zh_count(minute)}分"]),
        "spoken-en": rng.choice([f"order number {_spoken_en(rng, [order])}",
                                 f"it costs {_spoken_en(rng, [str(price)])} dollars",
                                 f"call me at {_spoken_en(rng, [f'{hour}{minute:02d}'])} tomorrow"]),
    }


def _everyday_numbers() -> list[Example]:
    rng = random.Random(2024)
    return [Example(text, "", "everyday", form, text) for _ in range(PER_PATTERN)
            for form, text in _everyday(rng).items()]


# --- Hand-written tricky cases -------------------------------------------------------------------------------

TRICKY_VALID = [
    ("统一13812345678", "13812345678", MOBILE),
    ("13812345678一下", "13812345678", MOBILE),
    ("电话 138 1234 5678 2 个", "138 1234 5678", MOBILE),
    ("+86 138 1234 5678", "+86 138 1234 5678", MOBILE),
    ("008613812345678", "008613812345678", MOBILE),
    ("幺三八 两两洞洞 洞幺两三", "幺三八 两两洞洞 洞幺两三", MOBILE),
    ("oh, one three nine, double two oh, four four five six seven",
     "one three nine, double two oh, four four five six seven", MOBILE),
    ("call one five nine triple eight seven six five four three", "one five nine triple eight seven six five four "
     "three", MOBILE),
    ("号码是一三八一二三四五六七八对吧", "一三八一二三四五六七八", MOBILE),
    ("No.13812345678", "13812345678", MOBILE),
    ("（010）8888 6666", "010）8888 6666", LANDLINE),
    ("+86 755 8888 6666", "+86 755 8888 6666", LANDLINE),
    ("0755-88886666-801", "0755-88886666", LANDLINE),
    ("洞七五五杠八八八八杠六六六六", "洞七五五杠八八八八杠六六六六", LANDLINE),
    ("身份证 110105 19491231 002 X", "110105 19491231 002 X", ID_CARD),
    ("11010519491231002x谢谢", "11010519491231002x", ID_CARD),
    ("幺幺洞幺洞五幺九四九幺两三幺洞洞两叉", "幺幺洞幺洞五幺九四九幺两三幺洞洞两叉", ID_CARD),
    ("620102199001011233", "620102199001011233", ID_CARD),
    ("卡号6222 0212 3456 7890 123", "6222 0212 3456 7890 123", BANK_CARD),
    ("13812345678和13912345678", "13812345678", MOBILE),
    ("ZhangSan@QQ.COM", "ZhangSan@QQ.COM", EMAIL),
    ("邮箱：123456789@qq.com。", "123456789@qq.com", EMAIL),
    ("wang.li+billing@corp-mail.com.cn", "wang.li+billing@corp-mail.com.cn", EMAIL),
    ("邮箱是zhangsan圈a163点com", "zhangsan圈a163点com", EMAIL),
]

TRICKY_NEAR = [
    "订单号八八六二三五", "订单号 886235", "一共一百三十八元", "两千零二十四年十一月二十三日", "2024年11月23日",
    "2024-11-23 14:30:00", "20241123143000", "14:30", "下午三点半", "¥1,380,000.00", "13,800,000,000元",
    "13800000000.5元", "0.13812345678", "3.14159265358979323", "价格是1388元", "SF1381234567890",
    "JD0012345678901", "第一二三四五六七八九十", "七七八八", "一五一十", "乱七八糟", "三三两两",
    "1 3 8 1 2 3 4 5 6 7 8 9", "幺 三 八 幺 二 三 四 五 六 七 八 九", "138 1234 56789",
    "one three eight one two three four five six seven eight nine", "7123 0512 3456 7890",
    "订单号6222021234567890123", "tracking 6212345678901234", "version 1.2.3@home",
    "@张三 你好", "user@localhost", "look at this dot com", "meet at three dot com", "2x3x4", "11010519491231002",
    "110105194912310021", "11010519491331002X", "12345678901", "10086", "95588", "400-800-8888", "021-2345678",
    "第3号 138号楼 1234室",
]


def _found_exactly(example: Example) -> bool:
    spans = find_pii(example.text)
    if len(spans) != 1 or spans[0].kind != example.kind:
        return False
    span = spans[0]
    redacted = redact_text(example.text)
    return (span.text == example.number and len(redacted) == len(example.text)
            and redacted[:span.start] == example.text[:span.start] and redacted[span.end:] == example.text[span.end:]
            and all(not c.isalnum() or c in "＊*" for c in redacted[span.start:span.end]))


VALID = _valid_numbers() + _valid_emails()
NEAR = _near_numbers() + _near_emails() + _everyday_numbers()


@pytest.mark.parametrize("kind", KINDS)
def test_enough_examples_in_every_form(kind: str) -> None:
    for examples in (VALID, NEAR):
        per_form = Counter(example.form for example in examples if example.kind == kind)
        assert set(per_form) == set(FORMS)
        assert min(per_form.values()) >= MIN_PER_FORM, per_form


@pytest.mark.parametrize("kind", KINDS)
def test_every_valid_example_is_found_exactly_and_masked(kind: str) -> None:
    examples = [example for example in VALID if example.kind == kind]
    missed = [(e.form, e.note, e.text, find_pii(e.text)) for e in examples if not _found_exactly(e)]
    assert not missed, f"{len(missed)} of {len(examples)} missed, e.g. {missed[:5]}"


@pytest.mark.parametrize("kind", KINDS + ("everyday",))
def test_no_near_miss_is_redacted(kind: str) -> None:
    examples = [example for example in NEAR if example.kind == kind]
    wrong = [(e.form, e.note, e.text, find_pii(e.text)) for e in examples if find_pii(e.text)]
    assert not wrong, f"{len(wrong)} of {len(examples)} redacted, e.g. {wrong[:5]}"
    assert all(redact_text(e.text) == e.text for e in examples)


@pytest.mark.parametrize(("text", "number", "kind"), TRICKY_VALID)
def test_tricky_valid(text: str, number: str, kind: str) -> None:
    spans = find_pii(text)
    assert [(span.kind, span.text) for span in spans][:1] == [(kind, number)]


@pytest.mark.parametrize("text", TRICKY_NEAR)
def test_tricky_near_miss(text: str) -> None:
    assert find_pii(text) == []


def test_any_text_gives_well_formed_spans() -> None:
    """Random strings of digits, separators, letters and mail marks: no exception, spans point into the text."""
    rng = random.Random(7)
    alphabet = list("0123456789０１２幺两洞零〇一二三四五六七八九叉Xx@.-杠 ,，、()+:/abco") + [
        "one ", "oh ", "double ", "qq", "dot", " at ", "艾特", "点com"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 60)))
        spans = find_pii(text)
        assert all(0 <= a.start < a.end <= len(text) and text[a.start:a.end] == a.text for a in spans)
        assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
        assert len(redact_text(text)) == len(text)


def test_confidence_reflects_the_evidence() -> None:
    luhn_card = _with_luhn("622202" + "123456789012")
    plain_card = _without_luhn("622202" + "123456789012")
    assert find_pii(luhn_card)[0].confidence > find_pii(plain_card)[0].confidence >= 0.5
    assert find_pii("卡号" + plain_card)[0].confidence > find_pii(plain_card)[0].confidence
    assert find_pii(plain_card, min_confidence=0.9) == []


def test_tags_replace_findings_and_mask_keeps_width() -> None:
    text = "手机13812345678，邮箱a@qq.com，卡号６２２２０２１２３４５６７８９０１２３"
    assert redact_text(text, tag=True) == "手机[手机号]，邮箱[邮箱]，卡号[银行卡号]"
    masked = redact_text(text, mask="#")
    assert masked == "手机###########，邮箱########，卡号＃＃＃＃＃＃＃＃＃＃＃＃＃＃＃＃＃＃＃"
    with pytest.raises(ValueError):
        redact_text(text, mask="**")


def _segment(words: list[tuple[float, float, str]], speaker: str = "customer") -> Segment:
    return Segment(speaker, words[0][0], words[-1][1], "".join(w[2] for w in words),
                   [Word(start, end, text) for start, end, text in words])


def test_segments_mask_words_and_return_times_to_mute() -> None:
    digits = [(1.0 + 0.3 * i, 1.3 + 0.3 * i, d) for i, d in enumerate("13812345678")]
    segment = _segment([(0.0, 0.5, "我的"), (0.5, 1.0, "手机是")] + digits + [(4.3, 4.8, "谢谢")])
    quiet = _segment([(5.0, 6.0, "好的")], speaker="agent")
    result = redact_segments([segment, quiet])
    assert result.segments[0].text == "我的手机是***********谢谢"
    assert [w.text for w in result.segments[0].words] == ["我的", "手机是"] + ["*"] * 11 + ["谢谢"]
    assert result.segments[1] == quiet
    assert result.mute == [(pytest.approx(0.85), pytest.approx(4.45))]
    assert segment.text == "我的手机是13812345678谢谢"  # the input is not modified


def test_number_split_over_words_masks_only_its_characters() -> None:
    segment = _segment([(0.0, 1.0, " my number is 138"), (1.0, 2.0, " 1234"), (2.0, 3.0, " 5678."), (3.0, 4.0, " ok")])
    result = redact_segments([segment], pad=0.0)
    assert [w.text for w in result.segments[0].words] == [" my number is ***", " ****", " ****.", " ok"]
    assert result.mute == [(0.0, 3.0)]


def test_segments_without_word_times_spread_the_time() -> None:
    segment = Segment("customer", 10.0, 20.0, "号码13812345678好的吗", [])
    result = redact_segments([segment], tag=True, pad=0.0)
    assert result.segments[0].text == "号码[手机号]好的吗"
    assert result.mute == [(pytest.approx(11.25), pytest.approx(18.125))]


@pytest.mark.parametrize("dtype", ["float32", "int16"])
def test_muted_spans_are_below_minus_60_dbfs_on_every_channel(dtype: str) -> None:
    rate = 8000
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(rate * 3) / rate)
    stereo = np.stack([tone, tone], axis=1)
    samples = (stereo * 32767).astype(dtype) if dtype == "int16" else stereo.astype(dtype)
    full_scale = 32768.0 if dtype == "int16" else 1.0
    out = mute_spans(samples, rate, [(1.0, 2.0)])
    muted = out[rate:2 * rate].astype(np.float64) / full_scale
    rms = np.sqrt(np.mean(muted ** 2)) if muted.any() else 0.0
    assert rms == 0.0 or 20 * np.log10(rms) <= -60
    np.testing.assert_array_equal(out[:rate], samples[:rate])
    np.testing.assert_array_equal(out[2 * rate:], samples[2 * rate:])
    assert np.abs(samples[rate:2 * rate]).max() > 0  # the input is not modified


def test_beep_replaces_the_speech() -> None:
    rate = 8000
    speech = np.random.default_rng(1).normal(0, 0.3, rate * 2).astype(np.float32)
    out = mute_spans(speech, rate, [(0.5, 1.0)], beep_hz=1000.0)
    beep = out[int(0.5 * rate):rate]
    expected = 0.1 * np.sin(2 * np.pi * 1000 * np.arange(len(beep)) / rate)
    np.testing.assert_allclose(beep, expected, atol=1e-6)


# ------------------------------------------------------------------------------------------------ mixed forms

_HANZI_FOR = {"0": "零洞〇", "1": "一幺", "2": "二两", "3": "三", "4": "四", "5": "五", "6": "六", "7": "七拐",
              "8": "八", "9": "九勾"}


def _mixed(rng: random.Random, digits: str) -> str:
    """Each digit Arabic or one of its Chinese readings (拐, 幺, 两 included), in runs as recognisers switch."""
    out, arabic = [], rng.random() < 0.5
    for digit in digits:
        if rng.random() < 0.35:
            arabic = not arabic
        out.append(digit if arabic else rng.choice(_HANZI_FOR[digit]))
    return "".join(out)


def _valid_mobile(rng: random.Random) -> str:
    return rng.choice(["13", "15", "17", "18", "19"]) + "".join(rng.choice("0123456789") for _ in range(9))


def test_numbers_switching_between_arabic_and_chinese_digits_are_found() -> None:
    """540 mobiles that switch script mid-number (the adversarial run missed every one) in three sentence shapes."""
    rng = random.Random(20261202)
    missed = []
    for _ in range(180):
        number = _valid_mobile(rng)
        for shape in ("好的{}。", "我的手机是{}，谢谢", "号码 {} 对吗"):
            text = shape.format(_mixed(rng, number))
            if [(s.kind, text[s.start:s.end]) for s in find_pii(text)] != [(MOBILE, _mixed_part(text))]:
                missed.append(text)
    assert not missed, f"{len(missed)} of 540 missed, e.g. {missed[:3]}"
    assert redact_text("好的133七三八八拐七四四。") == "好的***＊＊＊＊＊＊＊＊。"


def _mixed_part(text: str) -> str:
    return "".join(char for char in text if char.isdigit() or char in "".join(_HANZI_FOR.values()))


def test_mixed_near_misses_stay_readable() -> None:
    """The same mixtures with a prefix no mobile has, or a digit too few or too many, are not numbers."""
    rng = random.Random(7)
    found = []
    for _ in range(180):
        number = _valid_mobile(rng)
        for near in ("12" + number[2:], number[:-1], number + rng.choice("0123456789")):
            text = f"好的{_mixed(rng, near)}。"
            found += [text] if find_pii(text) else []
    assert len(found) <= 2, found


def test_an_id_ending_in_x_spoken_in_english_with_commas_is_found() -> None:
    first17 = next(f"11010519491231{n:03d}" for n in range(1000) if id_check_char(f"11010519491231{n:03d}") == "X")
    words = "zero one two three four five six seven eight nine".split()
    spoken = ", ".join(words[int(digit)] for digit in first17)
    text = f"my ID is {spoken}, X, okay"

    [span] = find_pii(text)

    assert (span.kind, span.text) == (ID_CARD, f"{spoken}, X")
    assert redact_text(text).endswith("*, okay")


def test_a_number_split_across_two_segments_is_masked_and_muted_in_both() -> None:
    first = _segment([(0.0, 1.0, "我的手机是"), (1.0, 1.6, "138"), (1.7, 2.4, " 1234")])
    second = _segment([(2.6, 3.3, "5678"), (3.4, 4.0, " 谢谢")])
    other_speaker = _segment([(2.6, 3.3, "5678"), (3.4, 4.0, " 谢谢")], speaker="agent")

    result = redact_segments([first, second], pad=0.0)

    assert [s.text for s in result.segments] == ["我的手机是*** ****", "**** 谢谢"]
    assert [w.text for w in result.segments[1].words] == ["****", " 谢谢"]
    assert result.mute == [(1.0, 2.4), (2.6, 3.3)]
    assert redact_segments([first, other_speaker]).segments[1] == other_speaker


# ------------------------------------------------------------------ numerals, hesitations, dots and context

_FINANCIAL = {"simplified": dict(zip("0123456789", "零壹贰叁肆伍陆柒捌玖")),
              "traditional": dict(zip("0123456789", "零壹貳參肆伍陸柒捌玖"))}
_ZH_FILLERS = ("嗯", "呃", "啊", "那个", "就是", "然后", "对")
_EN_FILLERS = ("um", "uh", "er", "you know", "like")


def _convert(digits: str, table: dict[str, str]) -> str:
    return "".join(table.get(digit, digit) for digit in digits)


@pytest.mark.parametrize("script", sorted(_FINANCIAL))
def test_financial_numerals_are_digits(script: str) -> None:
    """大写数字 (壹贰叁 / 壹貳參) spell numbers on receipts and in some recognisers' output; 兩 is traditional 两."""
    rng = random.Random(88)
    table = _FINANCIAL[script]
    texts = []
    for _ in range(60):
        number, _sizes = resident_id(rng)
        texts += [(f"手机号{_convert(_valid_mobile(rng), table)}", MOBILE),
                  (f"身份证{_convert(number, table).replace('X', '叉')}谢谢", ID_CARD),
                  (f"手機{_convert(_valid_mobile(rng), _HANZI_DIGITS_TRADITIONAL)}", MOBILE)]
    missed = [text for text, kind in texts if [span.kind for span in find_pii(text)] != [kind]]
    assert not missed, f"{len(missed)} of {len(texts)} missed, e.g. {missed[:3]}"
    assert redact_text("手機一三八兩兩三四五六七八") == "手機＊＊＊＊＊＊＊＊＊＊＊"


_HANZI_DIGITS_TRADITIONAL = dict(zip("0123456789", "零一兩三四五六七八九"))


def _hesitant(rng: random.Random, chunks: list[str], spoken: Callable[[str], str], fillers: tuple[str, ...]) -> str:
    """The chunks read out with a filler (and maybe commas) between some of them."""
    out = [spoken(chunks[0])]
    for chunk in chunks[1:]:
        filler = rng.choice(fillers)
        out.append(rng.choice([f", {filler}, ", f" {filler} ", f"，{filler}，", filler if not filler.isascii() else
                               f" {filler} ", " "]))
        out.append(spoken(chunk))
    return "".join(out)


def test_numbers_read_out_with_hesitations_are_found() -> None:
    """嗯 / 那个 / um / you know between the groups of a mobile, ID or card, in every script."""
    rng = random.Random(2026)
    english = {d: w[0] for d, w in _WORDS.items()}
    missed, total = [], 0
    for _ in range(60):
        for kind, (digits, sizes) in ((MOBILE, (_valid_mobile(rng), (3, 4, 4))),
                                      (ID_CARD, (resident_id(rng)[0], (6, 8, 4))),
                                      (BANK_CARD, (_with_luhn("6222" + _digits(rng, 14)), (4, 4, 4, 4, 3)))):
            chunks = _chunks(digits, sizes)
            for text in (_hesitant(rng, chunks, lambda c: c, _ZH_FILLERS),
                         "号码是" + _hesitant(rng, chunks, lambda c: _convert(c, {**CN_DIGITS, "X": "叉"}),
                                           _ZH_FILLERS),
                         "it's " + _hesitant(rng, chunks, lambda c: " ".join(english[d] for d in c), _EN_FILLERS)):
                total += 1
                if [span.kind for span in find_pii(text)] != [kind]:
                    missed.append(text)
    assert not missed, f"{len(missed)} of {total} missed, e.g. {missed[:3]}"


CN_DIGITS = dict(zip("0123456789", "零一二三四五六七八九"))

HESITANT_NEAR = [
    "三个，嗯，两个", "第1步 呃 第3步 嗯 第8步", "9点 嗯 10点 11点", "分别是138元，嗯，1234元，5678元",
    "一共3件，那个，12个月", "one, um, two, uh, three", "138 嗯 1234", "it's twelve, um, thirty",
]


@pytest.mark.parametrize("text", HESITANT_NEAR)
def test_hesitations_do_not_make_numbers(text: str) -> None:
    assert find_pii(text) == []


@pytest.mark.parametrize(("text", "kind"), [("138.1234.5678", MOBILE), ("电话0755.8888.6666", LANDLINE),
                                            ("卡号 6222.0212.3456.7890.128", BANK_CARD),
                                            ("号码是138.1234.5678。", MOBILE)])
def test_dots_between_groups_separate_them(text: str, kind: str) -> None:
    assert [span.kind for span in find_pii(text)] == [kind]


@pytest.mark.parametrize("text", ["版本号1.3.8.12345678", "192.168.100.200", "2026.11.23", "一共1388.50元",
                                  "13.812.345.678", "10.138.123.45"])
def test_dots_in_decimals_dates_versions_and_addresses_stay(text: str) -> None:
    assert find_pii(text) == []


def _amounts(rng: random.Random) -> list[str]:
    """Prices and amounts that happen to look like phone numbers: a unit after them or a price label before."""
    shaped = _valid_mobile(rng)
    chunked = " ".join(_chunks(shaped, (3, 4, 4)))
    return [f"欠款{shaped}元", f"一共{shaped}块", f"{chunked} 元", f"¥{shaped}", f"价格 {chunked} 三档",
            f"售价是{shaped}", f"余额 {shaped}", f"it costs {shaped} dollars", f"the price is {chunked}",
            f"{_convert(shaped, CN_DIGITS)}块钱", f"涨了{shaped}%"]


def _order_numbers(rng: random.Random) -> list[str]:
    """Order, invoice and tracking numbers of every length: an ID, card or landline reading of them is chance."""
    card = _with_luhn("6222" + _digits(rng, 14))
    return [f"订单号{_digits(rng, 18)}", f"订单号码 {' '.join(_chunks(_digits(rng, 16), (4, 4, 4, 4)))}",
            f"发票号码 {' '.join(_chunks('0' + _digits(rng, 11), (4, 4, 4)))}", f"运单号{card}",
            f"invoice number {_digits(rng, rng.randrange(12, 20))}", f"tracking number is {card}",
            f"快递单号是{_digits(rng, 19)}", f"工单号 {resident_id(rng)[0][:17]}{rng.choice('0123456789')}"]


def test_amounts_and_order_numbers_are_not_personal_data() -> None:
    rng = random.Random(404)
    texts = [text for _ in range(150) for text in _amounts(rng) + _order_numbers(rng)]
    wrong = [(text, find_pii(text)) for text in texts if find_pii(text)]
    assert len(texts) >= 2500
    assert len(wrong) <= 3, wrong[:5]


def test_random_order_numbers_are_never_read_as_ids_or_cards() -> None:
    rng = random.Random(1)
    masked = [number for number in (_digits(rng, 18) for _ in range(5000)) if find_pii(f"订单号{number}")]
    assert masked == []


@pytest.mark.parametrize(("text", "kind"), [
    ("订单号是多少？我的卡号6222021234567890128", BANK_CARD),
    ("订单上的身份证号11010519491231002X", ID_CARD),
    ("余额不足，请拨打13812345678", MOBILE),
    ("价格的事您打13812345678问", MOBILE),
])
def test_a_personal_label_or_a_new_sentence_ends_the_order_or_price_context(text: str, kind: str) -> None:
    assert [span.kind for span in find_pii(text)] == [kind]


def _plain(speaker: str, start: float, end: float, text: str) -> Segment:
    return Segment(speaker, start, end, text, [])


def test_a_number_split_over_three_segments_is_masked_and_muted_in_each() -> None:
    card = _with_luhn("622202" + "123456789012")
    for texts in (["号码138", "1234", "5678"], [card[:6], card[6:12], card[12:]], ["幺三八", "一二三四", "五六七八好的"]):
        segments = [_plain("customer", 2.0 * i, 2.0 * i + 1.5, text) for i, text in enumerate(texts)]
        result = redact_segments(segments, pad=0.0)
        assert all("*" in s.text or "＊" in s.text for s in result.segments), [s.text for s in result.segments]
        assert len(result.mute) == 3


def test_the_other_partys_backchannel_does_not_end_a_number() -> None:
    segments = [_plain("customer", 0.0, 2.0, "是138 1234"), _plain("agent", 2.1, 2.4, "嗯"),
                _plain("customer", 2.5, 4.0, "5678")]
    result = redact_segments(segments, pad=0.0)
    assert [s.text for s in result.segments] == ["是*** ****", "嗯", "****"]
    assert result.mute == [(pytest.approx(2 / 9), 2.0), (2.5, 4.0)]


def test_the_other_party_taking_the_turn_ends_a_number() -> None:
    segments = [_plain("customer", 0.0, 2.0, "是138 1234"), _plain("agent", 2.1, 3.5, "请您再说一遍好吗"),
                _plain("customer", 3.6, 4.0, "5678")]
    assert redact_segments(segments).segments == segments
