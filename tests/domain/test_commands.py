"""Typed commands parsed from request bodies (domain/commands.py): the shape checks, with the
same invalid_request errors the services raised when they read the bodies themselves."""

from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from queue_server.domain.commands import (ANY_CURRENT, AcknowledgeAlert, AmendEvaluation, CallNext,
                                          CallNumber, CloseCase, EvaluateTicket, HoldTicket,
                                          IssueTicket, PauseWindow, PrintResult, RecordCallback,
                                          SignIn, TransferTicket, UndoNoShow, UnholdTicket)
from queue_server.domain.errors import DomainError


def refused(cls, body) -> str:
    with pytest.raises(DomainError) as raised:
        cls.from_body(body)
    assert raised.value.code == "invalid_request"
    return raised.value.message


def test_issue_ticket():
    assert IssueTicket.from_body({"service": "A"}) == IssueTicket("A")
    assert IssueTicket.from_body({"service": "C", "id_number": "", "priority": "priority"}) == \
        IssueTicket("C", None, None, True)
    assert IssueTicket.from_body({"service": "C", "card_ref": "r" * 20}).card_ref == "r" * 20


@pytest.mark.parametrize("body, words", [
    ({}, "service must be"), ({"service": 1}, "service must be"),
    ({"service": "A", "id_number": 110}, "id_number must be a string"),
    ({"service": "A", "id_number": "x", "card_ref": "y"}, "not both"),
    ({"service": "A", "priority": "vip"}, "priority must be"),
])
def test_bad_issue_bodies(body, words):
    assert words in refused(IssueTicket, body)


def test_commands_are_frozen():
    with pytest.raises(FrozenInstanceError):
        IssueTicket("A").service = "B"


def test_transfer():
    assert TransferTicket.from_body({"service": "B"}) == TransferTicket(service="B")
    assert TransferTicket.from_body({"window": 3}) == TransferTicket(window=3)


@pytest.mark.parametrize("body, words", [
    ({}, "either a service or a window"), ({"service": "B", "window": 2}, "either"),
    ({"window": True}, "window must be a window number"), ({"window": "3"}, "window must be"),
    ({"service": 7}, "service must be"),
])
def test_bad_transfer_bodies(body, words):
    assert words in refused(TransferTicket, body)


def test_evaluate():
    assert EvaluateTicket.from_body({"grade": "satisfied"}) == EvaluateTicket("satisfied")
    assert EvaluateTicket.from_body({"grade": "basic", "comment": "ok", "channel": "keypad"}) \
        == EvaluateTicket("basic", "ok", "keypad")


@pytest.mark.parametrize("body, words", [
    ({}, "grade must be"), ({"grade": "great"}, "grade must be"),
    ({"grade": "basic", "comment": "x" * 501}, "comment must be"),
    ({"grade": "basic", "channel": "phone"}, "channel must be"),
])
def test_bad_evaluations(body, words):
    assert words in refused(EvaluateTicket, body)


def test_sign_in_and_pause():
    assert SignIn.from_body({}) == SignIn(False) and SignIn.from_body({"take_over": True}).take_over
    assert PauseWindow.from_body({}) == PauseWindow(None)
    assert PauseWindow.from_body({"reason": "午休"}).reason == "午休"
    assert "take_over" in refused(SignIn, {"take_over": "yes"})
    assert "reason must be" in refused(PauseWindow, {"reason": "x" * 201})


def test_follow_up_commands():
    assert RecordCallback.from_body({"note": "  called back "}) == RecordCallback("called back")
    assert CloseCase.from_body({"outcome": "fixed", "note": "done"}) == CloseCase("fixed", "done")
    closing = CloseCase.from_body({"outcome": "fix_by_date", "note": "n", "fix_by": "2026-04-01",
                                   "measure": "train staff", "responsible": "王芳"})
    assert (closing.fix_by, closing.measure, closing.responsible) == \
        (date(2026, 4, 1), "train staff", "王芳")


@pytest.mark.parametrize("body, words", [
    ({"outcome": "ignored", "note": "n"}, "outcome must be"),
    ({"outcome": "fixed", "note": "  "}, "note must be"),
    ({"outcome": "fix_by_date", "note": "n", "fix_by": "soon", "measure": "m"}, "fix_by must be"),
    ({"outcome": "fix_by_date", "note": "n", "fix_by": "2026-04-01"}, "measure must be"),
    ({"outcome": "fix_by_date", "note": "n", "fix_by": "2026-04-01", "measure": "m",
      "responsible": 5}, "responsible must be"),
])
def test_bad_case_closings(body, words):
    assert words in refused(CloseCase, body)


def test_window_ticket_commands():
    assert (HoldTicket.from_body({}), HoldTicket.from_body({"ticket": 9})) == \
        (HoldTicket(None), HoldTicket(9))
    assert UnholdTicket.from_body({"ticket": 9}) == UnholdTicket(9)
    assert UndoNoShow.from_body({}) == UndoNoShow(None)
    assert "ticket must be a ticket id" in refused(HoldTicket, {"ticket": "9"})
    assert "ticket must be a ticket id" in refused(UnholdTicket, {})
    assert "no-show ticket's id" in refused(UndoNoShow, {"ticket": True})


def test_call_commands():
    assert CallNext.from_body({}) == CallNext(ANY_CURRENT)
    assert CallNext.from_body({"finish": 5}).expected == 5
    assert CallNext.from_body({"finish": None}).expected is None
    assert CallNext.from_body({"finish": 5, "confirm": True}).expected is ANY_CURRENT
    assert CallNumber.from_body({"number": " a012 "}) == CallNumber("A012", None)
    assert CallNumber.from_body({"number": "A012", "confirm": True}).expected is ANY_CURRENT
    assert CallNumber.from_body({"number": "A012", "finish": 3}).expected == 3
    assert "confirm must be" in refused(CallNext, {"confirm": "yes"})
    assert "finish must be" in refused(CallNext, {"finish": "7"})
    assert "number must be" in refused(CallNumber, {"number": "12"})


def test_amend_evaluation():
    assert AmendEvaluation.from_body({"comment": " slow "}) == AmendEvaluation("slow", True)
    assert AmendEvaluation.from_body({"comment": ""}) == AmendEvaluation(None, True)
    assert AmendEvaluation.from_body({"phone": "138-1234 1234"}) == \
        AmendEvaluation(None, False, "13812341234")
    assert "give comment and/or phone" in refused(AmendEvaluation, {})
    assert "comment must be" in refused(AmendEvaluation, {"comment": 5})
    with pytest.raises(DomainError) as raised:
        AmendEvaluation.from_body({"phone": "12345"})
    assert raised.value.code == "invalid_phone"


def test_print_result():
    assert PrintResult.from_body({"job": 4, "ok": True, "fault": "offline"}) == \
        PrintResult(4, True, None)
    assert PrintResult.from_body({"job": 4, "ok": False, "fault": "paper_out"}).fault == \
        "paper_out"
    assert PrintResult.from_body({"job": 4, "ok": False, "fault": "jammed"}).fault == "error"
    assert "an object" in refused(PrintResult, ["job", 4])
    assert "job must be" in refused(PrintResult, {"job": True, "ok": True})
    assert "job must be" in refused(PrintResult, {"job": 4, "ok": "yes"})


def test_acknowledge_alert():
    assert AcknowledgeAlert.from_body({"note": " 已处理 "}) == AcknowledgeAlert("已处理")
    for body in ({}, {"note": " "}, {"note": "x" * 501}, {"note": 3}):
        assert "note must be" in refused(AcknowledgeAlert, body)
