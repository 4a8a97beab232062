"""The kiosk agent's print journal: what it printed, on the kiosk's own disk, so that a ticket is
printed once even when the agent dies between the printer and the server.

One JSON object per line, appended, never edited in place::

    {"job": 7, "event": "printing", "number": "A007", "at": 1772416800.125}
    {"job": 7, "event": "printed", "number": "A007", "at": 1772416800.402}
    {"job": 8, "event": "failed", "number": "A008", "fault": "paper_out", "at": ...}
    {"job": 7, "event": "acked", "at": ...}

``printing`` is written and fsync'ed before the bytes go to the printer, the outcome
(``printed`` / ``failed``) right after the printer returns, ``acked`` (not fsync'ed: losing it
costs one repeated answer) when the server has acknowledged the result. ``at`` is Unix time (UTC).
Nothing personal: a job id and a ticket number at most.

Opening replays the file into one entry per job, ignoring a torn last line (a crash in the middle
of a write) or any other line that does not parse, and compacts it: the entries are rewritten to a
new file that replaces the old one (acknowledged entries and interrupted prints older than a day,
unacknowledged results older than a week are dropped; the server expires a job of an earlier day
anyway). The journal compacts itself again after ``compact_every`` appended lines, so neither the
file nor the agent's memory grows without bound. A lock file keeps a second agent off the same
journal: an ``flock`` on ``<journal>.lock``, which the kernel releases when its holder dies however
it dies (``kill -9``, a power cut), so a new agent takes over a dead one's journal at once; the
file names the holder's pid for the refusal message while it lives. ``PrintJournal(None)`` keeps
the same entries in memory only.
"""

import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: no lock, the journal still works
    fcntl = None

log = logging.getLogger("kiosk.journal")
OUTCOMES = ("printed", "failed")
KEEP_SETTLED_S = 24 * 3600.0  # acknowledged results and interrupted prints
KEEP_UNACKNOWLEDGED_S = 7 * 24 * 3600.0
COMPACT_EVERY = 2000  # appended lines


class JournalBusy(RuntimeError):
    """Another agent holds the journal's lock."""


def default_journal_path(server: str, token: str) -> Path:
    """``$XDG_STATE_HOME/hallq/kiosk-<hash>.journal`` (``~/.local/state`` by default), one per
    server and kiosk. The hash covers the server and the token's first characters only: the token
    is neither in the name nor anywhere in the file."""
    state = os.environ.get("XDG_STATE_HOME", "")
    base = Path(state) if os.path.isabs(state) else Path.home() / ".local" / "state"
    digest = hashlib.sha256(f"{server.rstrip('/')}\n{token[:6]}".encode()).hexdigest()[:16]
    return base / "hallq" / f"kiosk-{digest}.journal"


@dataclass
class Entry:
    job: int
    state: str  # "printing", "printed" or "failed"
    at: float
    number: str | None = None
    fault: str | None = None
    acked: bool = False

    @property
    def result(self) -> dict | None:
        """The ``print_result`` to send for this job (None while its print is unfinished)."""
        if self.state == "printed":
            return {"job": self.job, "ok": True}
        if self.state == "failed":
            return {"job": self.job, "ok": False, "fault": self.fault or "error"}
        return None

    def lines(self) -> list[dict]:
        """The events that rebuild this entry: what compaction writes."""
        first = {"job": self.job, "event": self.state, "number": self.number, "at": self.at}
        if self.fault:
            first["fault"] = self.fault
        return [first] + ([{"job": self.job, "event": "acked", "at": self.at}] if self.acked
                          else [])


def apply(entries: dict[int, Entry], line: dict) -> None:
    """Fold one journal line into the entries; a line that makes no sense changes nothing."""
    job, event, at = line.get("job"), line.get("event"), line.get("at")
    if isinstance(job, bool) or not isinstance(job, int) or not isinstance(at, (int, float)):
        return
    entry = entries.get(job)
    if event == "printing":  # a print (again): whatever came before is superseded
        entries[job] = Entry(job, "printing", at, line.get("number"))
    elif event in OUTCOMES:
        number = line.get("number") or (entry.number if entry else None)
        entries[job] = Entry(job, event, at, number, line.get("fault"))
    elif event == "acked" and entry is not None and entry.result is not None:
        entry.acked, entry.at = True, at


def read_entries(path: Path) -> dict[int, Entry]:
    entries: dict[int, Entry] = {}
    if not path.exists():
        return entries
    lines = path.read_bytes().split(b"\n")
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except ValueError:
            if number < len(lines):  # a whole line, not the torn end of an interrupted write
                log.warning("journal %s: line %d unreadable, ignored", path, number)
            else:
                log.info("journal %s: torn last line ignored", path)
            continue
        if isinstance(line, dict):
            apply(entries, line)
    return entries


class PrintJournal:
    def __init__(self, path: Path | str | None, clock=time.time,
                 compact_every: int = COMPACT_EVERY):
        self.path = Path(path) if path is not None else None
        self.clock = clock
        self.compact_every = compact_every
        self._lock = threading.Lock()
        self._entries: dict[int, Entry] = {}
        self._file = None
        self._lock_file = None
        self._appended = 0

    @classmethod
    def open(cls, path: Path | str | None, clock=time.time,
             compact_every: int = COMPACT_EVERY) -> "PrintJournal":
        """The journal at ``path`` replayed, compacted and locked (raises ``JournalBusy`` when
        another agent has it, ``OSError`` when it cannot be read or created)."""
        journal = cls(path, clock, compact_every)
        if journal.path is not None:
            journal.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            journal._take_lock()
            journal._entries = read_entries(journal.path)
            with journal._lock:
                journal._compact()
        return journal

    def _take_lock(self) -> None:
        # Opened without truncating: the holder's pid stays readable until the lock is ours.
        self._lock_file = open(self.path.with_name(self.path.name + ".lock"), "a+")
        if fcntl is None:
            return
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.seek(0)
            holder = self._lock_file.read(32).strip() or "?"
            self._lock_file.close()
            raise JournalBusy(f"another kiosk-agent (pid {holder}) is using the journal "
                              f"{self.path}") from None
        self._lock_file.seek(0)
        self._lock_file.truncate()
        self._lock_file.write(f"{os.getpid()}\n")
        self._lock_file.flush()

    def close(self) -> None:
        with self._lock:
            for handle in (self._file, self._lock_file):
                if handle is not None:
                    handle.close()
            self._file = self._lock_file = None

    # ---- reading -------------------------------------------------------------------------

    def get(self, job: int) -> Entry | None:
        with self._lock:
            return self._entries.get(job)

    def unacknowledged(self) -> list[dict]:
        """The results the server has not acknowledged yet, oldest job first."""
        with self._lock:
            return [entry.result for job, entry in sorted(self._entries.items())
                    if entry.result is not None and not entry.acked]

    def interrupted(self) -> list[int]:
        """Jobs whose print started but has no outcome: the agent died at the printer."""
        with self._lock:
            return sorted(job for job, entry in self._entries.items() if entry.state == "printing")

    # ---- writing -------------------------------------------------------------------------

    def printing(self, job: int, number: str | None) -> None:
        """Record, durably, that the job's bytes are about to go to the printer."""
        self._record({"job": job, "event": "printing", "number": number}, durable=True)

    def outcome(self, result: dict, number: str | None = None) -> None:
        """Record, durably, the printer's answer (a ``print_result``)."""
        line = {"job": result["job"], "event": "printed" if result["ok"] else "failed",
                "number": number}
        if not result["ok"]:
            line["fault"] = result.get("fault") or "error"
        self._record(line, durable=True)

    def acknowledged(self, job: int) -> None:
        with self._lock:
            entry = self._entries.get(job)
            if entry is None or entry.acked or entry.result is None:
                return
        self._record({"job": job, "event": "acked"}, durable=False)

    def _record(self, line: dict, durable: bool) -> None:
        line["at"] = round(self.clock(), 3)
        with self._lock:
            apply(self._entries, line)
            self._appended += 1
            if self.path is not None:
                try:
                    self._append(json.dumps(line, ensure_ascii=False) + "\n", durable)
                except OSError as error:  # printing goes on: only a crash now could print twice
                    log.error("journal %s not written (%s): a ticket may print twice after a "
                              "crash", self.path, error)
                    self._reopen()
            if self._appended >= self.compact_every:
                self._compact()

    def _append(self, text: str, durable: bool) -> None:
        if self._file is None:
            self._file = open(self.path, "ab")
        self._file.write(text.encode())
        self._file.flush()
        if durable:
            os.fsync(self._file.fileno())

    def _compact(self) -> None:
        """Drop what is no longer needed and rewrite the rest to a new file that replaces the
        journal (atomically: a crash leaves either the old file or the new one)."""
        now = self.clock()
        for job, entry in list(self._entries.items()):
            keep = KEEP_UNACKNOWLEDGED_S if entry.result and not entry.acked else KEEP_SETTLED_S
            if now - entry.at > keep:
                del self._entries[job]
        self._appended = 0
        if self.path is None:
            return
        text = "".join(json.dumps(line, ensure_ascii=False) + "\n"
                       for _, entry in sorted(self._entries.items()) for line in entry.lines())
        fresh = self.path.with_name(self.path.name + ".new")
        try:
            with open(fresh, "wb") as handle:
                os.fchmod(handle.fileno(), 0o600)
                handle.write(text.encode())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(fresh, self.path)
            _fsync_directory(self.path.parent)
        except OSError as error:  # keep appending to the old file: it is still valid
            log.warning("journal %s not compacted: %s", self.path, error)
        self._reopen()

    def _reopen(self) -> None:
        """The next line goes to the file now at the path, after a line of its own: a torn
        last line (a failed write) must not swallow it."""
        if self._file is not None:
            try:
                self._file.close()
            except OSError:
                pass
            self._file = None
        try:
            with open(self.path, "rb+") as handle:
                if handle.seek(0, os.SEEK_END) == 0:
                    return
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    handle.write(b"\n")
        except OSError:
            pass


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
