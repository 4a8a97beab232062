"""The five 好差评 grades and their codes."""

import pytest

from queue_server.domain.errors import DomainError
from queue_server.domain.grades import (
    BAD_GRADES, GRADES, LABELS_ZH, gbt39046_code, is_bad, parse_grade,
)


@pytest.mark.parametrize("grade, label", [
    ("very_satisfied", "非常满意"), ("satisfied", "满意"), ("basic", "基本满意"),
    ("dissatisfied", "不满意"), ("very_dissatisfied", "非常不满意"),
])
def test_chinese_labels(grade, label):
    assert LABELS_ZH[grade] == label


def test_every_grade_has_a_label():
    assert list(LABELS_ZH) == list(GRADES)


@pytest.mark.parametrize("grade", GRADES)
def test_parse_grade_accepts_every_grade(grade):
    assert parse_grade(grade) == grade


@pytest.mark.parametrize("value", [None, "", "good", "VERY_SATISFIED", "非常满意", 1, 5, ["basic"]])
def test_parse_grade_refuses_anything_else(value):
    with pytest.raises(DomainError) as caught:
        parse_grade(value)
    assert caught.value.code == "invalid_request"


@pytest.mark.parametrize("grade, code", [
    ("very_satisfied", 1), ("satisfied", 2), ("basic", 3), ("dissatisfied", 4),
    ("very_dissatisfied", 5),
])
def test_gbt39046_code_counts_from_very_satisfied(grade, code):
    assert gbt39046_code(grade) == code


def test_gbt39046_code_of_an_unknown_grade_is_a_value_error():
    with pytest.raises(ValueError):
        gbt39046_code("good")


@pytest.mark.parametrize("grade, bad", [
    ("very_satisfied", False), ("satisfied", False), ("basic", False),
    ("dissatisfied", True), ("very_dissatisfied", True),
])
def test_is_bad(grade, bad):
    assert is_bad(grade) is bad


def test_bad_grades_are_the_last_two():
    assert set(BAD_GRADES) == set(GRADES[-2:])
