"""Scoring rubrics: loading them from YAML and adding up a scorecard.

Rubrics are written by QA leads in a text editor, so loading is strict and every error names the file,
the line and what was expected: a typo must never silently turn into a missing rule or a wrong total.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import replace
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from ..domain import (ADVISORY_CATEGORIES, AGENT, BEHAVIOUR_CATEGORIES, CUSTOMER, MATCH_MODES, NORMAL,
                      PHRASE_CATEGORIES, SEQUENCE_CATEGORY, SPEAKERS, VIOLATION_CATEGORIES, BehaviourRule, ItemScore,
                      Part, PhraseCue, PhraseRule, Rubric, RubricItem, RubricSection, ScoreSummary, SequenceRule)
from ..rules.sequence import SAYS_FIELDS, template_fields

ANY_SPEAKER = "any"
RULE_SPEAKERS = (*SPEAKERS, ANY_SPEAKER)
SEVERITIES = ("A", "B", "C")
LANGUAGES = ("zh", "en")
WINDOW_CATEGORIES = ("greeting", "closing")
LIST_CATEGORIES = (*PHRASE_CATEGORIES, *ADVISORY_CATEGORIES)  # rules that are a list of phrases
RULE_CATEGORIES = (*LIST_CATEGORIES, *BEHAVIOUR_CATEGORIES, SEQUENCE_CATEGORY)
# Fillers are a fault only when frequent ("不频繁"): only they may set an allowance per minute.
FREQUENCY_CATEGORIES = ("filler",)
# Written in a phrase, stands for each name of the top-level ``company`` list (the centre's own name).
COMPANY_PLACEHOLDER = "{company}"
TURNS = ("first", "last")
POSITIONS = ("after", "before")
PARTY_SPEAKERS = (AGENT, CUSTOMER)
RUBRIC_SUFFIXES = (".yaml", ".yml")

_TOP_REQUIRED = ("id", "name", "language", "pass_mark", "sections")
_TOP_OPTIONAL = ("call_types", "company", "rules")
_SECTION_REQUIRED = ("title", "items")
_ITEM_REQUIRED = ("id", "title", "points", "severity")
_ITEM_OPTIONAL = ("critical", "na", "description", "applies_to", "by_hand")
_RULE_REQUIRED = ("category", "item", "phrases", "deduction")
_RULE_OPTIONAL = ("speaker", "window_s", "match", "min_similarity", "turn", "supersedes", "unless", "per_minute",
                  "parts")
# Advisory rules never deduct, so their deduction may be left out (and must be 0 when written).
_ADVISORY_REQUIRED = ("category", "item", "phrases")
_ADVISORY_OPTIONAL = (*_RULE_OPTIONAL, "deduction")
_PART_REQUIRED = ("part", "phrases", "deduction")
_PART_OPTIONAL = ("match", "item")
_BEHAVIOUR_REQUIRED = ("category", "item", "deduction")
# The keys each behaviour rule understands; anything else is a typo or a key of another rule type.
_BEHAVIOUR_OPTIONAL = {
    "silence": ("min_s", "hold_notice", "notice_deduction"),
    "dead_air": ("min_s",),
    "overtalk": ("speaker", "min_s"),
    "speech_rate": ("speaker", "low", "high"),
    "talk_ratio": ("speaker", "low", "high"),
    "loudness": ("speaker", "min_s", "high"),
    "customer_anger": ("speaker", "min_s", "high", "phrases"),
}
_SEQUENCE_REQUIRED = ("category", "name", "item", "deduction", "trigger", "expect")
_SEQUENCE_OPTIONAL = ("position", "within_s", "says")
_CUE_REQUIRED = ("speaker", "phrases")
_CUE_OPTIONAL = ("match",)

_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_SCALARS = SafeConstructor()
# Tolerance for the pass-mark comparison, so 76/95 is not failed at 80% by a rounding error.
_EPSILON = 1e-9


class RubricError(ValueError):
    """A rubric file that cannot be used, located precisely enough for a QA lead to fix it."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class _Invalid(Exception):
    """Raised while walking the YAML tree; ``load_rubric`` adds the file path to make a RubricError."""

    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.line = _line(node)
        self.message = message


def load_rubric(path: str | Path) -> Rubric:
    """Read and validate a rubric file; any problem becomes a RubricError naming the file and line."""
    text = _read_text(path)
    root = _compose(path, text)
    try:
        return _rubric(root, str(path))
    except _Invalid as error:
        raise RubricError(path, error.line, error.message) from None


def list_rubrics(folder: str | Path) -> list[Path]:
    """The rubric files in a folder, sorted so menus are stable; a missing folder simply has none."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in RUBRIC_SUFFIXES)


def bundled_rubrics_dir() -> Path:
    """The rubrics shipped with the app: the repository's folder, or a copy inside the package."""
    repo_dir = Path(__file__).resolve().parents[3] / "rubrics"
    if repo_dir.is_dir():
        return repo_dir
    return Path(__file__).resolve().parents[2] / "rubrics"


def default_item_scores(rubric: Rubric) -> dict[str, ItemScore]:
    """A blank scorecard: every item unscored, which counts as full points until the inspector deducts."""
    return {item.id: ItemScore(item_id=item.id) for item in rubric.items}


def score_evaluation(rubric: Rubric, items: dict[str, ItemScore], call_type: str = "") -> ScoreSummary:
    """Add up a scorecard over the items that apply: N/A items and items the call type excludes count in
    neither the total nor the maximum, so the percentage is re-normalised over what was judged. An unscored
    item keeps its full points here; that it was never reviewed is the lifecycle's to refuse, not the sum's."""
    total = 0.0
    max_total = 0.0
    critical_failed = False
    for item in rubric.items:
        verdict = items.get(item.id, ItemScore(item_id=item.id))
        if (verdict.na and item.allow_na) or not item.applies(call_type):
            continue
        points = _item_points(item, verdict)
        total += points
        max_total += item.max_points
        critical_failed = critical_failed or (item.critical and points < item.max_points)
    summary = ScoreSummary(total=total, max_total=max_total, critical_failed=critical_failed, passed=False)
    return replace(summary, passed=not critical_failed and summary.percent + _EPSILON >= rubric.pass_mark)


def _item_points(item: RubricItem, verdict: ItemScore) -> float:
    """The points an item earns: full when unscored, otherwise the score kept within 0..max."""
    if verdict.score is None:
        return item.max_points
    return min(max(float(verdict.score), 0.0), item.max_points)


# --- reading --------------------------------------------------------------------------------------------


def _read_text(path: str | Path) -> str:
    """The file as text; a BOM is tolerated because Windows editors like to add one."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise RubricError(path, None, "file not found; expected a rubric YAML file") from None
    except OSError as error:
        raise RubricError(path, None, f"cannot read file: {error.strerror or error}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = f"not valid UTF-8 (byte 0x{data[error.start]:02x}); save the file with UTF-8 encoding"
        raise RubricError(path, line, message) from None


# libyaml's parser when PyYAML was built with it: a rubric is read on every analysis run, and the pure-Python
# parser takes a tenth of a second per file. Both give the same nodes and the line of every key.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(path: str | Path, text: str) -> Node:
    """The YAML node tree, whose marks give the line of every key and value."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise RubricError(path, line, f"invalid YAML syntax: {_yaml_problem(error)}") from None
    except ReaderError as error:
        line = text[: error.position].count("\n") + 1
        message = f"character #x{error.character:04x} is not allowed in a YAML file; remove it"
        raise RubricError(path, line, message) from None
    if root is None:
        raise RubricError(path, None, "file is empty; expected a rubric with " + ", ".join(_TOP_REQUIRED))
    return root


def _yaml_problem(error: yaml.MarkedYAMLError) -> str:
    """PyYAML's explanation without its multi-line excerpt of the file."""
    parts = [part for part in (error.context, error.problem) if part]
    return ", ".join(parts) if parts else "cannot parse"


# --- building the rubric --------------------------------------------------------------------------------
# Each builder takes a YAML node and a context such as "item 'greeting': " that prefixes its messages.


def _rubric(root: Node, source: str) -> Rubric:
    """The whole rubric, checked in the order keys are usually written, so errors come top to bottom."""
    fields = _fields(root, "rubric", _TOP_REQUIRED, _TOP_OPTIONAL, "")
    rubric_id = _text(fields["id"], "'id'")
    name = _text(fields["name"], "'name'")
    language = _choice(fields["language"], "'language'", LANGUAGES)
    pass_mark = _between(fields["pass_mark"], "'pass_mark'", 0.0, 100.0)
    call_types = _names(fields["call_types"], "'call_types'") if "call_types" in fields else ()
    companies = _names(fields["company"], "'company'") if "company" in fields else ()
    section_nodes = _list(fields["sections"], "'sections'", non_empty=True)
    first_lines: dict[str, int] = {}
    sections = tuple(_section(node, number, first_lines, call_types) for number, node in enumerate(section_nodes, 1))
    items = {item.id: item for section in sections for item in section.items}
    rule_nodes = _list(fields["rules"], "'rules'", non_empty=False) if "rules" in fields else []
    rules = [_any_rule(node, number, items, companies) for number, node in enumerate(rule_nodes, 1)]
    return Rubric(
        id=rubric_id,
        name=name,
        language=language,
        pass_mark=pass_mark,
        sections=sections,
        rules=tuple(rule for rule in rules if isinstance(rule, PhraseRule)),
        source=source,
        behaviour_rules=tuple(rule for rule in rules if isinstance(rule, BehaviourRule)),
        sequence_rules=tuple(rule for rule in rules if isinstance(rule, SequenceRule)),
        call_types=call_types,
    )


def _names(node: Node, label: str) -> tuple[str, ...]:
    """A list of distinct names (call types, the centre's company names), as written."""
    names: list[str] = []
    for number, entry in enumerate(_list(node, label, non_empty=True), 1):
        name = _text(entry, f"{label} entry {number}").strip()
        if name in names:
            raise _Invalid(entry, f"{label} lists '{name}' twice; each name may appear only once")
        names.append(name)
    return tuple(names)


def _section(node: Node, number: int, first_lines: dict[str, int], call_types: tuple[str, ...]) -> RubricSection:
    fields = _fields(node, "section", _SECTION_REQUIRED, (), f"section {number}: ")
    title = _text(fields["title"], f"section {number}: 'title'")
    context = f"section '{title}'"
    item_nodes = _list(fields["items"], f"{context}: 'items'", non_empty=True)
    items = tuple(_item(item_node, f"{context}, item {n}: ", first_lines, call_types)
                  for n, item_node in enumerate(item_nodes, 1))
    return RubricSection(title=title, items=items)


def _item(node: Node, context: str, first_lines: dict[str, int], call_types: tuple[str, ...]) -> RubricItem:
    """One scorecard line. ``first_lines`` remembers where each id was defined, to report duplicates."""
    fields = _fields(node, "item", _ITEM_REQUIRED, _ITEM_OPTIONAL, context)
    item_id = _text(fields["id"], f"{context}'id'")
    if item_id in first_lines:
        message = f"duplicate item id '{item_id}' (first used on line {first_lines[item_id]}); ids must be unique"
        raise _Invalid(fields["id"], context + message)
    first_lines[item_id] = _line(fields["id"])
    context = f"item '{item_id}': "
    return RubricItem(
        id=item_id,
        title=_text(fields["title"], f"{context}'title'"),
        max_points=_positive(fields["points"], f"{context}'points'"),
        severity=_choice(fields["severity"], f"{context}'severity'", SEVERITIES),
        critical=_flag(fields.get("critical"), f"{context}'critical'"),
        allow_na=_flag(fields.get("na"), f"{context}'na'"),
        description=_optional_text(fields.get("description"), f"{context}'description'"),
        applies_to=_applies_to(fields.get("applies_to"), f"{context}'applies_to'", call_types),
        by_hand=_flag(fields.get("by_hand"), f"{context}'by_hand'"),
    )


def _applies_to(node: Node | None, label: str, call_types: tuple[str, ...]) -> tuple[str, ...]:
    """The call types an item is scored on; each must be one the rubric declares, so a typo cannot make an
    item silently N/A on every call."""
    if node is None:
        return ()
    if not call_types:
        raise _Invalid(node, f"{label} names call types, but the rubric declares none; add a top-level "
                             "'call_types:' list (e.g. call_types: [enquiry, complaint, order]) or remove it")
    names = _names(node, label)
    for entry, name in zip(node.value, names):
        if name not in call_types:
            raise _Invalid(entry, f"{label} must name call types of this rubric ({', '.join(call_types)}), got "
                                  f"'{name}'; add it to 'call_types' or correct the spelling")
    return names


def _any_rule(node: Node, number: int, items: dict[str, RubricItem],
              companies: tuple[str, ...]) -> PhraseRule | BehaviourRule | SequenceRule:
    """A rule of the type its category names: a phrase list, a behaviour measure or an order between cues."""
    category = _category(node, number)
    if category in BEHAVIOUR_CATEGORIES:
        return _behaviour_rule(node, number, category, items)
    if category == SEQUENCE_CATEGORY:
        return _sequence_rule(node, number, items)
    return _rule(node, number, items, companies)


def _category(node: Node, number: int) -> str | None:
    """The rule's category, checked before its other keys, because the category decides which keys are valid."""
    if not isinstance(node, MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == "category":
            return _choice(value_node, f"rule {number}: 'category'", RULE_CATEGORIES)
    return None


def _rule(node: Node, number: int, items: dict[str, RubricItem], companies: tuple[str, ...]) -> PhraseRule:
    advisory = _category(node, number) in ADVISORY_CATEGORIES  # decides which keys the rule may have
    required, optional = (_ADVISORY_REQUIRED, _ADVISORY_OPTIONAL) if advisory else (_RULE_REQUIRED, _RULE_OPTIONAL)
    fields = _fields(node, "rule", required, optional, f"rule {number}: ")
    category = _choice(fields["category"], f"rule {number}: 'category'", LIST_CATEGORIES)
    context = f"rule {number} ({category}): "
    item = _rule_item(fields["item"], context, items)
    return PhraseRule(
        category=category,
        item=item.id,
        phrases=_phrases(fields["phrases"], context, companies=companies),
        deduction=_advisory_deduction(fields, context) if advisory else _deduction(fields, context, item),
        speaker=_choice(fields["speaker"], f"{context}'speaker'", RULE_SPEAKERS) if "speaker" in fields else AGENT,
        window_s=_window(fields.get("window_s"), category, context),
        match=_match(fields, context),
        min_similarity=_similarity(fields.get("min_similarity"), context),
        turn=_choice(fields["turn"], f"{context}'turn'", TURNS) if "turn" in fields else None,
        supersedes=_supersedes(fields.get("supersedes"), category, context),
        unless=_phrases(fields["unless"], context, "unless") if "unless" in fields else (),
        per_minute=_per_minute(fields.get("per_minute"), category, context),
        parts=_parts(fields, category, context, item, items, companies),
    )


def _deduction(fields: dict[str, Node], context: str, item: RubricItem) -> float:
    return _between(fields["deduction"], f"{context}'deduction'", 0.0, item.max_points)


def _match(fields: dict[str, Node], context: str) -> str:
    return _choice(fields["match"], f"{context}'match'", MATCH_MODES) if "match" in fields else NORMAL


def _advisory_deduction(fields: dict[str, Node], context: str) -> float:
    """Advisory hits are for the inspector to judge (the recogniser cannot tell 您 from 你): never deducted."""
    node = fields.get("deduction")
    if node is not None and _number(node, f"{context}'deduction'") != 0:
        raise _Invalid(node, f"{context}advisory rules never deduct (the inspector judges each hit); "
                             f"set 'deduction: 0' or remove it, got {node.value}")
    return 0.0


def _per_minute(node: Node | None, category: str, context: str) -> float | None:
    """Hits allowed per minute of the speaker's speech before the deduction applies, once."""
    if node is None:
        return None
    if category not in FREQUENCY_CATEGORIES:
        raise _Invalid(node, f"{context}'per_minute' is only allowed for {', '.join(FREQUENCY_CATEGORIES)} rules; "
                             "remove it")
    return _positive(node, f"{context}'per_minute'")


def _parts(fields: dict[str, Node], category: str, context: str, item: RubricItem, items: dict[str, RubricItem],
           companies: tuple[str, ...]) -> tuple[Part, ...]:
    """The required parts of a greeting or closing, looked for where the rule looks (its window and turn)."""
    node = fields.get("parts")
    if node is None:
        return ()
    if category not in WINDOW_CATEGORIES:
        raise _Invalid(node, f"{context}'parts' is only allowed for {' and '.join(WINDOW_CATEGORIES)} rules; "
                             "remove it")
    if "window_s" not in fields and "turn" not in fields:
        raise _Invalid(node, f"{context}'parts' are checked where the rule looks for its phrase; "
                             "give the rule a 'window_s' or a 'turn'")
    parts: list[Part] = []
    for number, part_node in enumerate(_list(node, f"{context}'parts'", non_empty=True), 1):
        part = _part(part_node, f"{context}part {number}: ", items, item, companies)
        if any(other.name == part.name for other in parts):
            raise _Invalid(part_node, f"{context}part '{part.name}' is listed twice; each part may appear once")
        parts.append(part)
    return tuple(parts)


def _part(node: Node, context: str, items: dict[str, RubricItem], item: RubricItem,
          companies: tuple[str, ...]) -> Part:
    """One required part; its deduction goes to its own ``item`` when given (the hotline is the order flow's)."""
    fields = _fields(node, "part", _PART_REQUIRED, _PART_OPTIONAL, context)
    name = _text(fields["part"], f"{context}'part'").strip()
    owner = _rule_item(fields["item"], context, items) if "item" in fields else item
    return Part(name=name, phrases=_phrases(fields["phrases"], context, companies=companies),
                deduction=_deduction(fields, context, owner), match=_match(fields, context),
                item=owner.id if "item" in fields else "")


def _similarity(node: Node | None, context: str) -> float | None:
    """A similarity threshold; 0 would accept anything at all, so it must be above it."""
    if node is None:
        return None
    value = _between(node, f"{context}'min_similarity'", 0.0, 1.0)
    if value == 0:
        raise _Invalid(node, f"{context}'min_similarity' must be greater than 0 (1 means exact), got {node.value}")
    return value


def _supersedes(node: Node | None, category: str, context: str) -> tuple[str, ...]:
    """Violation categories a hit of this rule swallows when said in the same breath."""
    if node is None:
        return ()
    label = f"{context}'supersedes'"
    others = tuple(other for other in VIOLATION_CATEGORIES if other != category)
    if category not in VIOLATION_CATEGORIES:
        raise _Invalid(node, f"{label} is only allowed for {', '.join(VIOLATION_CATEGORIES)} rules; remove it")
    return tuple(_choice(entry, f"{label} entry {n}", others) for n, entry in enumerate(_list(node, label, True), 1))


def _behaviour_rule(node: Node, number: int, category: str, items: dict[str, RubricItem]) -> BehaviourRule:
    context = f"rule {number} ({category}): "
    fields = _fields(node, f"{category} rule", _BEHAVIOUR_REQUIRED, _BEHAVIOUR_OPTIONAL[category], context)
    item = _rule_item(fields["item"], context, items)
    low, high = _range(fields, category, context)
    deduction = _between(fields["deduction"], f"{context}'deduction'", 0.0, item.max_points)
    if category == "customer_anger" and deduction:
        raise _Invalid(fields["deduction"], f"{context}the caller's anger is a reason to listen, never a deduction "
                                            "from the agent; set 'deduction: 0'")
    notice = fields.get("notice_deduction")
    return BehaviourRule(
        category=category,
        item=item.id,
        deduction=deduction,
        speaker=_choice(fields["speaker"], f"{context}'speaker'", _behaviour_speakers(category))
        if "speaker" in fields else (CUSTOMER if category == "customer_anger" else AGENT),
        min_s=_positive(fields["min_s"], f"{context}'min_s'") if "min_s" in fields else None,
        low=low,
        high=high,
        hold_notice=_phrases(fields["hold_notice"], context, "hold_notice") if "hold_notice" in fields else (),
        notice_deduction=None if notice is None else _between(notice, f"{context}'notice_deduction'", 0.0, deduction),
        phrases=_phrases(fields["phrases"], context, "phrases") if "phrases" in fields else (),
    )


def _behaviour_speakers(category: str) -> tuple[str, ...]:
    """Loudness and anger can be anybody's; rates, ratios and talk-over compare the two parties of a stereo call."""
    return RULE_SPEAKERS if category in ("loudness", "customer_anger") else PARTY_SPEAKERS


def _range(fields: dict[str, Node], category: str, context: str) -> tuple[float | None, float | None]:
    """``low``/``high`` of a rate (per minute), a share (0..1) or a loudness rise (dB); a range needs one end."""
    low = _limit(fields.get("low"), category, f"{context}'low'")
    high = _limit(fields.get("high"), category, f"{context}'high'")
    if category in ("speech_rate", "talk_ratio") and low is None and high is None:
        raise _Invalid(fields["category"], f"{context}needs 'low', 'high' or both")
    if low is not None and high is not None and low > high:
        raise _Invalid(fields["high"], f"{context}'high' must not be below 'low' ({low:g}), got {high:g}")
    return low, high


def _limit(node: Node | None, category: str, label: str) -> float | None:
    if node is None:
        return None
    if category == "talk_ratio":
        return _between(node, label, 0.0, 1.0)
    return _positive(node, label)


def _sequence_rule(node: Node, number: int, items: dict[str, RubricItem]) -> SequenceRule:
    context = f"rule {number} (sequence): "
    fields = _fields(node, "sequence rule", _SEQUENCE_REQUIRED, _SEQUENCE_OPTIONAL, context)
    item = _rule_item(fields["item"], context, items)
    position = _choice(fields["position"], f"{context}'position'", POSITIONS) if "position" in fields else "after"
    within = fields.get("within_s")
    if within is not None and position == "before":
        raise _Invalid(within, f"{context}'within_s' only applies to position: after; remove it")
    return SequenceRule(
        name=_text(fields["name"], f"{context}'name'"),
        item=item.id,
        deduction=_between(fields["deduction"], f"{context}'deduction'", 0.0, item.max_points),
        trigger=_cue(fields["trigger"], f"rule {number} (sequence), trigger: "),
        expect=_cue(fields["expect"], f"rule {number} (sequence), expect: "),
        expect_after=position == "after",
        within_s=None if within is None else _positive(within, f"{context}'within_s'"),
        says=_says(fields.get("says"), context),
    )


def _says(node: Node | None, context: str) -> str:
    """The flag's wording, with only the placeholders a flag can fill."""
    if node is None:
        return ""
    label = f"{context}'says'"
    template = _text(node, label)
    allowed = ", ".join("{" + field + "}" for field in SAYS_FIELDS)
    try:
        fields = template_fields(template)
    except ValueError:
        raise _Invalid(node, f"{label} has a brace without its pair; write placeholders as {allowed}") from None
    unknown = [field for field in fields if field not in SAYS_FIELDS]
    if unknown:
        raise _Invalid(node, f"{label} may only use {allowed}, got {{{unknown[0]}}}")
    return template


def _cue(node: Node, context: str) -> PhraseCue:
    fields = _fields(node, "cue", _CUE_REQUIRED, _CUE_OPTIONAL, context)
    return PhraseCue(
        speaker=_choice(fields["speaker"], f"{context}'speaker'", PARTY_SPEAKERS),
        phrases=_phrases(fields["phrases"], context),
        match=_choice(fields["match"], f"{context}'match'", MATCH_MODES) if "match" in fields else NORMAL,
    )


def _rule_item(node: Node, context: str, items: dict[str, RubricItem]) -> RubricItem:
    item_id = _text(node, f"{context}'item'")
    if item_id not in items:
        known = ", ".join(items)
        raise _Invalid(node, f"{context}'item' must be the id of an item in this rubric ({known}), got '{item_id}'")
    return items[item_id]


def _phrases(node: Node, context: str, key: str = "phrases", companies: tuple[str, ...] | None = None
             ) -> tuple[str, ...]:
    """Surrounding spaces are dropped: they are invisible in the editor and would never match.

    In phrase rules and their parts (``companies`` given), ``{company}`` stands for each of the centre's names.
    """
    phrase_nodes = _list(node, f"{context}'{key}'", non_empty=True)
    phrases: list[str] = []
    for number, phrase_node in enumerate(phrase_nodes, 1):
        phrase = _text(phrase_node, f"{context}phrase {number}").strip()
        phrases += _expand_company(phrase_node, phrase, companies, f"{context}'{key}' phrase {number}")
    return tuple(phrases)


def _expand_company(node: Node, phrase: str, companies: tuple[str, ...] | None, label: str) -> list[str]:
    if COMPANY_PLACEHOLDER not in phrase:
        return [phrase]
    if companies is None:
        raise _Invalid(node, f"{label}: {COMPANY_PLACEHOLDER} is only filled in phrase rules and their parts; "
                             "write the name itself here")
    if not companies:
        raise _Invalid(node, f"{label} uses {COMPANY_PLACEHOLDER}, but the rubric names no company; add a "
                             "top-level 'company:' list with this centre's name(s)")
    return [phrase.replace(COMPANY_PLACEHOLDER, company) for company in companies]


def _window(node: Node | None, category: str, context: str) -> float | None:
    """A time window only makes sense for what must happen at the start (greeting) or end (closing)."""
    if node is None:
        return None
    if category not in WINDOW_CATEGORIES:
        allowed = " and ".join(WINDOW_CATEGORIES)
        raise _Invalid(node, f"{context}'window_s' is only allowed for {allowed} rules; remove it")
    return _positive(node, f"{context}'window_s'")


# --- typed access to nodes ------------------------------------------------------------------------------
# ``label`` names the value in messages, e.g. "item 'greeting': 'severity'".


def _fields(
    node: Node, kind: str, required: tuple[str, ...], optional: tuple[str, ...], context: str
) -> dict[str, Node]:
    """A mapping's values by key, rejecting unknown and duplicate keys so typos cannot slip through."""
    if not isinstance(node, MappingNode):
        raise _Invalid(node, f"{context}expected {_a(kind)} (a mapping of key: value), got {_describe(node)}")
    allowed = required + optional
    fields: dict[str, Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if key in fields:
            raise _Invalid(key_node, f"{context}duplicate key '{key}'; each key may appear only once")
        if key not in allowed:
            raise _Invalid(key_node, f"{context}{_unknown_key(key_node, allowed)}")
        fields[key] = value_node
    missing = [key for key in required if key not in fields]
    if missing:
        raise _Invalid(node, f"{context}missing required key '{missing[0]}'; {_a(kind)} needs {', '.join(required)}")
    return fields


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _unknown_key(key_node: Node, allowed: tuple[str, ...]) -> str:
    """Names the unknown key and, when it looks like a typo, the key that was probably meant."""
    shown = key_node.value if isinstance(key_node, ScalarNode) else _describe(key_node)
    close = difflib.get_close_matches(str(shown), allowed, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown key '{shown}'{hint}; expected one of {', '.join(allowed)}"


def _list(node: Node, label: str, non_empty: bool) -> list[Node]:
    if not isinstance(node, SequenceNode):
        raise _Invalid(node, f"{label} must be a list, got {_describe(node)}")
    if non_empty and not node.value:
        raise _Invalid(node, f"{label} must be a non-empty list, got an empty list")
    return list(node.value)


def _text(node: Node, label: str, allow_empty: bool = False) -> str:
    """Text as written: ``id: 2024`` is the text '2024', which is what the editor of the file means."""
    if not isinstance(node, ScalarNode):
        raise _Invalid(node, f"{label} must be text, got {_describe(node)}")
    value = "" if node.tag == _NULL_TAG else node.value
    if not value.strip() and not allow_empty:
        raise _Invalid(node, f"{label} must be non-empty text")
    return value


def _optional_text(node: Node | None, label: str) -> str:
    return "" if node is None else _text(node, label, allow_empty=True)


def _choice(node: Node, label: str, choices: tuple[str, ...]) -> str:
    value = _text(node, label, allow_empty=True)
    if value not in choices:
        raise _Invalid(node, f"{label} must be one of {', '.join(choices)}, got {_describe(node)}")
    return value


def _number(node: Node, label: str) -> float:
    """A finite int or float; quoted numbers are refused so that a type mistake is not silently accepted."""
    if not isinstance(node, ScalarNode) or node.tag not in (_INT_TAG, _FLOAT_TAG):
        raise _Invalid(node, f"{label} must be a number, got {_describe(node)}")
    construct = _SCALARS.construct_yaml_int if node.tag == _INT_TAG else _SCALARS.construct_yaml_float
    value = float(construct(node))
    if not math.isfinite(value):
        raise _Invalid(node, f"{label} must be a finite number, got {node.value}")
    return value


def _positive(node: Node, label: str) -> float:
    value = _number(node, label)
    if value <= 0:
        raise _Invalid(node, f"{label} must be greater than 0, got {node.value}")
    return value


def _between(node: Node, label: str, low: float, high: float) -> float:
    value = _number(node, label)
    if not low <= value <= high:
        raise _Invalid(node, f"{label} must be between {low:g} and {high:g}, got {node.value}")
    return value


def _flag(node: Node | None, label: str) -> bool:
    """An optional yes/no key; absent means no."""
    if node is None:
        return False
    if not isinstance(node, ScalarNode) or node.tag != _BOOL_TAG:
        raise _Invalid(node, f"{label} must be true or false, got {_describe(node)}")
    return bool(_SCALARS.construct_yaml_bool(node))


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _describe(node: Node) -> str:
    """How a wrong value is quoted back in an error message."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _NULL_TAG:
        return "nothing"
    return f"'{node.value}'"
