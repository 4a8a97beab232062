"""The kiosk agent's own logic, with a fake printer and no server: each job printed once, also
across a restart (the print journal), results kept until acknowledged, faults reported, ID reads
never logged."""

import json
import logging
import threading
import time

import pytest

import hardware.printer
from hardware.card_reader import CardRead
from hardware.printer import PrinterStatus
from kiosk.agent import KioskAgent, main, parse_args, ticket_print
from kiosk.journal import PrintJournal

JOB = {"job": 7, "ticket": 3, "number": "A007", "service": "A", "service_name": "不动产登记",
       "hall": "h1", "hall_name": "测试大厅", "timezone": "Asia/Shanghai", "waiting_ahead": 2,
       "estimated_wait_s": 600, "issued_at": "2026-03-02T10:00:00+08:00", "priority": False,
       "track_token": "abcdefghijklmnop", "tracking_url": None}


class FakePrinter(hardware.printer.FakePrinter):
    """The pure fake printer, with a fault from the start and a hook run as the ticket would go
    out (before the fault check, like bytes sent to a printer that then reports paper out)."""

    def __init__(self, fault=None, on_print=None):
        super().__init__()
        self.simulate(fault)
        self.on_print = on_print

    def print_ticket(self, ticket):
        if self.on_print:
            self.on_print()
        return super().print_ticket(ticket)


class Recorder:
    """Stands in for the Socket.IO client: records what the agent emits."""

    def __init__(self):
        self.sent = []

    def emit(self, event, data, namespace=None, callback=None):
        self.sent.append((event, data, callback))


@pytest.fixture
def agent():
    agent = KioskAgent("http://hall:5000", "token", FakePrinter())
    agent.sio = Recorder()
    return agent


def run_queue(agent):
    while not agent.jobs.empty():
        agent._print(agent.jobs.get())


def results(agent) -> list[dict]:
    return [data for event, data, _ in agent.sio.sent if event == "print_result"]


def acknowledge_all(agent) -> None:
    for event, data, callback in agent.sio.sent:
        if event == "print_result":
            callback({"ok": True, "status": "printed"})


class Kiosk:
    """One kiosk computer: its journal file outlives the agent processes run on it."""

    def __init__(self, path):
        self.path = path
        self.agent = None

    def start(self, printer=None) -> KioskAgent:
        """A fresh agent process: the last one's memory is gone, its journal is not."""
        if self.agent is not None:
            self.agent.journal.close()
        self.agent = KioskAgent("http://hall:5000", "token", printer or FakePrinter(),
                                journal=PrintJournal.open(self.path))
        self.agent.sio = Recorder()
        return self.agent

    def journal_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.path.read_text().splitlines()]


@pytest.fixture
def kiosk(tmp_path):
    kiosk = Kiosk(tmp_path / "kiosk.journal")
    yield kiosk
    if kiosk.agent is not None:
        kiosk.agent.journal.close()


def test_a_job_pushed_twice_is_printed_once(agent):
    agent._on_print_ticket(JOB)
    run_queue(agent)
    agent._on_print_ticket(JOB)
    run_queue(agent)
    assert len(agent.printer.printed) == 1


def test_a_job_pushed_again_is_answered_again(agent):
    agent._on_print_ticket(JOB)
    run_queue(agent)
    agent._on_print_ticket(JOB)
    assert [e for e, *_ in agent.sio.sent].count("print_result") == 2


def test_an_unacknowledged_result_is_resent_on_reconnect(agent):
    agent._on_print_ticket(JOB)
    run_queue(agent)
    agent.sio.sent.clear()
    agent._on_connect()
    assert [d for e, d, _ in agent.sio.sent if e == "print_result"] == [{"job": 7, "ok": True}]


def test_an_acknowledged_result_is_not_resent(agent):
    agent._on_print_ticket(JOB)
    run_queue(agent)
    acknowledge_all(agent)
    agent.sio.sent.clear()
    agent._on_connect()
    assert [e for e, *_ in agent.sio.sent if e == "print_result"] == []


def test_a_printer_fault_fails_the_job_with_its_reason(agent):
    agent.printer = FakePrinter(PrinterStatus.PAPER_OUT)
    agent._on_print_ticket(JOB)
    run_queue(agent)
    assert [d for e, d, _ in agent.sio.sent if e == "print_result"] == [
        {"job": 7, "ok": False, "fault": "paper_out"}]


def test_a_printer_fault_is_reported(agent):
    agent.printer = FakePrinter(PrinterStatus.OFFLINE)
    agent._on_print_ticket(JOB)
    run_queue(agent)
    assert ("printer_status", {"status": "offline"}) in [(e, d) for e, d, _ in agent.sio.sent]


# ---- across a restart: the print journal ------------------------------------------------

def test_a_result_the_server_never_got_is_sent_after_a_restart(kiosk):
    agent = kiosk.start()
    agent._on_print_ticket(JOB)
    run_queue(agent)  # printed; the agent dies before the server answers
    agent = kiosk.start()
    agent._on_connect()
    assert results(agent) == [{"job": 7, "ok": True}]


def test_a_failed_job_is_reported_failed_after_a_restart(kiosk):
    agent = kiosk.start(FakePrinter(PrinterStatus.PAPER_OUT))
    agent._on_print_ticket(JOB)
    run_queue(agent)
    agent = kiosk.start()
    agent._on_connect()
    assert results(agent) == [{"job": 7, "ok": False, "fault": "paper_out"}]


def test_a_job_pushed_again_after_a_restart_is_not_printed_again(kiosk):
    agent = kiosk.start()
    agent._on_print_ticket(JOB)
    run_queue(agent)
    agent = kiosk.start()
    agent._on_print_ticket(JOB)  # the server's catch-up: the job is still queued there
    run_queue(agent)
    assert agent.printer.printed == []


def test_a_job_pushed_again_after_a_restart_is_answered_from_the_journal(kiosk):
    agent = kiosk.start()
    agent._on_print_ticket(JOB)
    run_queue(agent)
    agent = kiosk.start()
    agent._on_print_ticket(JOB)
    assert results(agent) == [{"job": 7, "ok": True}]


def test_an_acknowledged_result_is_not_resent_after_a_restart(kiosk):
    agent = kiosk.start()
    agent._on_print_ticket(JOB)
    run_queue(agent)
    acknowledge_all(agent)
    agent = kiosk.start()
    agent._on_connect()
    assert results(agent) == []


def test_a_job_interrupted_at_the_printer_is_printed_again(kiosk):
    """The agent died between sending the bytes and hearing back: a second slip of the same
    number beats a citizen without one (see the module docstring)."""
    agent = kiosk.start()
    agent.journal.printing(JOB["job"], JOB["number"])  # ... and then the power went
    agent = kiosk.start()
    agent._on_print_ticket(JOB)
    run_queue(agent)
    assert ([t.number for t in agent.printer.printed], results(agent)) == (
        ["A007"], [{"job": 7, "ok": True}])


def test_printing_is_journaled_before_the_printer_gets_the_ticket(kiosk):
    seen = []
    agent = kiosk.start(FakePrinter(on_print=lambda: seen.extend(kiosk.journal_lines())))
    agent._on_print_ticket(JOB)
    run_queue(agent)
    assert [(line["job"], line["event"]) for line in seen] == [(7, "printing")]


class JournalReader(Recorder):
    """Reads the journal file at the moment a result goes out."""

    def __init__(self, kiosk):
        super().__init__()
        self.kiosk = kiosk
        self.on_disk = []

    def emit(self, event, data, namespace=None, callback=None):
        if event == "print_result":
            self.on_disk = [line["event"] for line in self.kiosk.journal_lines()]
        super().emit(event, data, namespace, callback)


def test_the_outcome_is_journaled_before_the_result_is_sent(kiosk):
    agent = kiosk.start()
    agent.sio = JournalReader(kiosk)
    agent._on_print_ticket(JOB)
    run_queue(agent)
    assert agent.sio.on_disk == ["printing", "printed"]


def test_the_journal_holds_no_ticket_details_beyond_the_number(kiosk):
    agent = kiosk.start()
    agent._on_print_ticket(JOB)
    run_queue(agent)
    acknowledge_all(agent)
    keys = {key for line in kiosk.journal_lines() for key in line}
    assert keys <= {"job", "event", "number", "fault", "at"}


def test_a_second_agent_on_the_same_journal_refuses_to_start(kiosk, monkeypatch):
    kiosk.start()
    monkeypatch.setenv("HALLQ_KIOSK_TOKEN", "token")
    with pytest.raises(SystemExit, match="another kiosk-agent"):
        main(["--server", "http://hall:5000", "--printer", "dummy",
              "--journal", str(kiosk.path)])


def test_the_journal_path_may_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("HALLQ_KIOSK_JOURNAL", "/var/lib/hallq/kiosk.journal")
    assert parse_args(["--server", "http://x", "--token", "t", "--printer", "dummy"]).journal == \
        "/var/lib/hallq/kiosk.journal"


def test_the_tracking_url_falls_back_to_the_server(agent):
    assert ticket_print(JOB, "http://hall:5000/").tracking_url == \
        "http://hall:5000/track/abcdefghijklmnop"


def test_the_ticket_time_is_the_halls(agent):
    assert ticket_print(JOB, "http://hall:5000").issued_at.utcoffset().total_seconds() == 8 * 3600


def test_an_id_card_read_goes_to_the_server(agent):
    agent._on_card_read(CardRead("id_number", "11010519491231002X"))
    assert agent.sio.sent[0][:2] == ("card_read", {"id_number": "11010519491231002X"})


def test_an_rfid_read_is_not_sent(agent):
    agent._on_card_read(CardRead("rfid", "0A1B2C3D"))
    assert agent.sio.sent == []


def test_an_id_card_read_is_never_logged(agent, caplog):
    caplog.set_level(logging.DEBUG)
    agent._on_card_read(CardRead("id_number", "11010519491231002X"))
    assert "1231002X" not in caplog.text


def test_the_token_may_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("HALLQ_KIOSK_TOKEN", "from-env")
    assert parse_args(["--server", "http://x", "--printer", "dummy"]).token == "from-env"


def test_a_reconnection_begun_as_the_agent_stops_is_ended():
    """SIGINT to a process group stops the server with the agent: the server's close reaches
    the agent first and its client starts reconnecting, possibly after the stop's shutdown()
    looked for a reconnection. The stop must still end it, or run() never returns."""
    agent = KioskAgent("http://127.0.0.1:9", "token", FakePrinter())
    sio = agent.sio
    sio.reconnection_delay = sio.reconnection_delay_max = 60  # it would wait, then retry forever
    agent._on_disconnect("transport close")  # the server went first: a drop, not the stop
    begun = threading.Event()

    def late_reconnection():
        while not agent._stopping.is_set():
            time.sleep(0.01)
        time.sleep(0.2)  # after shutdown() found nothing to end
        sio._reconnect_task = sio.start_background_task(sio._handle_reconnect)
        begun.set()

    threading.Thread(target=late_reconnection).start()
    agent.stop()
    assert begun.wait(5)
    sio._reconnect_task.join(5)
    assert not sio._reconnect_task.is_alive()
