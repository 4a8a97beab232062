"""The kiosk agent's own logic, with a fake printer and no server: each job printed once,
results kept until acknowledged, faults reported, ID reads never logged."""

import logging

import pytest

from hardware.card_reader import CardRead
from hardware.printer import PrinterFault, PrinterStatus
from kiosk.agent import KioskAgent, parse_args, ticket_print

JOB = {"job": 7, "ticket": 3, "number": "A007", "service": "A", "service_name": "不动产登记",
       "hall": "h1", "hall_name": "测试大厅", "timezone": "Asia/Shanghai", "waiting_ahead": 2,
       "estimated_wait_s": 600, "issued_at": "2026-03-02T10:00:00+08:00", "priority": False,
       "track_token": "abcdefghijklmnop", "tracking_url": None}


class FakePrinter:
    def __init__(self, fault=None):
        self.printed = []
        self.fault = fault

    def print_ticket(self, ticket):
        if self.fault:
            raise PrinterFault(self.fault)
        self.printed.append(ticket)
        return PrinterStatus.OK

    def status(self):
        return self.fault or PrinterStatus.OK

    def close(self):
        pass


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
    for event, data, callback in agent.sio.sent:
        if event == "print_result":
            callback({"ok": True})
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
