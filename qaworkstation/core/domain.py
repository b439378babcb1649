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
BEHAVIOUR_CATEGORIES = ("silence", "dead_air", "overtalk", "speech_rate", "talk_ratio", "loudness", "customer_anger")
SEQUENCE_CATEGORY = "sequence"
# Hits the recogniser cannot settle on its own (您 heard as 你): shown to the inspector to judge, never deducted
# automatically (their deduction is 0, and the item stays pending until the inspector looks).
ADVISORY_CATEGORIES = ("polite_form",)

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
    # How sure the flag is that the phrase was said: the similarity times the recogniser's own probability for
    # the words it heard there (1.0 for rules measured on the audio). A bad line lowers it; the ranking uses it.
    confidence: float = 1.0


@dataclass(frozen=True)
class Check:
    """A call-level expectation, e.g. 'the agent greeted near the start'. ``part`` names the required part a
    check is about (the 工号 of a greeting) when the rubric asks for parts; empty for the whole phrase."""

    category: str
    present: bool
    item: str | None = None
    deduction: float = 0.0
    part: str = ""


@dataclass(frozen=True)
class RubricItem:
    id: str
    title: str
    max_points: float
    severity: str  # "A" (most serious), "B" or "C"
    critical: bool = False  # a failure fails the whole call (一票否决)
    allow_na: bool = False
    description: str = ""
    # The call types (咨询, 投诉, 订购...) the item applies to; empty: every type. On a call of another type the
    # item is N/A and the total is re-normalised over the items that apply.
    applies_to: tuple[str, ...] = ()
    # No recording can show it (rings before pick-up): the inspector judges it by hand, from the system or the
    # metadata, and the window says so instead of implying the rules looked.
    by_hand: bool = False

    def applies(self, call_type: str) -> bool:
        """Whether the item is scored on a call of ``call_type`` (an unknown type: every item applies)."""
        return not self.applies_to or not call_type or call_type in self.applies_to


@dataclass(frozen=True)
class RubricSection:
    title: str
    items: tuple[RubricItem, ...]


@dataclass(frozen=True)
class Part:
    """A required part of a greeting or closing (the company name, the 工号, the blessing): handbooks score a
    greeting that names no company as incomplete, not as absent, so each part is checked and charged alone."""

    name: str
    phrases: tuple[str, ...]
    deduction: float
    match: str = NORMAL
    item: str = ""  # the item a missing part costs (the hotline is the order flow's); empty: the rule's item


@dataclass(frozen=True)
class PhraseRule:
    """A phrase list of one category attached to a rubric item.

    ``window_s`` limits where a greeting (first N seconds) or closing (last N seconds) may occur, and ``turn``
    (``first`` or ``last``) to the speaker's first or last turn. ``deduction`` is suggested per hit for
    violations, and once when an expected phrase is missing. ``match`` is the strictness (one of
    :data:`MATCH_MODES`); ``min_similarity`` overrides the threshold that strictness implies. ``supersedes``
    names categories whose hits in the same breath are not charged again (an insult swallows the rude phrase
    said with it).

    - ``unless``: longer phrases in which a hit is ordinary speech ("有不明白的地方请随时来电" holds 不明白);
      a hit inside one of them, as written, is dropped.
    - ``per_minute``: hits allowed per minute of the speaker's speech (fillers are a fault only when frequent).
      Every hit stays a flag for the inspector to hear; only the first beyond the allowance carries the
      deduction, once for the call.
    - ``parts``: what a greeting or closing must contain, each checked where the rule looks for the phrase.
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
    unless: tuple[str, ...] = ()
    per_minute: float | None = None
    parts: tuple[Part, ...] = ()


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
    - ``customer_anger``: the caller (``speaker``, the customer by default) sounds angry — says one of
      ``phrases``, is ``high`` dB above their usual level, or fast and raised together; never a deduction.
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
    phrases: tuple[str, ...] = ()


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
    # How the flag is worded, e.g. ``客户在 {time} 说“{heard}”后，坐席未致歉``, so the inspector reads the missing
    # step in the rubric's language rather than the trigger's words alone.
    says: str = ""


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
    call_types: tuple[str, ...] = ()  # the types a call of this rubric can have; empty: calls are not typed

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
    """The inspector's verdict on one item. ``score`` is None until scored; N/A excludes the item.

    ``reviewed`` says a person judged the item (set a score, confirmed it as it stands, or marked it N/A); a
    score the rules pre-filled is not a review. A released evaluation has every item reviewed.
    """

    item_id: str
    score: float | None = None
    na: bool = False
    comment: str = ""
    reviewed: bool = False


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


# An inspector's verdict on one suggestion of the rules.
CONFIRMED = "confirmed"
VERDICTS = (CONFIRMED, REJECTED)


@dataclass(frozen=True)
class Verdict:
    """What an inspector decided about one suggestion: the suggestion as it was (a flag, or a missing check
    when ``start`` is None) and ``decision``, confirmed or rejected, with the reason given for a rejection."""

    category: str
    phrase: str
    item: str | None
    start: float | None
    decision: str
    text: str = ""
    reason: str = ""
    inspector: str = ""
    decided_at: str = ""


@dataclass
class Hearing:
    """How much of the call the inspector heard before scoring: seconds played of the call's length, and the
    flagged moments visited of those shown. Stored with the evaluation so a supervisor can weigh a score."""

    heard_s: float = 0.0
    duration_s: float = 0.0
    flags_visited: int = 0
    flags_total: int = 0

    @property
    def share(self) -> float:
        return min(1.0, self.heard_s / self.duration_s) if self.duration_s else 0.0


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
    # The rule hits this version stands by: not rejected, on an item that applies and lost points. Coaching,
    # team figures and reports count these, never the raw machine flags.
    flags: list[Flag] = field(default_factory=list)
    version: int = 1
    status: str = DRAFT
    # Every dispute on any version of this evaluation, so the share keeps the appeal history with the latest.
    disputes: list[Dispute] = field(default_factory=list)
    # The inspector's verdicts on the rules' suggestions, rejected ones included (the data for rule precision).
    verdicts: list[Verdict] = field(default_factory=list)
    call_type: str = ""
    hearing: Hearing = field(default_factory=Hearing)
    # Items released as they stood by "accept the remaining items", not judged one by one; audited too.
    accepted_remaining: list[str] = field(default_factory=list)
