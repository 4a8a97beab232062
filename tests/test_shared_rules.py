"""The Python side of the rules HallQ also runs in the pages' JavaScript, against the one vectors
file both sides read (tests/vectors/shared_rules.json): ID number check, the wait a citizen is
told, the announcer's quiet hours and the Chinese spoken for a call.
tests/e2e/test_shared_rules_js.py runs the same vectors through the JS in headless Chromium."""

import json
from datetime import date
from pathlib import Path

import pytest

from display.voice.text import Templates, call_announcement, chinese_number
from display.voice_options import is_quiet
from hardware.printer.layout import format_estimated_wait
from queue_server.domain.errors import DomainError
from queue_server.domain.idnumber import check_char, validate_id_number

VECTORS = json.loads((Path(__file__).parent / "vectors" / "shared_rules.json")
                     .read_text(encoding="utf-8"))

# What each refusal reason's message names (the JS answers bad_char, bad_area, ...).
REASON_WORDS = {"shape": "17 digits", "area": "region code", "date": "birth date",
                "check": "check digit"}


def vector_id(vector):
    return json.dumps(vector, ensure_ascii=False)


@pytest.mark.parametrize("vector", VECTORS["id_number_check_char"], ids=vector_id)
def test_id_number_check_character(vector):
    assert check_char(vector["prefix17"]) == vector["check"]


@pytest.mark.parametrize("vector", VECTORS["id_numbers"], ids=vector_id)
def test_id_number_validation(vector):
    today = date.fromisoformat(vector["today"])
    if vector["valid"]:
        assert validate_id_number(vector["number"], today) == vector["number"]
        return
    with pytest.raises(DomainError) as refused:
        validate_id_number(vector["number"], today)
    assert REASON_WORDS[vector["reason"]] in refused.value.message


@pytest.mark.parametrize("vector", VECTORS["wait_minutes"], ids=vector_id)
def test_wait_wording_of_the_printed_ticket(vector):
    assert format_estimated_wait(vector["seconds"]) == vector["zh"]


@pytest.mark.parametrize("vector", VECTORS["quiet_hours"], ids=vector_id)
def test_quiet_hours(vector):
    hour, minute = map(int, vector["time"].split(":"))
    assert is_quiet(tuple(vector["periods"]), hour, minute) is vector["quiet"]


@pytest.mark.parametrize("vector", VECTORS["chinese_numbers"], ids=vector_id)
def test_chinese_numbers(vector):
    assert chinese_number(vector["value"]) == vector["spoken"]


@pytest.mark.parametrize("vector", VECTORS["call_speech"], ids=vector_id)
def test_spoken_call(vector):
    templates = Templates(call=vector["template"])
    assert call_announcement(vector["number"], vector["window"], templates).speech == \
        vector["speech"]
