"""Sample identifiers for tests, computed independently of wangge.basedata.validators.

The ID check character uses the ISO 7064 MOD 11-2 recurrence (r = (r + d) * 2 mod 11),
a different derivation from the weight table in the code under test.
"""

from datetime import date


def id_check(first17: str) -> str:
    remainder = 0
    for digit in first17:
        remainder = (remainder + int(digit)) * 2 % 11
    return "0123456789X"[(12 - remainder) % 11]


def id_number(born: date, sequence: int, region: str = "211421") -> str:
    """`sequence` odd for a man, even for a woman (GB 11643)."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check(first17)


# Published examples: GB 11643's own sample and real credit codes printed on licences.
GB11643_SAMPLE = "11010519491231002X"
CREDIT_CODES = ["91350100M000100Y43", "91110000802100433B", "91440300708461136T"]

MAN = id_number(date(1985, 6, 15), 123)
WOMAN = id_number(date(1992, 2, 29), 246)
MOBILE = "13812345678"
OTHER_MOBILE = "13987654321"
