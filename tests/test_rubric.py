"""Rubric loading (shipped files and precise error reports) and scorecard arithmetic."""

from __future__ import annotations

from pathlib import Path

import pytest

from qaworkstation.core.domain import (ADVISORY_CATEGORIES, BEHAVIOUR_CATEGORIES, PHRASE_CATEGORIES, ItemScore, Rubric,
                                       RubricItem, RubricSection)
from qaworkstation.core.scoring.rubric import (RubricError, bundled_rubrics_dir, default_item_scores, list_rubrics,
                                               load_rubric, score_evaluation)

# A small valid rubric; the malformed cases below each change one or two of its lines.
VALID_LINES = [
    "id: test",  # 1
    "name: Test rubric",  # 2
    "language: en",  # 3
    "pass_mark: 80",  # 4
    "sections:",  # 5
    "  - title: Opening",  # 6
    "    items:",  # 7
    "      - id: greeting",  # 8
    "        title: Greeting",  # 9
    "        points: 10",  # 10
    "        severity: B",  # 11
    "      - id: insult",  # 12
    "        title: No insults",  # 13
    "        points: 90",  # 14
    "        severity: A",  # 15
    "        critical: true",  # 16
    "rules:",  # 17
    "  - category: greeting",  # 18
    "    item: greeting",  # 19
    "    window_s: 20",  # 20
    "    deduction: 5",  # 21
    "    phrases: [hello, good morning]",  # 22
]


def _rubric_text(changes: dict[int, str | None]) -> str:
    """VALID_LINES with 1-based lines replaced (a string may hold several lines) or removed (None)."""
    lines = []
    for number, line in enumerate(VALID_LINES, 1):
        replacement = changes.get(number, line)
        if replacement is not None:
            lines.append(replacement)
    return "\n".join(lines) + "\n"


def _write(tmp_path: Path, data: str | bytes, name: str = "rubric.yaml") -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _load_error(path: Path) -> RubricError:
    with pytest.raises(RubricError) as caught:
        load_rubric(path)
    return caught.value


# --- shipped rubrics ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> dict[str, Rubric]:
    return {path.name: load_rubric(path) for path in list_rubrics(bundled_rubrics_dir())}


def test_both_shipped_rubrics_are_listed(shipped: dict[str, Rubric]) -> None:
    assert {"zh_monitoring.yaml", "en_contact_center.yaml"} <= set(shipped)


@pytest.mark.parametrize("name", ["zh_monitoring.yaml", "en_contact_center.yaml"])
def test_shipped_rubric_totals_100_and_covers_every_category(shipped: dict[str, Rubric], name: str) -> None:
    rubric = shipped[name]
    assert rubric.max_total == pytest.approx(100)
    assert set(PHRASE_CATEGORIES) <= {rule.category for rule in rubric.rules} <= {*PHRASE_CATEGORIES,
                                                                               *ADVISORY_CATEGORIES}
    assert rubric.source.endswith(name)


def test_zh_rubric_sections_and_critical_insult_item(shipped: dict[str, Rubric]) -> None:
    rubric = shipped["zh_monitoring.yaml"]
    assert rubric.language == "zh"
    expected = ["产品业务知识", "服务用语", "服务态度", "沟通技巧", "营销意识", "订单流程", "其他"]
    assert [section.title for section in rubric.sections] == expected
    insult = rubric.item("insult")
    assert insult.title == "侮辱攻击讽刺语言"
    assert insult.critical and insult.severity == "A"
    insult_rule = next(rule for rule in rubric.rules if rule.category == "insult")
    assert insult_rule.item == "insult"
    assert insult_rule.deduction == insult.max_points
    assert "病" not in insult_rule.phrases and "滚" not in insult_rule.phrases


def test_en_rubric_abusive_language_is_critical(shipped: dict[str, Rubric]) -> None:
    rubric = shipped["en_contact_center.yaml"]
    assert rubric.language == "en"
    assert any(item.critical for item in rubric.items)
    insult_rule = next(rule for rule in rubric.rules if rule.category == "insult")
    assert rubric.item(insult_rule.item).critical


def test_valid_rubric_fields(tmp_path: Path) -> None:
    rubric = load_rubric(_write(tmp_path, _rubric_text({})))
    assert rubric.id == "test" and rubric.pass_mark == 80
    assert [item.id for item in rubric.items] == ["greeting", "insult"]
    rule = rubric.rules[0]
    assert (rule.category, rule.item, rule.speaker, rule.window_s) == ("greeting", "greeting", "agent", 20)
    assert rule.phrases == ("hello", "good morning")


def test_list_rubrics_sorted_yaml_only(tmp_path: Path) -> None:
    for name in ("b.yml", "a.yaml", "notes.txt", "c.YAML"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert [p.name for p in list_rubrics(tmp_path)] == ["a.yaml", "b.yml", "c.YAML"]
    assert list_rubrics(tmp_path / "missing") == []


# --- malformed files ------------------------------------------------------------------------------------


MALFORMED = {
    "yaml syntax": ({13: "        title: No insults: really"}, 13, "invalid YAML syntax"),
    "unknown key": ({11: "        severty: B"}, 11, "unknown key 'severty' (did you mean 'severity'?)"),
    "unknown top-level key": ({4: "pass_mark: 80\npassmark: 70"}, 5, "unknown key 'passmark'"),
    "duplicate key": ({10: "        points: 10\n        points: 5"}, 11, "duplicate key 'points'"),
    "missing points": ({14: None}, 12, "missing required key 'points'; an item needs id, title, points, severity"),
    "bad severity": ({11: "        severity: D"}, 11, "item 'greeting': 'severity' must be one of A, B, C, got 'D'"),
    "duplicate id": ({12: "      - id: greeting"}, 12, "duplicate item id 'greeting' (first used on line 8)"),
    "zero points": ({10: "        points: 0"}, 10, "item 'greeting': 'points' must be greater than 0, got 0"),
    "points not a number": ({10: "        points: ten"}, 10, "item 'greeting': 'points' must be a number, got 'ten'"),
    "quoted number": ({10: '        points: "10"'}, 10, "'points' must be a number, got '10'"),
    "critical not a bool": ({16: "        critical: maybe"}, 16, "'critical' must be true or false, got 'maybe'"),
    "title is a list": ({9: "        title: [a, b]"}, 9, "'title' must be text, got a list"),
    "sections not a list": ({5: "sections: none", **dict.fromkeys(range(6, 17))}, 5, "'sections' must be a list"),
    "pass mark above 100": ({4: "pass_mark: 120"}, 4, "'pass_mark' must be between 0 and 100, got 120"),
    "bad language": ({3: "language: fr"}, 3, "'language' must be one of zh, en, got 'fr'"),
    "unknown category": ({18: "  - category: greetings"}, 18, "rule 1: 'category' must be one of"),
    "rule to unknown item": ({19: "    item: greting"}, 19, "rule 1 (greeting): 'item' must be the id of an item"),
    "empty phrase list": ({22: "    phrases: []"}, 22, "'phrases' must be a non-empty list, got an empty list"),
    "empty phrase": ({22: "    phrases:\n      - hello\n      - ''"}, 24, "phrase 2 must be non-empty text"),
    "deduction too large": ({21: "    deduction: 11"}, 21, "'deduction' must be between 0 and 10, got 11"),
    "negative deduction": ({21: "    deduction: -1"}, 21, "'deduction' must be between 0 and 10, got -1"),
    "bad speaker": ({19: "    item: greeting\n    speaker: boss"}, 20, "'speaker' must be one of agent, customer"),
    "window on forbidden": ({18: "  - category: forbidden"}, 20, "'window_s' is only allowed for greeting and closing"),
    "negative window": ({20: "    window_s: -5"}, 20, "'window_s' must be greater than 0, got -5"),
    "rule not a mapping": ({18: "  - greeting", **dict.fromkeys(range(19, 23))}, 18, "rule 1: expected a rule"),
    "bad match": ({20: "    match: fuzzy"}, 20, "rule 1 (greeting): 'match' must be one of exact, normal, loose"),
    "zero similarity": ({20: "    min_similarity: 0"}, 20, "'min_similarity' must be greater than 0 (1 means exact)"),
    "similarity above 1": ({20: "    min_similarity: 1.5"}, 20, "'min_similarity' must be between 0 and 1, got 1.5"),
    "bad turn": ({20: "    turn: middle"}, 20, "'turn' must be one of first, last, got 'middle'"),
    "supersedes on greeting": ({20: "    supersedes: [insult]"}, 20,
                               "'supersedes' is only allowed for forbidden, insult, filler rules"),
    "behaviour key on a phrase rule": ({20: "    min_s: 3"}, 20, "unknown key 'min_s'"),
}

# Rules of the other types, appended after the greeting rule (line 22) one at a time; line 23 starts them.
EXTRA_RULES = {
    "silence with a range": (["  - category: silence", "    item: greeting", "    deduction: 2", "    low: 3"], 26,
                             "rule 2 (silence): unknown key 'low'; expected one of category, item, deduction, "
                             "min_s, hold_notice, notice_deduction"),
    "notice deduction above the deduction": (
        ["  - category: silence", "    item: greeting", "    deduction: 2", "    notice_deduction: 3"], 26,
        "rule 2 (silence): 'notice_deduction' must be between 0 and 2, got 3"),
    "empty hold notice": (["  - category: silence", "    item: greeting", "    deduction: 2", "    hold_notice: []"],
                          26, "rule 2 (silence): 'hold_notice' must be a non-empty list"),
    "rate without limits": (["  - category: speech_rate", "    item: greeting", "    deduction: 1"], 23,
                            "rule 2 (speech_rate): needs 'low', 'high' or both"),
    "rate limits reversed": (["  - category: speech_rate", "    item: greeting", "    deduction: 1", "    low: 300",
                              "    high: 200"], 27, "'high' must not be below 'low' (300), got 200"),
    "ratio above one": (["  - category: talk_ratio", "    item: greeting", "    deduction: 1", "    high: 85"], 26,
                        "rule 2 (talk_ratio): 'high' must be between 0 and 1, got 85"),
    "overtalk by anyone": (["  - category: overtalk", "    item: greeting", "    deduction: 1", "    speaker: any"],
                           26, "rule 2 (overtalk): 'speaker' must be one of agent, customer, got 'any'"),
    "negative silence": (["  - category: dead_air", "    item: greeting", "    deduction: 1", "    min_s: -2"], 26,
                         "rule 2 (dead_air): 'min_s' must be greater than 0, got -2"),
    "sequence without expect": (["  - category: sequence", "    name: n", "    item: greeting", "    deduction: 1",
                                 "    trigger: {speaker: customer, phrases: [complaint]}"], 23,
                                "rule 2 (sequence): missing required key 'expect'"),
    "cue by unknown": (["  - category: sequence", "    name: n", "    item: greeting", "    deduction: 1",
                        "    trigger: {speaker: customer, phrases: [complaint]}",
                        "    expect: {speaker: unknown, phrases: [sorry]}"], 28,
                       "rule 2 (sequence), expect: 'speaker' must be one of agent, customer, got 'unknown'"),
    "cue without phrases": (["  - category: sequence", "    name: n", "    item: greeting", "    deduction: 1",
                             "    trigger: {speaker: customer}", "    expect: {speaker: agent, phrases: [sorry]}"],
                            27, "rule 2 (sequence), trigger: missing required key 'phrases'"),
    "window before": (["  - category: sequence", "    name: n", "    item: greeting", "    deduction: 1",
                       "    trigger: {speaker: agent, phrases: [order]}",
                       "    expect: {speaker: agent, phrases: [name]}", "    position: before", "    within_s: 30"], 30,
                      "'within_s' only applies to position: after; remove it"),
    "bad position": (["  - category: sequence", "    name: n", "    item: greeting", "    deduction: 1",
                      "    trigger: {speaker: agent, phrases: [order]}",
                      "    expect: {speaker: agent, phrases: [name]}", "    position: sideways"], 29, "'position' must be one of after, before, got 'sideways'"),
    "unknown rule category": (["  - category: silense", "    item: greeting", "    deduction: 1"], 23,
                              "rule 2: 'category' must be one of greeting, closing, apology, forbidden, insult, "
                              "filler, polite_form, silence, dead_air, overtalk, speech_rate, talk_ratio, loudness, "
                              "customer_anger, sequence"),
    "anger as a deduction": (["  - category: customer_anger", "    item: greeting", "    deduction: 1"], 25,
                             "the caller's anger is a reason to listen, never a deduction from the agent; set "
                             "'deduction: 0'"),
}


@pytest.mark.parametrize(("lines", "line", "message"), EXTRA_RULES.values(), ids=EXTRA_RULES.keys())
def test_malformed_behaviour_and_sequence_rules_name_the_line(
    tmp_path: Path, lines: list[str], line: int, message: str
) -> None:
    path = _write(tmp_path, _rubric_text({22: "\n".join([VALID_LINES[21], *lines])}))
    error = _load_error(path)
    assert error.line == line
    assert message in error.message


def test_every_rule_type_loads(tmp_path: Path) -> None:
    rules = [
        VALID_LINES[21], "    match: loose", "    turn: first", "    min_similarity: 0.75",
        "  - category: insult", "    item: insult", "    deduction: 90", "    phrases: [idiot]",
        "    supersedes: [forbidden]",
        "  - category: silence", "    item: insult", "    deduction: 2", "    min_s: 12",
        "    hold_notice: [please hold]", "    notice_deduction: 1",
        "  - category: talk_ratio", "    item: greeting", "    deduction: 1", "    high: 0.8",
        "  - category: sequence", "    name: apology after a complaint", "    item: greeting", "    deduction: 1",
        "    trigger: {speaker: customer, phrases: [complaint]}",
        "    expect: {speaker: agent, phrases: [sorry], match: exact}", "    within_s: 20",
    ]
    rubric = load_rubric(_write(tmp_path, _rubric_text({22: "\n".join(rules)})))
    greeting, insult = rubric.rules
    assert (greeting.match, greeting.turn, greeting.min_similarity) == ("loose", "first", 0.75)
    assert insult.supersedes == ("forbidden",) and insult.match == "normal"
    silence, ratio = rubric.behaviour_rules
    assert (silence.category, silence.min_s, silence.hold_notice, silence.notice_deduction) == \
        ("silence", 12, ("please hold",), 1)
    assert (ratio.speaker, ratio.low, ratio.high) == ("agent", None, 0.8)
    [sequence] = rubric.sequence_rules
    assert (sequence.name, sequence.expect_after, sequence.within_s) == ("apology after a complaint", True, 20)
    assert (sequence.trigger.speaker, sequence.expect.phrases, sequence.expect.match) == \
        ("customer", ("sorry",), "exact")


@pytest.mark.parametrize("name", ["zh_monitoring.yaml", "en_contact_center.yaml"])
def test_shipped_rubrics_have_behaviour_and_order_rules(shipped: dict[str, Rubric], name: str) -> None:
    rubric = shipped[name]
    assert {rule.category for rule in rubric.behaviour_rules} == set(BEHAVIOUR_CATEGORIES)
    assert {rule.expect_after for rule in rubric.sequence_rules} == {True, False}
    insult = next(rule for rule in rubric.rules if rule.category == "insult")
    assert insult.supersedes == ("forbidden",)


@pytest.mark.parametrize(("changes", "line", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_rubric_names_file_and_line(
    tmp_path: Path, changes: dict[int, str | None], line: int, message: str
) -> None:
    path = _write(tmp_path, _rubric_text(changes))
    error = _load_error(path)
    assert (error.path, error.line) == (str(path), line)
    assert message in error.message
    assert str(error).startswith(f"{path}:{line}: ")


def test_bad_severity_full_message(tmp_path: Path) -> None:
    path = _write(tmp_path, _rubric_text({11: "        severity: D"}))
    expected = f"{path}:11: item 'greeting': 'severity' must be one of A, B, C, got 'D'"
    assert str(_load_error(path)) == expected


def test_non_utf8_bytes_give_line(tmp_path: Path) -> None:
    text = _rubric_text({13: "        title: Négatif"})
    path = _write(tmp_path, text.encode("latin-1"))
    error = _load_error(path)
    assert error.line == 13
    assert str(error).startswith(f"{path}:13: not valid UTF-8")


def test_gbk_encoded_chinese_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "id: x\nname: 监听评分标准\n".encode("gbk"))
    assert _load_error(path).line == 2


def test_control_character_gives_line(tmp_path: Path) -> None:
    path = _write(tmp_path, _rubric_text({9: "        title: Gree\x07ting"}))
    error = _load_error(path)
    assert error.line == 9
    assert "character #x0007 is not allowed" in error.message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, b"\xef\xbb\xbf" + _rubric_text({}).encode("utf-8"))
    assert load_rubric(path).id == "test"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    error = _load_error(path)
    assert error.line is None
    assert str(error) == f"{path}: file not found; expected a rubric YAML file"


@pytest.mark.parametrize(("text", "line"), [("", None), ("# only a comment\n", None), ("- a\n- b\n", 1)])
def test_empty_or_non_mapping_file(tmp_path: Path, text: str, line: int | None) -> None:
    assert _load_error(_write(tmp_path, text)).line == line


def test_rubric_error_is_a_value_error() -> None:
    error = RubricError("r.yaml", None, "broken")
    assert isinstance(error, ValueError)
    assert str(error) == "r.yaml: broken"


# --- scoring --------------------------------------------------------------------------------------------


def _scoring_rubric(pass_mark: float = 80) -> Rubric:
    items = (
        RubricItem("a", "A", 50, "B"),
        RubricItem("b", "B", 30, "C", allow_na=True),
        RubricItem("c", "C", 10, "C"),
        RubricItem("crit", "Critical", 10, "A", critical=True),
    )
    return Rubric("r", "R", "en", pass_mark, (RubricSection("S", items),), ())


def _scores(**scores: float | None) -> dict[str, ItemScore]:
    return {item_id: ItemScore(item_id, score=score) for item_id, score in scores.items()}


def test_default_scores_are_unscored_and_give_full_marks() -> None:
    rubric = _scoring_rubric()
    scores = default_item_scores(rubric)
    assert set(scores) == {"a", "b", "c", "crit"}
    assert all(s.score is None and not s.na for s in scores.values())
    summary = score_evaluation(rubric, scores)
    assert (summary.total, summary.max_total, summary.critical_failed, summary.passed) == (100, 100, False, True)


def test_missing_entries_count_as_unscored() -> None:
    summary = score_evaluation(_scoring_rubric(), _scores(a=40))
    assert (summary.total, summary.max_total) == (90, 100)


def test_na_item_excluded_from_total_and_max() -> None:
    scores = _scores(a=40)
    scores["b"] = ItemScore("b", score=0, na=True)
    summary = score_evaluation(_scoring_rubric(), scores)
    assert (summary.total, summary.max_total) == (60, 70)


def test_na_ignored_when_item_does_not_allow_it() -> None:
    scores = {"a": ItemScore("a", score=20, na=True)}
    summary = score_evaluation(_scoring_rubric(), scores)
    assert (summary.total, summary.max_total) == (70, 100)


def test_scores_are_clamped_to_item_range() -> None:
    summary = score_evaluation(_scoring_rubric(), _scores(a=80, c=-5))
    assert (summary.total, summary.max_total) == (90, 100)


def test_critical_failure_fails_despite_high_percent() -> None:
    summary = score_evaluation(_scoring_rubric(pass_mark=50), _scores(crit=9))
    assert summary.percent == pytest.approx(99)
    assert summary.critical_failed and not summary.passed


def test_na_critical_item_does_not_fail() -> None:
    rubric = _scoring_rubric()
    crit = RubricItem("crit", "Critical", 10, "A", critical=True, allow_na=True)
    rubric = Rubric("r", "R", "en", 80, (RubricSection("S", rubric.items[:3] + (crit,)),), ())
    summary = score_evaluation(rubric, {"crit": ItemScore("crit", score=0, na=True)})
    assert not summary.critical_failed and summary.passed


@pytest.mark.parametrize(("score_a", "passed"), [(30, True), (29.5, False)])
def test_pass_mark_boundary(score_a: float, passed: bool) -> None:
    summary = score_evaluation(_scoring_rubric(pass_mark=80), _scores(a=score_a))
    assert summary.passed is passed


def test_pass_mark_tolerates_float_rounding() -> None:
    items = (RubricItem("a", "A", 2.5, "B"), RubricItem("b", "B", 0.4, "C"))
    rubric = Rubric("r", "R", "en", 80, (RubricSection("S", items),), ())
    summary = score_evaluation(rubric, _scores(a=1.92))
    assert summary.percent < 80
    assert summary.passed


# --- call types, judged-by-hand items, required parts, contexts and frequencies -----------------------------

# Keys new in the handbook's rubric, inserted into VALID_LINES one case at a time: (changes, line, message).
TYPED = {
    "applies_to without call types": ({11: "        severity: B\n        applies_to: [order]"}, 12,
                                      "item 'greeting': 'applies_to' names call types, but the rubric declares "
                                      "none; add a top-level 'call_types:' list"),
    "applies_to an undeclared type": ({4: "pass_mark: 80\ncall_types: [enquiry, order]",
                                       11: "        severity: B\n        applies_to: [enquiry, oder]"}, 13,
                                      "item 'greeting': 'applies_to' must name call types of this rubric "
                                      "(enquiry, order), got 'oder'; add it to 'call_types' or correct the spelling"),
    "a call type twice": ({4: "pass_mark: 80\ncall_types: [order, order]"}, 5,
                          "'call_types' lists 'order' twice; each name may appear only once"),
    "by_hand not a bool": ({11: "        severity: B\n        by_hand: yes please"}, 12,
                           "item 'greeting': 'by_hand' must be true or false, got 'yes please'"),
    "{company} without a company": ({22: "    phrases: [hello, 'welcome to {company}']"}, 22,
                                    "uses {company}, but the rubric names no company; add a top-level 'company:' "
                                    "list"),
    "parts on a forbidden rule": ({18: "  - category: forbidden", 20: None,
                                   22: "    phrases: [hello]\n    parts:\n      - {part: name, phrases: [I am], "
                                       "deduction: 1}"}, 23, "'parts' is only allowed for greeting and closing rules"),
    "parts without a place": ({20: None, 22: "    phrases: [hello]\n    parts:\n      - {part: name, phrases: [I am], "
                                             "deduction: 1}"}, 23, "give the rule a 'window_s' or a 'turn'"),
    "a part twice": ({22: "    phrases: [hello]\n    parts:\n      - {part: name, phrases: [I am], deduction: 1}\n"
                          "      - {part: name, phrases: [this is], deduction: 1}"}, 25,
                     "part 'name' is listed twice"),
    "a part costing too much": ({22: "    phrases: [hello]\n    parts:\n      - {part: name, phrases: [I am], "
                                     "deduction: 11}"}, 24, "part 1: 'deduction' must be between 0 and 10, got 11"),
    "a part for an unknown item": ({22: "    phrases: [hello]\n    parts:\n      - {part: name, phrases: [I am], "
                                        "deduction: 1, item: nope}"}, 24, "part 1: 'item' must be the id of an item"),
    "per_minute on a forbidden rule": ({18: "  - category: forbidden", 20: "    per_minute: 4"}, 20,
                                       "'per_minute' is only allowed for filler rules; remove it"),
    "per_minute of zero": ({18: "  - category: filler", 20: "    per_minute: 0"}, 20,
                           "rule 1 (filler): 'per_minute' must be greater than 0, got 0"),
    "an empty unless": ({20: "    unless: []"}, 20, "rule 1 (greeting): 'unless' must be a non-empty list"),
    "an advisory that deducts": ({18: "  - category: polite_form", 20: None}, 20,
                                 "rule 1 (polite_form): advisory rules never deduct (the inspector judges each "
                                 "hit); set 'deduction: 0' or remove it, got 5"),
}


@pytest.mark.parametrize(("changes", "line", "message"), TYPED.values(), ids=TYPED.keys())
def test_malformed_call_types_parts_and_frequencies_name_the_line(
    tmp_path: Path, changes: dict[int, str | None], line: int, message: str
) -> None:
    error = _load_error(_write(tmp_path, _rubric_text(changes)))
    assert (error.line, error.path) == (line, str(tmp_path / "rubric.yaml"))
    assert message in error.message


def _says_error(tmp_path: Path, says: str) -> RubricError:
    sequence = [VALID_LINES[21], "  - category: sequence", "    name: n", "    item: greeting", "    deduction: 1",
                "    trigger: {speaker: customer, phrases: [complaint]}", "    expect: {speaker: agent, phrases: [sorry]}",
                f"    says: '{says}'"]
    return _load_error(_write(tmp_path, _rubric_text({22: "\n".join(sequence)})))


def test_a_flag_template_may_only_name_the_time_and_the_words(tmp_path: Path) -> None:
    unknown = _says_error(tmp_path, "no apology after {complaint}")
    assert unknown.line == 29
    assert "rule 2 (sequence): 'says' may only use {time}, {heard}, got {complaint}" in unknown.message
    unpaired = _says_error(tmp_path, "no apology at {time")
    assert "'says' has a brace without its pair; write placeholders as {time}, {heard}" in unpaired.message


def test_call_types_parts_contexts_and_frequencies_load(tmp_path: Path) -> None:
    changes = {
        4: "pass_mark: 80\ncall_types: [enquiry, complaint, order]\ncompany: [Northwind, North Wind]",
        11: "        severity: B\n        applies_to: [order, complaint]\n        by_hand: true",
        22: "\n".join([
            "    phrases: [hello, 'welcome to {company}']",
            "    parts:",
            "      - {part: company, phrases: ['{company}'], deduction: 2, match: loose}",
            "      - {part: name, phrases: [my name is], deduction: 1, item: insult}",
            "  - category: filler", "    item: insult", "    deduction: 1", "    per_minute: 4",
            "    phrases: [um, you know]", "    unless: [let you know]",
            "  - category: polite_form", "    item: greeting", "    phrases: [hey]",
            "  - category: sequence", "    name: no apology", "    item: greeting", "    deduction: 1",
            "    trigger: {speaker: customer, phrases: [complaint]}", "    expect: {speaker: agent, phrases: [sorry]}",
            "    says: 'no apology after “{heard}” at {time}'",
        ]),
    }
    rubric = load_rubric(_write(tmp_path, _rubric_text(changes)))
    assert rubric.call_types == ("enquiry", "complaint", "order")
    greeting_item = rubric.item("greeting")
    assert (greeting_item.applies_to, greeting_item.by_hand) == (("order", "complaint"), True)
    assert greeting_item.applies("order") and not greeting_item.applies("enquiry") and greeting_item.applies("")
    assert (rubric.item("insult").applies_to, rubric.item("insult").by_hand) == ((), False)
    greeting, filler, polite = rubric.rules
    assert greeting.phrases == ("hello", "welcome to Northwind", "welcome to North Wind")
    company, name = greeting.parts
    assert (company.name, company.phrases, company.deduction, company.match, company.item) == \
        ("company", ("Northwind", "North Wind"), 2, "loose", "")
    assert (name.name, name.item, name.match) == ("name", "insult", "normal")
    assert (filler.per_minute, filler.unless, greeting.per_minute, greeting.unless) == (4, ("let you know",), None, ())
    assert (polite.category, polite.deduction) == ("polite_form", 0.0)
    [sequence] = rubric.sequence_rules
    assert sequence.says == "no apology after “{heard}” at {time}"


def test_shipped_rubrics_type_their_calls_and_mark_what_is_judged_by_hand(shipped: dict[str, Rubric]) -> None:
    zh, en = shipped["zh_monitoring.yaml"], shipped["en_contact_center.yaml"]
    assert zh.call_types == ("咨询", "查询", "投诉", "建议", "业务办理", "订购")
    assert en.call_types == ("enquiry", "query", "complaint", "suggestion", "service request", "order")
    for rubric in (zh, en):
        judged_by_hand = {item.id for item in rubric.items if item.by_hand}
        assert judged_by_hand, f"{rubric.id}: no item is marked as judged by hand"
        ruled = {rule.item for rule in (*rubric.rules, *rubric.behaviour_rules, *rubric.sequence_rules)}
        assert not judged_by_hand & ruled, "a rule checks an item no recording can show"
        assert all(isinstance(rule.says, str) and "{time}" in rule.says for rule in rubric.sequence_rules)
