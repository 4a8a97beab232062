"""The five 好差评 evaluation grades (国办发〔2019〕51号).

Grades are named inside the system; numeric codes differ between standards (GB/T 39046 counts
1 = 非常满意 … 5 = 非常不满意, several provincial upload APIs the other way round), so each
interface maps the name to its own code.
"""

from queue_server.domain.errors import invalid_request

GRADES = ("very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied")

LABELS_ZH = {
    "very_satisfied": "非常满意",
    "satisfied": "满意",
    "basic": "基本满意",
    "dissatisfied": "不满意",
    "very_dissatisfied": "非常不满意",
}

BAD_GRADES = ("dissatisfied", "very_dissatisfied")  # 差评: each one is followed up


def parse_grade(value) -> str:
    """Return ``value`` when it is one of ``GRADES``, else raise invalid_request."""
    if not isinstance(value, str) or value not in GRADES:
        raise invalid_request(f"grade must be one of: {', '.join(GRADES)}")
    return value


def gbt39046_code(grade: str) -> int:
    """The GB/T 39046-2020 code: 1 = 非常满意 … 5 = 非常不满意."""
    if grade not in GRADES:
        raise ValueError(f"unknown grade {grade!r}")
    return GRADES.index(grade) + 1


def is_bad(grade: str) -> bool:
    """True for a bad review (不满意 or 非常不满意)."""
    return grade in BAD_GRADES
