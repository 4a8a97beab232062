"""ID number validation (GB 11643-1999), masking and hashing."""

from datetime import date

import pytest

from queue_server.domain.errors import DomainError
from queue_server.domain.idnumber import (
    id_number_hash, make_id_number, mask_id_number, mask_name, normalize_id_number,
    validate_id_number,
)

WELL_KNOWN_SAMPLE = "11010519491231002X"
TODAY = date(2026, 3, 15)


def _error(text, today=None) -> DomainError:
    with pytest.raises(DomainError) as caught:
        validate_id_number(text, today=today)
    return caught.value


def _with_wrong_check_char(number: str) -> str:
    wrong = "0" if number[17] != "0" else "1"
    return number[:17] + wrong


@pytest.mark.parametrize("prefix17, expected", [
    ("11010519491231002", "11010519491231002X"),
    ("44052418800101001", "440524188001010014"),  # the standard's own worked example
    ("31011519850610021", "31011519850610021X"),
    ("31011519850610181", "310115198506101810"),
    ("62070219900101123", "620702199001011236"),
])
def test_make_id_number_appends_the_check_char(prefix17, expected):
    assert make_id_number(prefix17) == expected


@pytest.mark.parametrize("prefix17", [
    "1101051949123100", "110105194912310021", "1101051949123100a",
])
def test_make_id_number_rejects_a_prefix_that_is_not_17_digits(prefix17):
    with pytest.raises(ValueError):
        make_id_number(prefix17)


@pytest.mark.parametrize("number", [
    WELL_KNOWN_SAMPLE,
    "31011519850610021X",
    "310115198506101810",
    make_id_number("62070219900101123"),
    make_id_number("44030420000229123"),  # leap day
    make_id_number("65010218900101001"),  # earliest accepted year
])
def test_valid_numbers_are_accepted(number):
    assert validate_id_number(number, today=TODAY) == number


@pytest.mark.parametrize("prefix", ["81", "82", "83"])
def test_hong_kong_macau_taiwan_residence_permits_are_accepted(prefix):
    number = make_id_number(prefix + "000019900101123")
    assert validate_id_number(number) == number


@pytest.mark.parametrize("text, expected", [
    ("11010519491231002x", WELL_KNOWN_SAMPLE),
    (" 110105 19491231 002X ", WELL_KNOWN_SAMPLE),
    ("11010519491231002X\n", WELL_KNOWN_SAMPLE),
])
def test_validate_returns_the_normalized_number(text, expected):
    assert validate_id_number(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("11010519491231002x", "11010519491231002X"),
    ("110105 1949 1231 002X", "11010519491231002X"),
    ("x", "X"),
    ("x1", "x1"),  # only a trailing x is upper-cased
])
def test_normalize_id_number(text, expected):
    assert normalize_id_number(text) == expected


@pytest.mark.parametrize("number", [
    _with_wrong_check_char(WELL_KNOWN_SAMPLE),
    _with_wrong_check_char("310115198506101810"),
    "110105194912310029",  # X replaced by a digit
    _with_wrong_check_char(make_id_number("81000019900101123")),
])
def test_a_wrong_check_char_is_refused(number):
    assert _error(number).message == "ID number check digit does not match"


@pytest.mark.parametrize("text", [
    "", "11010519491231002", "11010519491231002XX", "1101051949123100XX", "X1010519491231002X",
    "11010519491231002Y", "１１０１０５１９４９１２３１００２Ｘ", "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",
])
def test_a_badly_shaped_number_is_refused(text):
    assert _error(text).code == "invalid_id_number"


def test_a_non_text_value_is_refused():
    assert _error(110105194912310020).code == "invalid_id_number"


def test_the_error_is_a_400():
    from queue_server.api.errors import status_for  # the one code → status table

    assert status_for(_error("123").code) == 400


@pytest.mark.parametrize("region", ["00", "10", "16", "20", "24", "30", "38", "40", "47", "55",
                                    "60", "66", "70", "72", "80", "84", "90", "91", "99"])
def test_an_implausible_region_code_is_refused(region):
    number = make_id_number(region + "010519900101123")
    assert _error(number).message == "ID number region code is not valid"


@pytest.mark.parametrize("birth", ["19900230", "19900431", "19000229",
                                   "19901301", "19900100", "19900001"])
def test_a_birth_date_that_does_not_exist_is_refused(birth):
    number = make_id_number("110105" + birth + "123")
    assert _error(number).message == "ID number birth date is not a real date"


def test_a_birth_date_before_1890_is_refused():
    assert _error("440524188001010014").message == "ID number birth date is too early"


def test_a_birth_date_after_today_is_refused():
    number = make_id_number("11010520260316123")
    assert _error(number, today=TODAY).message == "ID number birth date is in the future"


def test_a_birth_date_equal_to_today_is_accepted():
    number = make_id_number("11010520260315123")
    assert validate_id_number(number, today=TODAY) == number


def test_a_future_birth_date_is_not_checked_without_today():
    number = make_id_number("11010520990101123")
    assert validate_id_number(number) == number


@pytest.mark.parametrize("text", [
    _with_wrong_check_char(WELL_KNOWN_SAMPLE), "11010519491231002", "000000199001011230",
    make_id_number("11010519900230123"), "440524188001010014",
])
def test_error_messages_never_contain_the_number(text):
    message = _error(text, today=TODAY).message
    assert text[:17] not in message and text[6:14] not in message


@pytest.mark.parametrize("number, expected", [
    ("620702199001011236", "620702********1236"),
    (WELL_KNOWN_SAMPLE, "110105********002X"),
    ("11010519491231002x", "110105********002X"),
])
def test_mask_id_number(number, expected):
    assert mask_id_number(number) == expected


def test_mask_id_number_refuses_a_short_number_rather_than_leak_it():
    with pytest.raises(ValueError):
        mask_id_number("1101051949")


def test_id_number_hash_is_hmac_sha256_hex():
    assert id_number_hash(WELL_KNOWN_SAMPLE, b"key") == (
        "c702e187e6363f417304a7cb1ac993b0f8d3b0255ed35027ccd9ddc60b32b2d4"
    )


def test_id_number_hash_ignores_case_of_x_and_spaces():
    assert id_number_hash("110105 19491231002x", b"k") == id_number_hash(WELL_KNOWN_SAMPLE, b"k")


def test_id_number_hash_depends_on_the_key():
    assert id_number_hash(WELL_KNOWN_SAMPLE, b"k1") != id_number_hash(WELL_KNOWN_SAMPLE, b"k2")


def test_id_number_hash_does_not_contain_the_number():
    assert WELL_KNOWN_SAMPLE[:17] not in id_number_hash(WELL_KNOWN_SAMPLE, b"k")


@pytest.mark.parametrize("name, expected", [
    ("张三", "张*"),
    ("欧阳娜娜", "欧***"),
    ("李四光", "李**"),
    ("王", "*"),
    ("", ""),
    (" 张三 ", "张*"),
    ("阿依古丽·买买提", "阿*******"),
])
def test_mask_name(name, expected):
    assert mask_name(name) == expected
