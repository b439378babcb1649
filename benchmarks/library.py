"""A year of calls on one laptop: start-up, filters, sorts, transcript search and frame stalls on 100,000 calls.

Builds (once, then reuses while the generator is unchanged) a library of 100,000 generated calls on the real
schema — agents, teams, a year of dates, call types, flags, evaluations in every review state, and 12
transcript lines a call drawn from a bank of call-centre lines with product names and numbers — with bulk SQL
in one transaction. Then, in one run:

* ``startup_s`` / ``startup_demo_s``: ``qaws`` as a whole process, from its start to the library painted with
  its rows (median of three after one warm-up, so the file cache is warm), on that library and on the demo one;
* ``filter_ms`` / ``sort_ms``: from a filter or sort change to the first page painted, slowest of the changes
  tried (agent, team, review state, call type, status, a month; each column's header both ways), after one
  untimed pass;
* ``search_p50_ms`` / ``search_p95_ms``: 100 varied queries (one- to eight-character Chinese words and
  phrases in both scripts, product names, English words), each with one filter (agent, team or speaker);
* ``stall_ms``: the longest gap between event-loop ticks while the queue analyses the corpus calls and the
  user scrolls the library and plays a call.

The last line is ``startup_s=S startup_demo_s=D filter_ms=F sort_ms=O search_p50_ms=P search_p95_ms=Q
stall_ms=M``; the targets are S ≤ 1.0, D ≤ 0.5, F ≤ 20, O ≤ 20, Q ≤ 50, M ≤ 16.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "calls"
DEMO = ROOT / "demo-library" / "library.sqlite3"
GENERATOR_VERSION = "2"
CALLS = 100_000
LINES_PER_CALL = 12
AGENTS = [f"A{number:03d}" for number in range(100)]
TEAMS = [f"team-{number}" for number in range(10)]
CALL_TYPES = ["enquiry", "complaint", "sales", "billing"]
CATEGORIES = ["forbidden", "insult", "filler", "hold", "greeting", "closing"]
PRODUCTS = [first + second for first in ("星云", "畅享", "极速", "家庭", "尊享", "云端", "青春", "商务", "无忧", "智慧")
            for second in ("宽带", "套餐", "流量包", "会员", "保险", "贷款", "理财", "电视", "音乐", "云盘")]
LINES = [
    "您好，很高兴为您服务，请问有什么可以帮您？", "我要退款，你们的{product}根本不能用", "请问您的订单号是多少？",
    "订单号是{number}", "好的，我帮您查询一下，请稍等", "我上个月已经投诉过一次了", "这个问题我们会尽快处理",
    "您的{product}已经开通了", "我想取消{product}", "取消以后费用会在三个工作日内退回", "发票什么时候能开？",
    "電子發票會發到您的郵箱", "我要退貨，東西壞了", "请您保持电话畅通", "还有其他可以帮您的吗？",
    "感谢您的来电，祝您生活愉快，再见", "你们这个服务太差了", "不好意思，让您久等了", "我们的{product}现在有优惠",
    "每个月只要{price}元", "我没有同意开通这个业务", "能不能帮我转人工？", "我现在就是人工客服",
    "这个我需要跟主管确认一下", "那你快点吧，我很忙", "您的账户余额是{price}元", "密码重置的短信已经发送",
    "我要投诉你们的工作人员", "抱歉给您带来不便", "退款已经提交了，请耐心等待",
    "Thank you for calling, how can I help you today?", "I want a refund for my {product_en} plan",
    "Your order number is {number}", "I have issued a refund, it will arrive within five days",
    "Is there anything else I can help you with?", "This is the third time I am calling about my invoice",
]
QUERIES_BASE = ["退款", "退", "发票", "發票", "投诉", "取消", "订单号", "转人工", "主管", "优惠", "余额", "密码",
                "退货", "退貨", "久等", "服务太差", "没有同意开通", "三个工作日", "保持电话畅通", "再见", "refund",
                "invoice", "order number", "help", "电子发票", "人工客服", "不便", "耐心等待", "账户", "开通"]
QUERY_COUNT = 100


# ----------------------------------------------------------------------------------------------- building


def build_library(path: Path) -> None:
    """The 100,000-call library, written with bulk SQL on the schema the store creates."""
    from qaworkstation.core.library.search import SEARCH_TABLE, fold, pairs, tag
    from qaworkstation.core.library.store import Store

    Store(path).close()  # every migration: the real schema, indexes and triggers
    rng = random.Random(15)
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN")
    folded: dict[str, str] = {}
    recordings, transcripts, segments, search_rows, flags, evaluations = [], [], [], [], [], []
    segment_id = 0
    for number in range(CALLS):
        recording_id, day = str(uuid.uuid4()), rng.randrange(365)
        flag_count = rng.choice((0, 0, 1, 2, 3, 5, 8, 12))
        risk = float(flag_count * rng.randrange(1, 50) + (1_000_000 if rng.random() < 0.01 else 0))
        review = rng.choices(("", "draft", "submitted", "disputed"), (80, 5, 14, 1))[0]
        call_time = f"2025-{1 + day // 31 % 12:02d}-{1 + day % 28:02d}T{8 + day % 10:02d}:{number % 60:02d}:00"
        agent, team, call_type = rng.choice(AGENTS), rng.choice(TEAMS), rng.choice(CALL_TYPES)
        call_tags = f"{tag('agent', agent)} {tag('team', team)} {tag('call_type', call_type)}"
        recordings.append((recording_id, f"{number:064x}", f"/calls/{number}.wav", f"call{number:06d}.wav",
                           rng.uniform(60, 600), 2, 8000, agent, team, f"C{number:06d}", call_time, "analysed",
                           risk, call_type, flag_count, review, int(bool(review))))
        transcripts.append((number + 1, recording_id, f"key-{number}", "offline-base", "{}", "zh", call_time))
        for index in range(LINES_PER_CALL):
            segment_id += 1
            text = rng.choice(LINES).format(product=rng.choice(PRODUCTS), product_en=f"plan-{rng.randrange(50)}",
                                            number=rng.randrange(10**7, 10**8), price=rng.randrange(10, 500))
            speaker = "agent" if index % 2 == 0 else "customer"
            segments.append((segment_id, number + 1, index, speaker, index * 8.0, index * 8.0 + 6.0, text, "zh"))
            if text not in folded:
                folded[text] = pairs(fold(text))
            search_rows.append((segment_id, folded[text], f"{call_tags} {tag('speaker', speaker)}", number + 1))
        flags += [(recording_id, "zh-default", rng.choice(CATEGORIES), "p", "t", "agent", 1.0, 2.0, None, 3.0)
                  for _ in range(flag_count)]
        if review:
            status = {"submitted": "submitted", "draft": "draft", "disputed": "disputed"}[review]
            evaluations.append((str(uuid.uuid4()), 1, status, recording_id, "zh-default", "qa01", 80.0, 100.0, 1,
                                0, call_time, call_time))
    # Flags and evaluations go in before their recordings: the counting triggers then find no recording to
    # update, and each recording row arrives with its counts (the figures the triggers would have written).
    connection.executemany('INSERT INTO flags (recording_id, rubric_id, category, phrase, text, speaker, start, '
                           '"end", item, deduction) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', flags)
    connection.executemany("INSERT INTO evaluations (id, version, status, recording_id, rubric_id, inspector, "
                           "total, max_total, passed, critical_failed, created_at, updated_at) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", evaluations)
    connection.executemany("INSERT INTO recordings (id, sha256, path, file_name, duration, channels, samplerate, "
                           "agent, team, call_id, call_time, status, risk, call_type, flag_count, review, "
                           "evaluation_count, imported_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                           "?, ?, ?, ?, ?, '2025-12-31', '2025-12-31')", recordings)
    connection.executemany("INSERT INTO transcripts (id, recording_id, cache_key, model, settings, language, "
                           "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", transcripts)
    connection.executemany('INSERT INTO segments (id, transcript_id, idx, speaker, start, "end", text, language) '
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", segments)
    connection.executemany(f"INSERT INTO {SEARCH_TABLE} (rowid, pairs, tags, transcript) VALUES (?, ?, ?, ?)",
                           search_rows)
    connection.execute("COMMIT")
    connection.execute(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('optimize')")
    connection.execute("ANALYZE")
    connection.close()


def library_path(cache: Path) -> Path:
    """The generated library, rebuilt when the generator or the schema changes."""
    from qaworkstation.core.library.migrations import SCHEMA_VERSION

    path = cache / f"library-{CALLS}-g{GENERATOR_VERSION}-s{SCHEMA_VERSION}.sqlite3"
    if not path.exists():
        started = time.perf_counter()
        partial = path.with_suffix(".partial")
        for leftover in cache.glob(f"{partial.name}*"):
            leftover.unlink()
        build_library(partial)
        partial.rename(path)
        print(f"built {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


# ------------------------------------------------------------------------------------------------ start-up

_PROBE = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QTableView

class FirstRows(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Paint and isinstance(watched.parent(), QTableView) \\
                and watched.parent().model() is not None and watched.parent().model().rowCount() > 0:
            QTimer.singleShot(0, lambda: (print(time.time(), flush=True), QApplication.instance().exit(0)))
            self.eventFilter = lambda *args: False
        return False

app = QApplication(sys.argv)
probe = FirstRows()
app.installEventFilter(probe)
from qaworkstation.cli import main
main([])
"""


def startup_s(db: Path, runs: int = 3) -> float:
    """``qaws`` with no arguments, process start to the library's rows painted; median after a warm-up."""
    times = []
    settings = Path(tempfile.mkdtemp(prefix="qaws-bench-home-"))
    env = {**os.environ, "QAWS_DB": str(db), "XDG_CONFIG_HOME": str(settings), "QT_QPA_PLATFORM": "offscreen"}
    for run in range(runs + 1):
        started = time.time()
        done = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, timeout=300)
        painted = [line for line in done.stdout.splitlines() if line.strip()]
        if not painted:
            raise RuntimeError(f"the window never painted its rows:\n{done.stderr[-2000:]}")
        if run:
            times.append(float(painted[-1]) - started)
    shutil.rmtree(settings, ignore_errors=True)
    return statistics.median(times)


# ------------------------------------------------------------------------------------------ filters, sorts


def filter_and_sort_ms(db: Path) -> tuple[float, float]:
    """Slowest filter change and slowest header sort, each to the first page painted (``repaint`` paints
    synchronously, so the time includes the count, the page read and the paint)."""
    from PySide6.QtCore import QDate, Qt
    from PySide6.QtWidgets import QApplication

    from qaworkstation.core.library.store import Store
    from qaworkstation.ui.library_view import LibraryView

    app = QApplication.instance() or QApplication([])
    store = Store(db)
    view = LibraryView()
    view.resize(480, 900)
    view.set_reader(store.reader())
    view.refresh()
    view.show()
    app.processEvents()

    def timed(change) -> float:
        started = time.perf_counter()
        change()
        view.table.viewport().repaint()
        return (time.perf_counter() - started) * 1000

    def choose(combo, value: str):
        return lambda: (combo.setCurrentIndex(combo.findData(value)), view.refresh())

    def month(first: str, last: str):
        return lambda: (view.date_from.setDate(QDate.fromString(first, Qt.ISODate)),
                        view.date_to.setDate(QDate.fromString(last, Qt.ISODate)), view.refresh())

    filters = [choose(view.agent, "A042"), choose(view.agent, ""), choose(view.team, "team-3"),
               choose(view.review, "draft"), choose(view.call_type, "complaint"), choose(view.team, ""),
               choose(view.review, ""), choose(view.status, "analysed"), month("2025-03-01", "2025-03-31"),
               choose(view.call_type, ""), choose(view.status, ""), month("2000-01-01", "2000-01-01"),
               choose(view.review, "none")]
    header = view.table.horizontalHeader()
    sorts = [lambda column=column, order=order: header.setSortIndicator(column, order)
             for column in range(6) for order in (Qt.AscendingOrder, Qt.DescendingOrder)]
    for change in filters + sorts:  # a first pass creates Qt's enum and font caches: not the library's cost
        timed(change)
    filter_times = [timed(change) for change in filters]
    sort_times = [timed(change) for change in sorts]
    view.close()
    store.close()
    return max(filter_times), max(sort_times)


# ------------------------------------------------------------------------------------------------- search


def search_times_ms(db: Path) -> list[float]:
    from qaworkstation.core.library.search import SearchFilters
    from qaworkstation.core.library.store import Store

    rng = random.Random(7)
    queries = QUERIES_BASE + rng.sample(PRODUCTS, 40) + [rng.choice(PRODUCTS)[:2] for _ in range(10)] + \
        [rng.choice(("星云宽带", "畅享套餐")) + suffix for suffix in ("已经开通", "现在有")] * 5 + \
        ["每个月只要", "工作日内退回", "不能用", "几天", "人工", "费用", "短信", "郵箱", "壞了", "東西"]
    queries = queries[:QUERY_COUNT]
    filters = [SearchFilters(agent=rng.choice(AGENTS)), SearchFilters(team=rng.choice(TEAMS)),
               SearchFilters(speaker="customer")]
    store = Store(db)
    store.search_transcripts("预热", filters[0])
    times = []
    for number, query in enumerate(queries):
        started = time.perf_counter()
        store.search_transcripts(query, filters[number % len(filters)])
        times.append((time.perf_counter() - started) * 1000)
    store.close()
    return times


# ------------------------------------------------------------------------------------------------- stalls


class StallTracer:
    """Samples the GUI thread's Python stack from a watchdog thread whenever the event loop has not ticked for
    16 ms, so each long gap can be told apart: Python work on the stack, or none (Qt's own work, or waiting for a
    core). Prints each gap over the limit with the distinct stacks seen during it."""

    def __init__(self, ticks: list[float], limit_s: float = 0.016) -> None:
        import threading

        self._ticks, self._limit = ticks, limit_s
        self._gui = threading.get_ident()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="stall tracer", daemon=True)
        self.gaps: list[tuple[float, float, list[str]]] = []  # length (ms), start (s after the first tick), stacks

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        import traceback

        seen_tick, stacks = None, []
        while not self._stop.wait(0.002):
            if not self._ticks:
                continue
            last = self._ticks[-1]
            if last != seen_tick:
                if stacks and seen_tick is not None:
                    self.gaps.append(((last - seen_tick) * 1000, seen_tick - self._ticks[0], stacks))
                seen_tick, stacks = last, []
                continue
            if time.perf_counter() - last > self._limit:
                frame = sys._current_frames().get(self._gui)
                stack = "".join(traceback.format_stack(frame, limit=12)) if frame else "(no frame)"
                if stack not in stacks:
                    stacks.append(stack)

    def report(self) -> None:
        for gap, start, stacks in sorted(self.gaps, key=lambda gap: -gap[0])[:15]:
            print(f"--- gap {gap:.0f} ms at {start:.1f} s, {len(stacks)} distinct stack(s)", file=sys.stderr)
            for stack in stacks[:3]:
                print(stack, file=sys.stderr)


def _timed_application() -> object:
    """A QApplication that notes every event whose delivery takes over 8 ms, with its receiver: Qt's own work
    (layout, painting of C++ widgets) shows no Python on the GUI thread's stack, but it shows here."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    class TimedApplication(QApplication):
        slow: list[tuple[float, str, str]] = []
        paints: list[tuple[float, str]] = []  # paint events over 2 ms: (ms, the painted widget's parent class)

        def notify(self, receiver, event):  # noqa: D102 - Qt override
            kind = event.type()
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                return super().notify(receiver, event)
            finally:
                spent = (time.perf_counter() - started) * 1000
                if kind == QEvent.Type.Paint and spent > 2:
                    self.paints.append((spent, type(receiver.parent() or receiver).__name__))
                if spent > 8:
                    kind = f"{str(kind).rsplit('.', 1)[-1]} cpu {(time.thread_time() - cpu) * 1000:.0f} ms"
                    path = []
                    widget = receiver
                    while widget is not None and len(path) < 4:
                        path.append(type(widget).__name__ + (f"#{widget.objectName()}" if widget.objectName() else ""))
                        widget = widget.parent()
                    top = receiver.window() if hasattr(receiver, "window") else None
                    if top is not None and top is not receiver:
                        path.append(f"(window {type(top).__name__})")
                    self.slow.append((spent, kind, " < ".join(path)))

    return TimedApplication([])


def stall_ms(db: Path, seconds: float, trace: bool = False) -> float:
    """Longest gap between event-loop ticks in the real window while its queue analyses the corpus calls,
    the library scrolls a page every 100 ms and a call plays."""
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from qaworkstation.core.asr.transcribe import Transcriber, TranscribeSettings
    from qaworkstation.core.library.importer import import_paths
    from qaworkstation.core.library.store import Store
    from qaworkstation.core.pipeline.analysis import RubricLibrary
    from qaworkstation.core.pipeline.work_queue import WorkQueue
    from qaworkstation.ui.main_window import MainWindow

    app = QApplication.instance() or (_timed_application() if trace else QApplication([]))
    folder = Path(tempfile.mkdtemp(prefix="qaws-stall-"))
    copy = folder / "library.sqlite3"
    Store(db).backup(copy)
    store = Store(copy)
    calls = import_paths(store, [CORPUS]).recording_ids
    WorkQueue(store).enqueue(calls)
    window = MainWindow(store, Transcriber(TranscribeSettings()), RubricLibrary(),
                        QSettings(str(folder / "settings.ini"), QSettings.IniFormat))
    window.resize(1480, 900)
    window.show()
    app.processEvents()
    window.open_recording(calls[0])
    ticks: list[float] = []
    ticker = QTimer(interval=1, timeout=lambda: ticks.append(time.perf_counter()))
    scrollbar = window.library.table.verticalScrollBar()
    scroller = QTimer(interval=100, timeout=lambda: scrollbar.setValue(
        (scrollbar.value() + scrollbar.pageStep()) % max(1, scrollbar.maximum())))
    QTimer.singleShot(3000, window.toggle_play)  # the call opened: play it while everything else runs
    for timer in (ticker, scroller):
        timer.start()
    tracer = StallTracer(ticks) if trace else None
    if tracer:
        tracer.start()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline and (window.queue.running or time.perf_counter() < deadline - seconds + 10):
        app.processEvents()
        time.sleep(0.0005)
    ticker.stop()
    scroller.stop()
    if tracer:
        tracer.stop()
        tracer.report()
        for spent, kind, receiver in sorted(getattr(app, "slow", []), reverse=True)[:40]:
            print(f"event {spent:5.1f} ms {kind:24} {receiver}", file=sys.stderr)
        by_widget: dict[str, list[float]] = {}
        for spent, widget in getattr(app, "paints", []):
            by_widget.setdefault(widget, []).append(spent)
        for widget, times in sorted(by_widget.items(), key=lambda pair: -sum(pair[1])):
            print(f"paints over 2 ms: {widget:28} {len(times):5} total {sum(times):7.0f} ms max {max(times):5.1f} ms",
                  file=sys.stderr)
    window.close()
    store.close()
    shutil.rmtree(folder, ignore_errors=True)
    settled = [tick for tick in ticks if tick > ticks[0] + 5.0]  # after the window's first seconds
    return max(b - a for a, b in zip(settled, settled[1:])) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "qaworkstation" / "bench",
                        help="where the generated library is kept between runs")
    parser.add_argument("--stall-seconds", type=float, default=120.0,
                        help="longest time to watch the event loop while the queue runs (it stops when the queue does)")
    parser.add_argument("--stalls-only", action="store_true", help="measure only stall_ms")
    parser.add_argument("--trace-stalls", action="store_true",
                        help="print the GUI thread's stack during each gap over 16 ms (to stderr)")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    db = library_path(args.cache)
    if args.stalls_only:
        print(f"stall_ms={stall_ms(db, args.stall_seconds, args.trace_stalls):.0f}")
        return
    filter_ms, sort_ms = filter_and_sort_ms(db)
    searches = sorted(search_times_ms(db))
    p50, p95 = statistics.median(searches), searches[int(len(searches) * 0.95) - 1]
    big, demo = startup_s(db), startup_s(DEMO)
    stalls = stall_ms(db, args.stall_seconds, args.trace_stalls)
    print(json.dumps({"search_max_ms": round(searches[-1], 1), "calls": CALLS}), file=sys.stderr)
    print(f"startup_s={big:.2f} startup_demo_s={demo:.2f} filter_ms={filter_ms:.1f} sort_ms={sort_ms:.1f} "
          f"search_p50_ms={p50:.1f} search_p95_ms={p95:.1f} stall_ms={stalls:.0f}")


if __name__ == "__main__":
    main()
