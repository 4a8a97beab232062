"""The kiosk agent's print journal on a real file: replayed after a crash, a torn last line
ignored, compacted so it cannot grow without bound, one agent at a time."""

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.journal import JournalBusy, PrintJournal, default_journal_path

HOUR = 3600.0
DAY = 24 * HOUR


class Clock:
    def __init__(self, now: float = 1_772_416_800.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def path(tmp_path):
    return tmp_path / "state" / "kiosk.journal"


@pytest.fixture
def open_journal(path, clock):
    """A journal opened the way the agent opens it; whatever is still open is closed after."""
    opened = []

    def open_journal(**options) -> PrintJournal:
        opened.append(PrintJournal.open(path, clock, **options))
        return opened[-1]

    yield open_journal
    for each in opened:
        each.close()


def reopen(open_journal, journal: PrintJournal) -> PrintJournal:
    """What a restarted agent finds: the journal closed and opened again from the file."""
    journal.close()
    return open_journal()


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def printed(journal, job, fault=None):
    """One job through the printer, as the agent journals it."""
    journal.printing(job, f"A{job:03}")
    result = {"job": job, "ok": True} if fault is None else {"job": job, "ok": False,
                                                             "fault": fault}
    journal.outcome(result, f"A{job:03}")


def test_a_result_survives_a_restart(open_journal):
    journal = open_journal()
    printed(journal, 7)
    assert reopen(open_journal, journal).get(7).result == {"job": 7, "ok": True}


def test_an_unacknowledged_result_is_still_unacknowledged_after_a_restart(open_journal):
    journal = open_journal()
    printed(journal, 7)
    printed(journal, 8, fault="paper_out")
    journal.acknowledged(7)
    assert reopen(open_journal, journal).unacknowledged() == [
        {"job": 8, "ok": False, "fault": "paper_out"}]


def test_a_print_without_an_outcome_is_interrupted(open_journal):
    journal = open_journal()
    printed(journal, 7)
    journal.printing(8, "A008")
    assert reopen(open_journal, journal).interrupted() == [8]


def test_the_printing_line_is_on_disk_at_once(open_journal, clock):
    journal = open_journal()
    journal.printing(7, "A007")
    assert lines(journal.path) == [
        {"job": 7, "event": "printing", "number": "A007", "at": clock.now}]


def test_a_torn_last_line_is_ignored(open_journal):
    journal = open_journal()
    printed(journal, 7)
    journal.close()
    with open(journal.path, "ab") as handle:
        handle.write(b'{"job": 8, "event": "pri')
    journal = open_journal()
    assert (journal.get(7).state, journal.get(8)) == ("printed", None)


def test_a_torn_last_line_does_not_swallow_the_next_one(open_journal):
    journal = open_journal()
    journal.close()
    with open(journal.path, "ab") as handle:
        handle.write(b'{"job": 8, "event": "pri')
    journal = open_journal()
    printed(journal, 9)
    assert reopen(open_journal, journal).get(9).state == "printed"


def test_an_unreadable_line_in_the_middle_is_skipped(open_journal):
    journal = open_journal()
    printed(journal, 7)
    journal.close()
    with open(journal.path, "ab") as handle:
        handle.write(b"\x00\x00garbage\n")
    journal = open_journal()
    printed(journal, 8)
    journal = reopen(open_journal, journal)
    assert [journal.get(7).state, journal.get(8).state] == ["printed", "printed"]


def test_opening_compacts_to_one_line_per_result(open_journal):
    journal = open_journal()
    for job in range(1, 11):
        printed(journal, job)
    reopen(open_journal, journal)
    assert len(lines(journal.path)) == 10


def test_an_acknowledged_result_older_than_a_day_is_dropped(open_journal, clock):
    journal = open_journal()
    printed(journal, 7)
    journal.acknowledged(7)
    clock.now += DAY + HOUR
    assert (reopen(open_journal, journal).get(7), journal.path.read_text()) == (None, "")


def test_an_acknowledged_result_of_today_is_kept(open_journal, clock):
    journal = open_journal()
    printed(journal, 7)
    journal.acknowledged(7)
    clock.now += 20 * HOUR
    journal = reopen(open_journal, journal)
    assert (journal.get(7).result, journal.get(7).acked) == ({"job": 7, "ok": True}, True)


def test_an_unacknowledged_result_older_than_a_day_is_still_resent(open_journal, clock):
    journal = open_journal()
    printed(journal, 7)
    clock.now += 3 * DAY
    assert reopen(open_journal, journal).unacknowledged() == [{"job": 7, "ok": True}]


def test_an_unacknowledged_result_older_than_a_week_is_dropped(open_journal, clock):
    journal = open_journal()
    printed(journal, 7)
    clock.now += 8 * DAY
    assert reopen(open_journal, journal).unacknowledged() == []


def test_an_interrupted_print_older_than_a_day_is_dropped(open_journal, clock):
    journal = open_journal()
    journal.printing(7, "A007")
    clock.now += DAY + HOUR
    assert reopen(open_journal, journal).interrupted() == []


def test_a_running_journal_compacts_itself(open_journal, clock):
    journal = open_journal(compact_every=50)
    for job in range(1, 301):  # three lines a job, 900 in all
        printed(journal, job)
        journal.acknowledged(job)
        clock.now += HOUR
    assert len(lines(journal.path)) < 2 * 25 + 50  # a day of jobs, two lines each, plus the tail


def test_a_running_journal_forgets_old_jobs(open_journal, clock):
    journal = open_journal(compact_every=50)
    for job in range(1, 301):
        printed(journal, job)
        journal.acknowledged(job)
        clock.now += HOUR
    assert journal.get(1) is None


def test_a_second_agent_cannot_open_the_same_journal(open_journal):
    open_journal()
    with pytest.raises(JournalBusy):
        open_journal()


HOLDER = """
import sys, time
from kiosk.journal import PrintJournal
journal = PrintJournal.open(sys.argv[1])
journal.printing(1, "A001")
print("held", flush=True)
time.sleep(600)
"""


@pytest.fixture
def holder(path):
    """Another agent process holding the journal (started with the repository on its path)."""
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], cwd=root,
                               stdout=subprocess.PIPE, text=True,
                               env=dict(os.environ, PYTHONPATH=str(root)))
    assert process.stdout.readline().strip() == "held"
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(30)
    process.stdout.close()


def test_a_refusal_names_the_agent_holding_the_journal(open_journal, holder):
    with pytest.raises(JournalBusy, match=f"pid {holder.pid}"):
        open_journal()


def test_the_journal_of_an_agent_killed_with_kill_9_is_taken_over(open_journal, holder):
    """The lock dies with its holder (the kernel releases an flock), whatever killed it."""
    holder.send_signal(signal.SIGKILL)
    assert holder.wait(30) == -signal.SIGKILL
    journal = open_journal()
    assert journal.interrupted() == [1]  # and what it had journaled is there


def test_the_journal_is_private_to_its_user(open_journal, path):
    open_journal()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_default_path_never_holds_the_token(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    token = "Zq3xkR9a-secret-kiosk-token-value"
    journal = default_journal_path("http://hall:5000", token)
    assert (journal.parent, token[:6] in journal.name) == (tmp_path / "hallq", False)


def test_the_default_path_differs_per_kiosk(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert default_journal_path("http://hall:5000", "kioskA-token") != \
        default_journal_path("http://hall:5000", "kioskB-token")


def test_the_default_path_is_under_the_users_state_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_journal_path("http://hall:5000", "token").parent == \
        tmp_path / ".local" / "state" / "hallq"
