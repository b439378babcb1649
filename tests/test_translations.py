"""One language throughout the Chinese window: every string the UI or the core says to a person has a finished
zh_CN translation, the compiled catalogues that ship hold them, and a refusal from deep in the core reaches the
Chinese window in Chinese.

The strings are collected from the source as the release tools collect them (pyside6-lupdate for the UI's
``tr``/``translate`` calls, Babel's extractor for the core's ``_()``), so a string added without a translation
fails here, not in front of an inspector.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from PySide6.QtCore import QLocale, QTranslator

from qaworkstation.core import i18n
from qaworkstation.core.domain import Segment
from qaworkstation.core.library.store import Store
from qaworkstation.core.scoring import roles
from qaworkstation.core.scoring.lifecycle import PendingItems
from qaworkstation.core.team.calibration import CONSENSUS, EXPERT, CalibrationResult
from qaworkstation.core.team.coaching import CoachingSession, Moment
from qaworkstation.core.team.coaching_pack import export_pack
from qaworkstation.core.team.sync import sync_evaluations
from qaworkstation.ui.app import install_translator
from qaworkstation.ui.rule_workbench import RuleWorkbench

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "resources" / "i18n"
QT_CATALOGUE = I18N / "qaws_zh_CN.ts"
CORE_PO = I18N / "zh_CN" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
CORE_MO = CORE_PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n|%\d")
TRAINEE_MAY_NOT_SUBMIT = "新员工角色不能提交评分；请联系主管（允许的角色：质检员、主管）。"


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


# ------------------------------------------------------------------------------------------------ the UI


def _refreshed_qt_catalogue(tmp_path: Path) -> Path:
    """The shipped .ts merged with the UI's current strings, as ``make translations`` would merge it."""
    lupdate = shutil.which("pyside6-lupdate", path=str(Path(sys.executable).parent)) or shutil.which("pyside6-lupdate")
    assert lupdate, "pyside6-lupdate not found beside the interpreter or on PATH"
    merged = tmp_path / QT_CATALOGUE.name
    shutil.copy(QT_CATALOGUE, merged)
    sources = sorted(str(path) for path in (ROOT / "qaworkstation" / "ui").glob("*.py"))
    subprocess.run([lupdate, *sources, "-no-obsolete", "-ts", str(merged)], check=True, capture_output=True)
    return merged


def _qt_messages(catalogue: Path) -> Iterator[tuple[str, str, ET.Element]]:
    for context in ET.parse(catalogue).getroot().iter("context"):
        for message in context.iter("message"):
            yield context.findtext("name") or "", message.findtext("source") or "", message.find("translation")


def test_every_ui_string_has_a_finished_zh_cn_translation(tmp_path: Path) -> None:
    """Unfinished, empty and obsolete-but-used entries all show English in the Chinese window."""
    merged = _refreshed_qt_catalogue(tmp_path)
    untranslated = [f"{context}: {source!r} ({translation.get('type') or 'empty'})"
                    for context, source, translation in _qt_messages(merged)
                    if translation.get("type") in ("unfinished", "obsolete", "vanished")
                    or not (translation.text or "").strip()]
    assert not untranslated, "run `make translations` and translate:\n" + "\n".join(untranslated)


def test_ui_translations_keep_their_placeholders_and_are_compiled(qapp) -> None:  # noqa: ANN001
    """A translation that drops ``{0}`` loses a number on screen, and one only in the .ts never ships."""
    shipped = QTranslator()
    assert shipped.load(str(QT_CATALOGUE.with_suffix(".qm")))
    wrong, stale = [], []
    for context, source, translation in _qt_messages(QT_CATALOGUE):
        text = translation.text or ""
        if _placeholders(text) != _placeholders(source):
            wrong.append(f"{context}: {source!r} → {text!r}")
        if text and shipped.translate(context, source) != text:
            stale.append(f"{context}: {source!r}")
    assert not wrong, "\n".join(wrong)
    assert not stale, "the .qm is older than the .ts; run `make translations`:\n" + "\n".join(stale)


# ---------------------------------------------------------------------------------------------- the core


def _core_messages() -> dict[str, str]:
    """Every ``_()``/``N_()``/``ngettext`` message of the core, found as ``pybabel extract`` finds them: the
    catalogue's key (a plural message's singular) and the English whose placeholders a translation must keep
    (for a plural, its plural form: Chinese has one form for every count)."""
    found = {}
    for _file, _line, message, _comments, _context in extract_from_dir(ROOT / "qaworkstation" / "core"):
        if isinstance(message, str):
            found[message] = message
        elif message[0]:
            found[message[0]] = message[-1]
    return found


def _translation(catalogue, key: str) -> str:  # noqa: ANN001 - a babel Catalog
    string = catalogue[key].string
    return string[0] if isinstance(string, tuple) else string


def test_every_core_message_has_a_zh_cn_translation() -> None:
    with CORE_PO.open("rb") as handle:
        catalogue = read_po(handle)
    messages = _core_messages()
    assert "The {role} role may not {action}; ask a supervisor (allowed for: {allowed})." in messages
    missing = sorted(m for m in messages if m not in catalogue or not _translation(catalogue, m)
                     or catalogue[m].fuzzy)
    assert not missing, "run `make translations` and translate in " + f"{CORE_PO.name}:\n" + "\n".join(missing)
    wrong = sorted(m for m, english in messages.items()
                   if _placeholders(_translation(catalogue, m)) != _placeholders(english))
    assert not wrong, "placeholders differ from the English:\n" + "\n".join(wrong)
    with CORE_MO.open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)
    stale = sorted(m for m, english in messages.items()
                   if (shipped.gettext(m) if english == m else shipped.ngettext(m, english, 2))
                   != _translation(catalogue, m))
    assert not stale, "the .mo is older than the .po; run `make translations`:\n" + "\n".join(stale)


@pytest.fixture
def core_in_chinese() -> Iterator[None]:
    """The core speaks Simplified Chinese for one test; English again afterwards, as every other test expects."""
    assert i18n.use_language("zh_CN.UTF-8")
    yield
    i18n.use_language(None)


def test_core_speaks_english_unless_a_language_is_chosen() -> None:
    refusal = roles.PermissionDenied(roles.TRAINEE, roles.RELEASE)
    assert str(refusal) == ("The trainee role may not submit evaluations; ask a supervisor "
                            "(allowed for: inspector, supervisor).")
    assert not i18n.use_language("de_DE.UTF-8")  # no German catalogue: English, never a mixture
    assert str(roles.PermissionDenied(roles.TRAINEE, roles.RELEASE)) == str(refusal)
    assert i18n.use_language("zh")  # plain "zh" is Simplified Chinese
    try:
        assert str(roles.PermissionDenied(roles.TRAINEE, roles.RELEASE)) == TRAINEE_MAY_NOT_SUBMIT
    finally:
        assert not i18n.use_language("C")
    assert str(roles.PermissionDenied(roles.TRAINEE, roles.RELEASE)) == str(refusal)


def test_language_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    assert i18n.language_from_environment() is None
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")  # LC_ALL overrides LANG, as in every POSIX program
    assert i18n.language_from_environment() == "zh_CN.UTF-8"


def test_core_messages_in_chinese(core_in_chinese: None, store: Store, tmp_path: Path) -> None:
    """Refusals, sync failures, calibration's reference and the pending-items refusal, as a person reads them."""
    with pytest.raises(roles.RoleError) as only_supervisor:
        roles.ensure_user(store, "root")
        roles.set_role(store, "root", roles.INSPECTOR, "root")
    assert str(only_supervisor.value) == "root 是唯一的主管；请先把其他人设为主管"
    unmounted = sync_evaluations(tmp_path / "not-mounted", "质检员01", [])
    assert unmounted.message.startswith(f"找不到共享文件夹 {tmp_path / 'not-mounted'}。")
    assert unmounted.message.endswith("您的评分仍保存在本机；问题解决后请重新同步。")
    assert "评分 （新建） 还有 2 项未复核（a, b）" in str(PendingItems("", ["a", "b"]))
    kinds = {kind: CalibrationResult(None, kind, 0.0, 0.0, True, [], []).reference_label  # type: ignore[arg-type]
             for kind in (EXPERT, CONSENSUS)}
    assert kinds == {EXPERT: "专家评分", CONSENSUS: "多数意见（质检员评分的中位数）"}


def test_coaching_pack_in_chinese(core_in_chinese: None, store: Store, calls_copy: Path, tmp_path: Path) -> None:
    """The pack an agent takes home: headings, the coach's line, speakers and verdict words all in Chinese."""
    from qaworkstation.core.library.importer import import_paths

    recording_id = import_paths(store, [calls_copy / "zh_good_delivery.wav"]).recording_ids[0]
    store.save_transcript(recording_id, "k", "m", {}, "zh", [Segment("agent", 19.0, 22.0, "请稍等", [], "zh")])
    moment = Moment(recording_id, "zh_good_delivery.wav", "", 19.0, 22.0, "forbidden", "x", "禁语", "B", 1.0,
                    "请稍等", note="语速放慢")
    session = CoachingSession("A1001", "王老师", [moment], action_plan="每天复盘一通", follow_up="2026-11-10")
    page = export_pack(store, session, tmp_path / "pack.html").read_text("utf-8")
    assert '<html lang="zh-CN">' in page and "<title>辅导记录 — A1001</title>" in page
    assert "辅导员：王老师" in page and "跟进：2026-11-10" in page and "<h2>改进计划</h2>" in page
    assert "<b>坐席</b> 请稍等" in page and "<b>辅导员：</b> 语速放慢" in page
    visible = re.sub(r"<[^>]+>|data:audio/wav;base64,[^\"]+", " ", page.split("</style>", 1)[1])
    assert not re.search(r"\b(Coach|Coaching|Follow-up|Action plan|agent|customer|PASS|FAIL)\b", visible), visible


# ------------------------------------------------------------------------------------------- the window


@pytest.fixture
def chinese_window_language(qapp, core_in_chinese: None) -> Iterator[None]:  # noqa: ANN001
    """What start-up does under a Chinese locale: Qt's catalogue for the widgets, the core's for its words."""
    translators = install_translator(qapp, QLocale(QLocale.Chinese, QLocale.China))
    assert translators
    yield
    for translator in translators:
        qapp.removeTranslator(translator)


def test_a_trainee_pressing_submit_is_refused_in_chinese_without_a_traceback(
        qtbot, chinese_window_language: None, store: Store, transcriber, rubrics, tmp_path: Path,  # noqa: ANN001
        corpus: Path, warnings: list[str], capfd: pytest.CaptureFixture[str]) -> None:
    from tests.test_window_lifecycle import open_call, open_window

    roles.ensure_user(store, "boss")  # someone else runs this library: the next user is a trainee
    path = corpus / "calls" / "zh_insult_escalation.wav"
    recording_id, _ = store.add_recording({"sha256": "c" * 64, "path": str(path), "file_name": path.name,
                                           "duration": 12.0, "channels": 2, "samplerate": 8000, "agent": "A1"})
    store.save_transcript(recording_id, "test-key", "test", {}, "zh", [Segment("agent", 0.5, 3.0, "您好")])
    window = open_window(qtbot, store, transcriber, rubrics, tmp_path, "新人")
    open_call(qtbot, window, recording_id)
    capfd.readouterr()

    window.submit_evaluation()  # the button is disabled for a trainee; the core refuses all the same
    qtbot.waitUntil(lambda: bool(warnings), timeout=5000)
    window.open_team()
    assert warnings == [f"质检工作台: {TRAINEE_MAY_NOT_SUBMIT}",
                        "质检工作台: 新员工角色不能打开团队视图；请联系主管（允许的角色：辅导员、主管）。"]
    assert store.evaluations() == []
    assert "Traceback" not in capfd.readouterr().err  # an expected refusal is an answer, not a crash
    window.close()


def test_rule_workbench_names_strictness_speakers_and_items_in_words(
        qtbot, chinese_window_language: None, store: Store, rubrics) -> None:  # noqa: ANN001
    bench = RuleWorkbench(store, rubrics)
    qtbot.addWidget(bench)
    assert [bench.strictness.itemText(i) for i in range(bench.strictness.count())] == [
        "严格：与原文一致", "标准：按读音匹配", "宽松：按读音匹配，容差更大"]
    for index in range(bench.rubric.count()):
        bench.rubric.setCurrentIndex(index)
        titles = {item.id: item.title for item in bench.current_rubric().items}
        for rule_index, rule in enumerate(bench._phrase_rules()):
            assert bench.rule.itemText(rule_index).endswith(f" → {titles.get(rule.item, rule.item)}")
    bench.close()

