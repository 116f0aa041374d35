"""Every validator on valid and invalid samples."""

from datetime import date

import pytest

from tests.basedata import samples
from wangge.basedata.validators import (
    FieldInvalid,
    id_check_char,
    parse_credit_code,
    parse_id_number,
    parse_mobile,
    parse_phone,
)


@pytest.mark.parametrize(
    ("value", "born", "sex"),
    [
        (samples.GB11643_SAMPLE, date(1949, 12, 31), "female"),
        (samples.MAN, date(1985, 6, 15), "male"),
        (samples.WOMAN, date(1992, 2, 29), "female"),
        (samples.GB11643_SAMPLE.lower(), date(1949, 12, 31), "female"),
    ],
)
def test_valid_id_numbers_give_birth_date_and_sex(value, born, sex):
    parsed = parse_id_number(f" {value} ")
    assert (parsed.value, parsed.birth_date, parsed.sex) == (value.upper(), born, sex)


def _with_wrong_check(value: str) -> str:
    wrong = next(ch for ch in "0123456789X" if ch != value[-1])
    return value[:-1] + wrong


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (_with_wrong_check(samples.MAN), "校验码"),
        (samples.MAN[:-1], "18 位"),
        (samples.MAN + "1", "18 位"),
        ("21142119850615A23" + "1", "18 位"),
        ("0" + samples.MAN[1:], "18 位"),
        (samples.id_number(date(1985, 6, 15), 1)[:10] + "0230" + "0011", "出生日期不存在"),
        (samples.id_number(date(1899, 12, 31), 1), "合理范围"),
        ("", "18 位"),
    ],
)
def test_invalid_id_numbers_are_refused_with_a_reason(value, reason):
    with pytest.raises(FieldInvalid, match=reason):
        parse_id_number(value)


def test_a_future_birth_date_is_refused():
    value = samples.id_number(date(2030, 1, 1), 1)
    with pytest.raises(FieldInvalid, match="合理范围"):
        parse_id_number(value, today=date(2026, 1, 1))


@pytest.mark.parametrize("value", samples.CREDIT_CODES)
def test_published_credit_codes_are_valid(value):
    assert parse_credit_code(value.lower()) == value


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("91350100M000100Y44", "校验码错误（GB 32100）"),
        ("91350100M000100Y4", "18 位"),
        ("91350100M00010OY43", "18 位"),  # the letter O is not in the charset
        ("9135010OI000100Y43", "18 位"),
    ],
)
def test_invalid_credit_codes_are_refused(value, reason):
    with pytest.raises(FieldInvalid, match=reason):
        parse_credit_code(value)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("0429-3123456", "0429-3123456"),
        ("04293123456", "0429-3123456"),
        ("010-62345678-801", "010-62345678-801"),
        ("(0429)3123456", "0429-3123456"),
    ],
)
def test_valid_phones_are_normalised(raw, normalised):
    assert parse_phone(raw) == normalised


@pytest.mark.parametrize(
    "raw", ["12812345678", "1381234567", "138123456789", "0429-123", "3123456", "phone", ""]
)
def test_invalid_phones_are_refused(raw):
    with pytest.raises(FieldInvalid, match="电话号码"):
        parse_phone(raw)


def test_a_mobile_field_refuses_a_fixed_line():
    assert parse_mobile("13812345678") == "13812345678"
    with pytest.raises(FieldInvalid, match="手机号"):
        parse_mobile("0429-3123456")


def test_the_fast_check_character_agrees_with_the_independent_recurrence():
    """The import's C-level weighting against samples.id_check (ISO 7064 recurrence)."""
    for sequence in range(1, 2000, 7):
        first17 = samples.id_number(date(1960, 1, 1 + sequence % 28), sequence)[:17]
        assert id_check_char(first17) == samples.id_check(first17)


def test_ids_of_other_unicode_digits_still_take_the_plain_check():
    fullwidth = samples.MAN[:17].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert id_check_char(fullwidth) == samples.id_check(samples.MAN[:17])
    with pytest.raises(ValueError):
        id_check_char(samples.MAN[:16])


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("13800138000", "13800138000"),
        (" 13800138000 ", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("0429-2345678", "0429-2345678"),
    ],
)
def test_phones_on_and_off_the_bare_mobile_shortcut(raw, normalised):
    assert parse_phone(raw) == normalised


@pytest.mark.parametrize("raw", ["12800138000", "１３８００１３８０００", "1380013800"])
def test_near_mobiles_are_not_taken_by_the_shortcut(raw):
    with pytest.raises(FieldInvalid):
        parse_mobile(raw)
