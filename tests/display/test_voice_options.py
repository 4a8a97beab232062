"""A hall's voice options: defaults, bad values replaced (never fatal), quiet hours."""

import pytest

from display.voice.text import DEFAULT_CALL_TEMPLATE
from display.voice_options import DEFAULT_VOLUME, is_quiet, voice_options


def test_no_options_give_the_defaults():
    options = voice_options({})
    assert (options.templates.call, options.templates.repeat, options.volume,
            options.quiet_hours) == (DEFAULT_CALL_TEMPLATE, 2, DEFAULT_VOLUME, ())


def test_the_hall_template_and_repeat_are_used():
    options = voice_options({"voice_template": "{number}号请到{window}", "voice_repeat": 3})
    assert (options.templates.call, options.templates.repeat) == ("{number}号请到{window}", 3)


@pytest.mark.parametrize("bad", [
    {"voice_template": "请{name}到{window}"}, {"voice_template": "请到{window}"},
    {"voice_repeat": 9}, {"voice_repeat": "2"}, {"volume": 101}, {"volume": True},
    {"quiet_hours": ["12-14"]}, {"quiet_hours": 5},
])
def test_a_bad_value_is_replaced_and_reported(bad):
    options = voice_options(bad)
    assert options == voice_options({}) and options.problems


@pytest.mark.parametrize("time, quiet", [
    ((11, 59), False), ((12, 0), True), ((13, 59), True), ((14, 0), False),
])
def test_quiet_hours_include_the_start_and_exclude_the_end(time, quiet):
    assert is_quiet(("12:00-14:00",), *time) is quiet


@pytest.mark.parametrize("time, quiet", [((23, 0), True), ((6, 59), True), ((7, 0), False)])
def test_quiet_hours_may_cross_midnight(time, quiet):
    assert is_quiet(("22:00-07:00",), *time) is quiet
