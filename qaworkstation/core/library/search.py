"""Transcript search: every moment a word or phrase was said, across the whole library, in milliseconds.

An SQLite FTS5 table holds each segment of each call's latest transcript. Chinese (and any script written
without spaces: wide characters) is indexed as the *pairs* of its characters ("我要退款" as 我要 要退 退款 款): a
query of two or more characters is the phrase of its own pairs, which matches exactly where the query is a
substring of the line, so 退款 is found inside 我要退款了, and a one-character query is a prefix query on the
pairs. SQLite's own ``trigram`` tokenizer cannot find the two-character words Chinese is full of; splitting
words would need a dictionary and miss new product names. Other scripts are indexed by word, and the last word
of a query is a prefix ("refun" finds "refunds"): letter pairs made every English word a phrase of common
tokens. Punctuation and spaces separate tokens, so a query also matches across them ("退款，" finds "退款。").

Both the index and the query are folded the same way (simplified script, NFKC width, case), so 退款 finds
退款 written in traditional script too. The lines shown are the stored ones, with the hit marked.

Ranking (BM25) reads every line it ranks, so a word said in a tenth of all calls would cost a tenth of a
second per query; the best :data:`DEFAULT_LIMIT` moments are therefore chosen among the newest
:data:`RANKED_WINDOW` lines that match, which the index yields in order without reading the rest.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

SEARCH_TABLE = "transcript_search"
DEFAULT_LIMIT = 200
RANKED_WINDOW = 2_000  # newest matching lines ranked per query: bounded work however common the word

CREATE_TABLE = (f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5(pairs, tags, transcript UNINDEXED, "
                "tokenize = 'unicode61 remove_diacritics 2')")
# The filters as tokens of each line's ``tags``: agent, team, call type and speaker, each value hex-encoded so
# that any name is one token. A filtered search is then one intersection inside the index (the agent's few
# thousand lines against the word's), not a lookup per matching line; the speaker token is written but not
# searched (see :func:`search`). The expression reads ``r`` (the call's recording) and ``:speaker``; :func:`tag`
# encodes a filter value the same way.
_TAG_PREFIXES = {"agent": "ag", "team": "tm", "call_type": "ct", "speaker": "sp"}
TAGS_SQL = ("'ag' || hex(r.agent) || ' tm' || hex(r.team) || ' ct' || hex(r.call_type) || ' sp' || "
            "hex({speaker})")
# A deleted segment (a transcript replaced, or its call's re-transcription) leaves the index with it; a call
# given another agent, team or type has its lines' tags rewritten.
TRIGGERS = (
    f"CREATE TRIGGER segments_unindex AFTER DELETE ON segments BEGIN "
    f"DELETE FROM {SEARCH_TABLE} WHERE rowid = OLD.id; END",
    f"CREATE TRIGGER recordings_retag AFTER UPDATE OF agent, team, call_type ON recordings "
    f"WHEN NEW.agent IS NOT OLD.agent OR NEW.team IS NOT OLD.team OR NEW.call_type IS NOT OLD.call_type BEGIN "
    f"UPDATE {SEARCH_TABLE} SET tags = (SELECT {TAGS_SQL.format(speaker='s.speaker')} FROM recordings r, segments s "
    f"WHERE r.id = NEW.id AND s.id = {SEARCH_TABLE}.rowid) WHERE rowid IN (SELECT s.id FROM segments s "
    f"JOIN transcripts t ON t.id = s.transcript_id WHERE t.recording_id = NEW.id); END",
)


class SearchError(ValueError):
    """The query cannot be searched (empty once folded); the message says why."""


def fold(text: str) -> str:
    """The text as the index holds it: simplified script, compatibility width (full-width letters and digits
    become plain ones), case-folded. Imports OpenCC on first use, not when the library opens."""
    from ..textnorm import SIMPLIFIED, to_script

    return unicodedata.normalize("NFKC", to_script(text, SIMPLIFIED)).casefold()


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _runs(folded: str) -> Iterator[tuple[bool, str]]:
    """The runs of letters and digits in folded text, each marked wide (written without spaces) or not."""
    for word in re.findall(r"[^\W_]+", folded):
        for wide, chars in itertools.groupby(word, _is_wide):
            yield wide, "".join(chars)


def pairs(folded: str) -> str:
    """The indexed form of folded text: in a wide run each character with the next and the last one alone,
    other runs as words."""
    tokens: list[str] = []
    for wide, run in _runs(folded):
        tokens += [run[index:index + 2] for index in range(len(run))] if wide else [run]
    return " ".join(tokens)


def searchable(query: str) -> bool:
    """Whether the query has something the index holds: punctuation and spaces only separate words."""
    return any(char.isalnum() for char in query)


def match_expression(query: str) -> str:
    """The FTS5 expression for a user's query: one phrase of the tokens the index holds for it, its last token
    a prefix where the query may stop inside a token (a single wide character, or a word being typed)."""
    runs = list(_runs(fold(query)))
    if not runs:
        raise SearchError(f"nothing to search for in {query!r}: type a word or phrase")
    tokens: list[str] = []
    for number, (wide, run) in enumerate(runs):
        last = number == len(runs) - 1
        if wide:
            tokens += [run[index:index + 2] for index in range(len(run) - 1)]
            if not last or len(run) == 1:
                tokens.append(run[-1])  # where the run ends, the index holds its last character alone
        else:
            tokens.append(run)
    prefix = not runs[-1][0] or len(runs[-1][1]) == 1
    return '"' + " ".join(_quoted(token) for token in tokens) + '"' + ("*" if prefix else "")


def _quoted(text: str) -> str:
    return text.replace('"', '""')


def index_transcript(db: Any, recording_id: str, transcript_id: int) -> None:
    """Make ``transcript_id`` the call's searchable transcript: its segments in, any older transcript's out.

    Runs inside the transaction that saves the transcript, so search and library never disagree.
    """
    db.execute(f"DELETE FROM {SEARCH_TABLE} WHERE rowid IN (SELECT s.id FROM segments s JOIN transcripts t "
               "ON t.id = s.transcript_id WHERE t.recording_id = ? AND t.id <> ?)", (recording_id, transcript_id))
    rows = list(db.execute("SELECT id, speaker, text FROM segments WHERE transcript_id = ?", (transcript_id,)))
    db.executemany(f"INSERT INTO {SEARCH_TABLE} (rowid, pairs, tags, transcript) SELECT :id, :pairs, "
                   f"{TAGS_SQL.format(speaker=':speaker')}, :transcript FROM recordings r WHERE r.id = :recording",
                   [{"id": segment_id, "pairs": pairs(fold(text)), "speaker": speaker, "transcript": transcript_id,
                     "recording": recording_id} for segment_id, speaker, text in rows])


def tag(name: str, value: str) -> str:
    """The token :data:`TAGS_SQL` writes for the filter ``name`` with ``value`` (SQLite's ``hex`` of UTF-8)."""
    return _TAG_PREFIXES[name] + value.encode("utf-8").hex()


def index_library(db: Any) -> None:
    """Index every call's latest transcript (step 8 of the library, for the transcripts saved before it)."""
    latest = db.execute("SELECT t.recording_id, t.id FROM transcripts t WHERE t.id = (SELECT t2.id FROM "
                        "transcripts t2 WHERE t2.recording_id = t.recording_id ORDER BY t2.created_at DESC, "
                        "t2.id DESC LIMIT 1)").fetchall()
    for recording_id, transcript_id in latest:
        index_transcript(db, recording_id, transcript_id)


@dataclass(frozen=True)
class SearchFilters:
    """Which calls and lines a search covers; empty strings do not filter, ``date_to`` is exclusive.
    ``category`` keeps calls with a flag of that category, ``call_type`` calls of that type."""

    agent: str = ""
    team: str = ""
    date_from: str = ""
    date_to: str = ""
    speaker: str = ""
    category: str = ""
    call_type: str = ""

    def tags(self) -> list[str]:
        """The tag tokens every line found must carry: agent, team and call type (the speaker, half of every
        call, is cheaper checked per candidate line than intersected with half the index)."""
        return [tag(name, getattr(self, name)) for name in ("agent", "team", "call_type") if getattr(self, name)]

    def calls(self) -> tuple[str, dict[str, Any]]:
        """A condition on ``recordings r`` for the filters tags cannot answer (dates, flag category)."""
        conditions, params = [], {}
        if self.date_from:
            conditions.append("r.call_time >= :date_from")
            params["date_from"] = self.date_from
        if self.date_to:
            conditions.append("r.call_time < :date_to")
            params["date_to"] = self.date_to
        if self.category:
            conditions.append("EXISTS (SELECT 1 FROM flags f WHERE f.recording_id = r.id AND f.category = :category)")
            params["category"] = self.category
        return " AND ".join(conditions), params


@dataclass
class Moment:
    """One line where the query was said: which call, who, when, and where in the line the hit is."""

    recording_id: str
    call: str
    agent: str
    team: str
    call_time: str
    speaker: str
    start: float
    end: float
    text: str
    hits: list[tuple[int, int]] = field(default_factory=list)  # [start, end) character spans in ``text``

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def search(connection: Any, query: str, filters: SearchFilters = SearchFilters(),
           limit: int = DEFAULT_LIMIT) -> list[Moment]:
    """The best ``limit`` moments for ``query``, best first (BM25), among the newest :data:`RANKED_WINDOW`
    matching lines.

    Agent, team and call type are tags inside the index (an agent's few thousand lines against the word's);
    the speaker, half of every call, is checked on each candidate line instead, since intersecting with half
    the index costs more than the lookups; dates and flag category become the set of transcripts the
    candidates are checked against, before any ranking or join.
    """
    expression = "{pairs} : " + match_expression(query)
    expression += "".join(f" AND {{tags}} : {token}" for token in filters.tags())
    conditions = [f"{SEARCH_TABLE} MATCH :match"]
    params: dict[str, Any] = {"match": expression, "limit": limit, "window": RANKED_WINDOW}
    speaker = ""
    if filters.speaker:
        speaker = f"JOIN segments spoken ON spoken.id = {SEARCH_TABLE}.rowid AND spoken.speaker = :speaker"
        params["speaker"] = filters.speaker
    calls, call_params = filters.calls()
    if calls:
        conditions.append("transcript IN (SELECT t.id FROM transcripts t JOIN recordings r ON r.id = t.recording_id "
                          f"WHERE {calls})")
        params.update(call_params)
    sql = f"""
        WITH candidates AS (SELECT {SEARCH_TABLE}.rowid AS segment_id, bm25({SEARCH_TABLE}) AS score
                            FROM {SEARCH_TABLE} {speaker} WHERE {' AND '.join(conditions)}
                            ORDER BY {SEARCH_TABLE}.rowid DESC LIMIT :window),
             hits AS (SELECT segment_id, score FROM candidates ORDER BY score LIMIT :limit)
        SELECT r.id, COALESCE(NULLIF(r.call_id, ''), r.file_name), r.agent, r.team, r.call_time, s.speaker,
               s.start, s."end", s.text
        FROM hits JOIN segments s ON s.id = hits.segment_id JOIN transcripts t ON t.id = s.transcript_id
             JOIN recordings r ON r.id = t.recording_id
        ORDER BY hits.score
    """
    folded = fold(query).strip()
    return [Moment(*row, hits=highlights(row[-1], folded)) for row in connection.execute(sql, params)]


def highlights(text: str, folded_query: str) -> list[tuple[int, int]]:
    """Where the folded query occurs in the line. Folding keeps one character per character for Chinese and
    most other text; where it does not, the spans are found in the line as written."""
    folded = fold(text)
    haystack = folded if len(folded) == len(text) else text.casefold()
    spans, start = [], haystack.find(folded_query)
    while folded_query and start >= 0:
        spans.append((start, start + len(folded_query)))
        start = haystack.find(folded_query, start + len(folded_query))
    return spans
