"""Electronic supervision (电子监察) rules: which alerts a hall should have open right now.

Pure: the supervisor service gathers the facts (tickets waiting and being handled, paused windows,
queue lengths, devices, bad reviews) and the clock's ``now``; these rules say which alerts are
wanted and at which level. A limit is *reached* when the measured value is ≥ the limit: yellow
from ``warn_ratio`` (default 80%) of the limit, red from the limit itself. The supervisor then
raises what is wanted and not open, re-levels what changed, and clears what is no longer wanted.
"""

from dataclasses import dataclass, field
from datetime import datetime

WAIT_OVER_LIMIT = "wait_over_limit"  # 超时等候: a ticket waiting past its service's max_wait_min
HANDLING_OVER_LIMIT = "handling_over_limit"  # 超时办理: handled past max_service_min
WINDOW_PAUSED = "window_paused"  # 空岗: a window paused past the hall's max_pause_min
WINDOW_UNATTENDED = "window_unattended"  # 空岗: nobody signed in, in hours, past the grace
QUEUE_OVER_WARNING = "queue_over_warning"  # waiting count at the service's warn_waiting
BAD_REVIEW = "bad_review"  # 差评预警: each one is followed up; acknowledging clears it
DEVICE_SILENT = "device_silent"  # kiosk, screen or LED agent gone quiet
DEVICE_FAULT = "device_fault"  # printer paper out, offline…: reported by the kiosk agent
FOLLOWUP_OVERDUE = "followup_overdue"  # 整改超期: a bad review's follow-up case past its deadline
ISSUE_BURST = "issue_burst"  # 号贩子?: real-name tickets past a kiosk's or the hall's rate limit
CASE_DEADLINE = "case_deadline"  # 限时办结: a case at 80 % of its promised time, or overdue
# 预约超时等候: a booked citizen (checked in) waiting past ``booking_max_wait_min`` (hall option,
# default 15) counted from the later of the check-in and the slot's start
BOOKED_WAIT_OVER_LIMIT = "booked_wait_over_limit"
DEFAULT_BOOKED_MAX_WAIT_MIN = 15

KINDS = (WAIT_OVER_LIMIT, HANDLING_OVER_LIMIT, WINDOW_PAUSED, WINDOW_UNATTENDED,
         QUEUE_OVER_WARNING, BAD_REVIEW, DEVICE_SILENT, DEVICE_FAULT, FOLLOWUP_OVERDUE,
         ISSUE_BURST, CASE_DEADLINE, BOOKED_WAIT_OVER_LIMIT)
# Kinds whose cause the supervisor watches: cleared by it as soon as the cause ends.
CONDITION_KINDS = (WAIT_OVER_LIMIT, HANDLING_OVER_LIMIT, WINDOW_PAUSED, WINDOW_UNATTENDED,
                   QUEUE_OVER_WARNING, DEVICE_SILENT, CASE_DEADLINE, BOOKED_WAIT_OVER_LIMIT)
# Kinds with no ongoing cause: the manager's acknowledgement (the follow-up) clears them.
# (followup_overdue is cleared by closing its case, in services/followup.py.)
CLEARED_BY_ACKNOWLEDGEMENT = (BAD_REVIEW, ISSUE_BURST)

YELLOW, RED = "yellow", "red"
DEFAULT_WARN_RATIO = 0.8
DEFAULT_MAX_PAUSE_MIN = 30
DEFAULT_DEVICE_SILENT_MIN = 5
DEFAULT_UNATTENDED_GRACE_MIN = 10


@dataclass(frozen=True)
class Limits:
    """A hall's own supervision settings (hall options in the configuration file)."""

    warn_ratio: float = DEFAULT_WARN_RATIO
    max_pause_s: float | None = DEFAULT_MAX_PAUSE_MIN * 60
    device_silent_s: float | None = DEFAULT_DEVICE_SILENT_MIN * 60
    unattended_grace_s: float = DEFAULT_UNATTENDED_GRACE_MIN * 60


def _grace_s(options: dict) -> float:
    """``unattended_grace_min``: minutes a window may stay unstaffed (after its hours begin or
    its last sign-out) before 空岗; 0 = none."""
    value = options.get("unattended_grace_min", DEFAULT_UNATTENDED_GRACE_MIN)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        value = DEFAULT_UNATTENDED_GRACE_MIN
    return float(value) * 60


def hall_limits(options: dict) -> Limits:
    """Limits from hall options ``alert_warn_ratio``, ``max_pause_min``, ``device_silent_min``
    (a minute value of 0 turns that alert off) and ``unattended_grace_min``."""
    ratio = options.get("alert_warn_ratio", DEFAULT_WARN_RATIO)
    if not isinstance(ratio, (int, float)) or not 0 < ratio <= 1:
        ratio = DEFAULT_WARN_RATIO

    def minutes(key, default):
        value = options.get(key, default)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            return None
        return float(value) * 60

    return Limits(float(ratio), minutes("max_pause_min", DEFAULT_MAX_PAUSE_MIN),
                  minutes("device_silent_min", DEFAULT_DEVICE_SILENT_MIN), _grace_s(options))


def level_for(value: float, limit: float | None, warn_ratio: float) -> str | None:
    """``red`` at or past the limit, ``yellow`` at or past ``warn_ratio`` of it, else None."""
    if limit is None or limit <= 0:
        return None
    if value >= limit:
        return RED
    if value >= limit * warn_ratio:
        return YELLOW
    return None


@dataclass(frozen=True)
class Wanted:
    """An alert that should be open: ``(kind, subject)`` names its cause."""

    kind: str
    subject: str
    level: str
    ticket_id: int | None = None
    window_id: int | None = None
    service_id: int | None = None
    device_id: int | None = None
    data: dict = field(default_factory=dict, compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.subject)


@dataclass(frozen=True)
class ServiceLimits:
    id: int
    max_wait_s: float | None
    max_service_s: float | None
    warn_waiting: int | None


@dataclass(frozen=True)
class TicketFact:
    """A ticket waiting (``since`` = its place in time) or being handled (``since`` = called)."""

    id: int
    number: str
    service_id: int
    since: datetime
    window_id: int | None = None


@dataclass(frozen=True)
class WindowFact:
    id: int
    number: int
    paused_since: datetime | None  # None = not paused
    in_hours: bool  # one of its services is open now: pauses outside hours are no alert
    attended: bool | None = None  # someone signed in (or serving a ticket); None = unknown
    # Since when nobody was expected to be there yet: the latest of the start of the window's
    # current opening period, its last sign-out and the start of supervision. 空岗 is raised
    # only once the hall's grace period has passed since then. None = no grace.
    unattended_since: datetime | None = None


@dataclass(frozen=True)
class DeviceFact:
    id: int
    name: str
    kind: str
    last_seen_at: datetime | None  # never seen = never installed: no alert


@dataclass(frozen=True)
class ReviewFact:
    ticket_id: int
    number: str
    service_id: int
    window_id: int | None
    grade: str


def _seconds(now: datetime, since: datetime) -> float:
    return (now - since).total_seconds()


def ticket_alerts(now, limits: Limits, services: dict, waiting, handling) -> list[Wanted]:
    result = []
    for kind, facts, limit_of in ((WAIT_OVER_LIMIT, waiting, lambda s: s.max_wait_s),
                                  (HANDLING_OVER_LIMIT, handling, lambda s: s.max_service_s)):
        for t in facts:
            limit = limit_of(services[t.service_id]) if t.service_id in services else None
            level = level_for(_seconds(now, t.since), limit, limits.warn_ratio)
            if level:
                result.append(Wanted(kind, f"ticket:{t.id}", level, t.id, t.window_id,
                                     t.service_id, data={"number": t.number, "limit_s": limit}))
    return result


def booked_wait_limit_s(options: dict) -> float | None:
    """``booking_max_wait_min`` (hall option; 0 turns the alert off) in seconds."""
    value = options.get("booking_max_wait_min", DEFAULT_BOOKED_MAX_WAIT_MIN)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        value = DEFAULT_BOOKED_MAX_WAIT_MIN
    return float(value) * 60 if value else None


def booked_wait_alerts(now, limits: Limits, limit_s: float | None, waiting) -> list[Wanted]:
    """预约超时等候: ``waiting`` are booked tickets (TicketFact) whose ``since`` is the later of
    their check-in and their slot's start."""
    result = []
    for t in waiting:
        level = level_for(_seconds(now, t.since), limit_s, limits.warn_ratio)
        if level:
            result.append(Wanted(BOOKED_WAIT_OVER_LIMIT, f"ticket:{t.id}", level, t.id, None,
                                 t.service_id, data={"number": t.number, "limit_s": limit_s}))
    return result


def window_alerts(now, limits: Limits, windows) -> list[Wanted]:
    result = []
    for w in windows:
        if not w.in_hours:
            continue
        if w.paused_since is not None:
            level = level_for(_seconds(now, w.paused_since), limits.max_pause_s, limits.warn_ratio)
            if level:
                result.append(Wanted(WINDOW_PAUSED, f"window:{w.id}", level, window_id=w.id,
                                     data={"window": w.number, "limit_s": limits.max_pause_s}))
        elif w.attended is False and _past_grace(now, w.unattended_since,
                                                 limits.unattended_grace_s):
            result.append(Wanted(WINDOW_UNATTENDED, f"window:{w.id}", RED, window_id=w.id,
                                 data={"window": w.number}))
    return result


def _past_grace(now, since: datetime | None, grace_s: float) -> bool:
    return since is None or _seconds(now, since) >= grace_s


def queue_alerts(limits: Limits, services: dict, waiting_counts: dict) -> list[Wanted]:
    result = []
    for service_id, count in waiting_counts.items():
        service = services.get(service_id)
        if service is None or not service.warn_waiting:
            continue
        level = level_for(count, service.warn_waiting, limits.warn_ratio)
        if level:
            result.append(Wanted(QUEUE_OVER_WARNING, f"service:{service_id}", level,
                                 service_id=service_id,
                                 data={"waiting": count, "limit": service.warn_waiting}))
    return result


# The device kinds that keep in touch (a socket with heartbeats): only their silence means
# something. A caller keypad speaks only when a key is pressed.
HEARTBEAT_KINDS = ("kiosk", "display", "led", "evaluator")


def device_alerts(now, limits: Limits, devices) -> list[Wanted]:
    """device_silent for each heartbeating device not heard from for ``device_silent_s`` (never
    heard from at all: not yet installed, no alert)."""
    result = []
    for d in devices:
        if d.last_seen_at is None or d.kind not in HEARTBEAT_KINDS:
            continue
        level = level_for(_seconds(now, d.last_seen_at), limits.device_silent_s,
                          limits.warn_ratio)
        if level:
            result.append(Wanted(DEVICE_SILENT, f"device:{d.id}", level, device_id=d.id,
                                 data={"device": d.name, "device_kind": d.kind,
                                       "limit_s": limits.device_silent_s}))
    return result


def review_alerts(reviews) -> list[Wanted]:
    return [Wanted(BAD_REVIEW, f"ticket:{r.ticket_id}", RED, r.ticket_id, r.window_id,
                   r.service_id, data={"number": r.number, "grade": r.grade}) for r in reviews]


def fault_subject(device_id: int, fault: str) -> str:
    return f"device:{device_id}:{fault}"
