"""Citizen ID numbers (GB 11643-1999) and the masking of personal data.

The ID number is sensitive personal information (PIPL): it is validated here, kept as a keyed
hash for one-ticket-per-person and the blacklist, and shown only masked. No message raised here
ever contains the number itself, because messages end up in logs and API answers.
"""

import hashlib
import hmac
import re
from datetime import date

from queue_server.domain.errors import DomainError

CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH_DATE = date(1890, 1, 1)

# Mainland provinces, plus 71 (Taiwan) and the residence permits for people from Hong Kong (81),
# Macau (82) and Taiwan (83). The 2023 foreigner permanent residence card (9x) does not follow
# the GB 11643 layout, so it is deliberately not accepted here.
PROVINCE_CODES = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55),
     *range(61, 66), 71, 81, 82, 83]
)

_SHAPE_RE = re.compile(r"[0-9]{17}[0-9X]")
_PREFIX_RE = re.compile(r"[0-9]{17}")
_WHITESPACE_RE = re.compile(r"\s+")


def normalize_id_number(text: str) -> str:
    """Remove spaces and upper-case a trailing x, as card readers and people type both."""
    compact = _WHITESPACE_RE.sub("", text)
    if compact.endswith("x"):
        compact = compact[:-1] + "X"
    return compact


def check_char(prefix17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits."""
    if not _PREFIX_RE.fullmatch(prefix17):
        raise ValueError("an ID number prefix is exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(prefix17, CHECK_WEIGHTS))
    return CHECK_CHARS[total % 11]


def make_id_number(prefix17: str) -> str:
    """Append the right check character to 17 digits (for tests and demo data)."""
    return prefix17 + check_char(prefix17)


def validate_id_number(text: str, today: date | None = None) -> str:
    """Return the normalized 18-character ID number, or raise ``invalid_id_number`` (400).

    Checks, in order: shape (17 digits and a digit or X), province code, birth date (a real
    date, not before 1890, not after ``today`` when given) and the check character.
    """
    if not isinstance(text, str):
        raise _invalid("ID number must be text")
    number = normalize_id_number(text)
    if not _SHAPE_RE.fullmatch(number):
        raise _invalid("ID number must be 17 digits followed by a digit or X")
    if int(number[:2]) not in PROVINCE_CODES:
        raise _invalid("ID number region code is not valid")
    _check_birth_date(number[6:14], today)
    if check_char(number[:17]) != number[17]:
        raise _invalid("ID number check digit does not match")
    return number


def _check_birth_date(yyyymmdd: str, today: date | None) -> None:
    try:
        birth = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        raise _invalid("ID number birth date is not a real date") from None
    if birth < EARLIEST_BIRTH_DATE:
        raise _invalid("ID number birth date is too early")
    if today is not None and birth > today:
        raise _invalid("ID number birth date is in the future")


def _invalid(message: str) -> DomainError:
    return DomainError("invalid_id_number", message)


def mask_id_number(number: str) -> str:
    """First 6 characters, 8 stars, last 4: ``620702********123X``."""
    normalized = normalize_id_number(number)
    if len(normalized) != 18:
        raise ValueError("only an 18-character ID number can be masked")
    return normalized[:6] + "*" * 8 + normalized[-4:]


def id_number_hash(number: str, key: bytes) -> str:
    """Hex HMAC-SHA256 of the normalized number: matches a person without storing the number."""
    message = normalize_id_number(number).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def mask_name(name: str) -> str:
    """Keep the first character and star the rest: ``张三`` -> ``张*``; ``王`` -> ``*``."""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)
