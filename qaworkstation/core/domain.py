"""Plain data shared by every part of the core.

Times are seconds (float). A speaker is ``agent``, ``customer`` or ``unknown``. These types carry no
behaviour beyond trivial helpers so that storage, rules, sync and the window can all exchange them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AGENT = "agent"
CUSTOMER = "customer"
UNKNOWN = "unknown"
SPEAKERS = (AGENT, CUSTOMER, UNKNOWN)

# Categories whose presence is expected (a missing one is the problem) versus those whose presence is.
EXPECTED_CATEGORIES = ("greeting", "closing", "apology")
VIOLATION_CATEGORIES = ("forbidden", "insult", "filler")
PHRASE_CATEGORIES = EXPECTED_CATEGORIES + VIOLATION_CATEGORIES
# Rules over timing and audio rather than words, and rules over the order of what was said.
BEHAVIOUR_CATEGORIES = ("silence", "dead_air", "overtalk", "speech_rate", "talk_ratio", "loudness")
SEQUENCE_CATEGORY = "sequence"

# How closely a phrase must be heard: as written, by pronunciation, or by pronunciation with more slack.
EXACT = "exact"
NORMAL = "normal"
LOOSE = "loose"
MATCH_MODES = (EXACT, NORMAL, LOOSE)


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    probability: float = 1.0


@dataclass
class Segment:
    speaker: str
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)
    language: str = ""


@dataclass(frozen=True)
class Flag:
    """One rule hit: what was heard, by whom, when, and which rubric item it bears on."""

    category: str
    phrase: str
    text: str
    speaker: str
    start: float
    end: float
    item: str | None
    deduction: float = 0.0
    similarity: float = 1.0  # 1.0 for an exact hit; lower when heard by pronunciation or as a near spelling


@dataclass(frozen=True)
class Check:
    """A call-level expectation, e.g. 'the agent greeted near the start'."""

    category: str
    present: bool
    item: str | None = None
    deduction: float = 0.0


@dataclass(frozen=True)
class RubricItem:
    id: str
    title: str
    max_points: float
    severity: str  # "A" (most serious), "B" or "C"
    critical: bool = False  # a failure fails the whole call (一票否决)
    allow_na: bool = False
    description: str = ""


@dataclass(frozen=True)
class RubricSection:
    title: str
    items: tuple[RubricItem, ...]


@dataclass(frozen=True)
class PhraseRule:
    """A phrase list of one category attached to a rubric item.

    ``window_s`` limits where a greeting (first N seconds) or closing (last N seconds) may occur, and ``turn``
    (``first`` or ``last``) to the speaker's first or last turn. ``deduction`` is suggested per hit for
    violations, and once when an expected phrase is missing. ``match`` is the strictness (one of
    :data:`MATCH_MODES`); ``min_similarity`` overrides the threshold that strictness implies. ``supersedes``
    names categories whose hits in the same breath are not charged again (an insult swallows the rude phrase
    said with it).
    """

    category: str
    item: str
    phrases: tuple[str, ...]
    deduction: float
    speaker: str = AGENT
    window_s: float | None = None
    match: str = NORMAL
    min_similarity: float | None = None
    turn: str | None = None
    supersedes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BehaviourRule:
    """A rule over the call's timing and sound, not its words; which thresholds apply depends on ``category``.

    - ``silence``: nobody speaks for more than ``min_s`` seconds mid-call. When the agent said one of
      ``hold_notice`` shortly before, the hold was announced and ``notice_deduction`` applies instead.
    - ``dead_air``: nobody speaks for more than ``min_s`` seconds after the call starts.
    - ``overtalk``: ``speaker`` starts while the other side is talking and both talk for more than ``min_s``.
    - ``speech_rate``: ``speaker``'s characters (Chinese) or words (English) per minute outside ``low``..``high``.
    - ``talk_ratio``: ``speaker``'s share of the talk time outside ``low``..``high`` (0..1).
    - ``loudness``: ``speaker`` gets louder than ``high`` dB above their own usual level for over ``min_s``.
    """

    category: str
    item: str
    deduction: float
    speaker: str = AGENT
    min_s: float | None = None
    low: float | None = None
    high: float | None = None
    hold_notice: tuple[str, ...] = ()
    notice_deduction: float | None = None


@dataclass(frozen=True)
class PhraseCue:
    """Phrases said by one side, as one half of a :class:`SequenceRule`."""

    speaker: str
    phrases: tuple[str, ...]
    match: str = NORMAL


@dataclass(frozen=True)
class SequenceRule:
    """One thing must come in a certain order relative to another.

    With ``expect_after`` the ``expect`` cue must follow each ``trigger`` within ``within_s`` seconds (an apology
    after a customer complaint); otherwise it must have come before the first ``trigger`` (the customer's name
    asked before the order is placed). A missed expectation is flagged at the trigger and charged to the
    ``expect`` speaker.
    """

    name: str
    item: str
    deduction: float
    trigger: PhraseCue
    expect: PhraseCue
    expect_after: bool = True
    within_s: float | None = None


@dataclass(frozen=True)
class Rubric:
    id: str
    name: str
    language: str  # "zh" or "en": the language the phrases are written in
    pass_mark: float
    sections: tuple[RubricSection, ...]
    rules: tuple[PhraseRule, ...]
    source: str = ""  # the file it was loaded from
    behaviour_rules: tuple[BehaviourRule, ...] = ()
    sequence_rules: tuple[SequenceRule, ...] = ()

    @property
    def items(self) -> tuple[RubricItem, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def item(self, item_id: str) -> RubricItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def max_total(self) -> float:
        return sum(item.max_points for item in self.items)


@dataclass
class ItemScore:
    """The inspector's verdict on one item. ``score`` is None until scored; N/A excludes the item."""

    item_id: str
    score: float | None = None
    na: bool = False
    comment: str = ""


@dataclass(frozen=True)
class ScoreSummary:
    total: float
    max_total: float
    critical_failed: bool
    passed: bool

    @property
    def percent(self) -> float:
        return 100.0 * self.total / self.max_total if self.max_total else 0.0


# An evaluation's lifecycle: draft → submitted → (disputed → resolved) → final. Anything past a draft has been
# released to the team and the agent, so its scores can never change again: a correction is a new version.
DRAFT = "draft"
SUBMITTED = "submitted"
DISPUTED = "disputed"
RESOLVED = "resolved"
FINAL = "final"
EVALUATION_STATUSES = (DRAFT, SUBMITTED, DISPUTED, RESOLVED, FINAL)
RELEASED_STATUSES = (SUBMITTED, DISPUTED, RESOLVED, FINAL)

# A supervisor's ruling on a dispute: the agent was right (the item is re-scored in a new version) or not.
UPHELD = "upheld"
REJECTED = "rejected"
RULINGS = (UPHELD, REJECTED)


@dataclass
class Dispute:
    """An agent's objection to one item of one released version, and the supervisor's ruling once made."""

    id: str
    evaluation_id: str
    version: int
    item_id: str
    reason: str
    raised_by: str
    raised_at: str
    ruling: str = ""  # "" while open, else one of RULINGS
    ruling_comment: str = ""
    ruled_by: str = ""
    ruled_at: str = ""

    @property
    def is_open(self) -> bool:
        return not self.ruling


@dataclass
class Evaluation:
    """A scorecard filled for one recording by one inspector. ``id`` is a stable UUID across syncs and across
    versions: each released change adds a version, and (id, version) names one immutable snapshot."""

    id: str
    recording_id: str
    rubric_id: str
    inspector: str
    items: dict[str, ItemScore]
    comment: str = ""
    total: float = 0.0
    max_total: float = 0.0
    passed: bool = False
    critical_failed: bool = False
    created_at: str = ""
    updated_at: str = ""
    # Denormalised call metadata so exports stand on their own.
    agent: str = ""
    team: str = ""
    call_id: str = ""
    call_time: str = ""
    file_name: str = ""
    # The rule hits on the call when it was synced, so team reports can rank problem phrases without audio.
    flags: list[Flag] = field(default_factory=list)
    version: int = 1
    status: str = DRAFT
    # Every dispute on any version of this evaluation, so the share keeps the appeal history with the latest.
    disputes: list[Dispute] = field(default_factory=list)
