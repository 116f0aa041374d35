"""The compact chunk results of an import: COPY lines, unique values, errors by row."""

import pickle
import random
from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from tests.basedata import samples
from wangge.basedata.blocks import BlockCleaner, BulkWriter, CleanerSetup, copy_text
from wangge.basedata.categories import BUILTIN
from wangge.basedata.cleaning import RowCleaner
from wangge.basedata.importing import header_specs
from wangge.basedata.models import Person
from wangge.basedata.protection import blind_index, decrypt
from wangge.basedata.seen import DigestSet
from wangge.basedata.services import create_record
from wangge.basedata.workers import Block

HEADER = ["姓名", "人口类型", "身份证号", "联系电话", "网格编码", "现住址"]


def test_a_copy_line_formats_only_given_attributes_into_the_defaults():
    """The template shortcut gives the same line as formatting every column."""
    writer = BulkWriter(BUILTIN["person"], timezone.now(), postgres=True)
    attrs = {
        "name": "张\\三",
        "address": "一村\t一组\n1 号\r",
        "birth_date": date(1985, 6, 15),
        "grid_id": 7,
        "region_code": "211421100201",
        "lat": None,
        "lon": 120.5,
        "_id_number_parsed": object(),  # not a column: ignored by both
    }
    expected = "\t".join(map(copy_text, writer.values(attrs))) + "\n"
    assert writer.row(attrs) == expected
    assert "张\\\\三" in expected and "一村\\t一组\\n1 号\\r" in expected


def _cleaner(cast, settings) -> BlockCleaner:
    category = BUILTIN["person"]
    specs, errors = header_specs(category, HEADER)
    assert not errors
    setup = CleanerSetup(
        category,
        specs,
        RowCleaner(category, cast["county_operator"]).grids,
        settings.WANGGE_SM4_KEYS,
        settings.WANGGE_INDEX_KEY,
        timezone.now(),
        connection.vendor == "postgresql",
    )
    return BlockCleaner(setup)


def test_a_chunk_result_round_trips_and_writes(cast, settings):
    grid = cast.jurisdiction.grids["t1_north"].code
    rows = [
        ["王一", "户籍人口", samples.MAN, samples.MOBILE, grid, "一组\t1 号"],
        [""] * len(HEADER),  # blank: skipped, its number too
        ["王二", "户籍人口", samples.MAN[:-1], samples.MOBILE, grid, ""],  # bad check digit
        ["王三", "户籍人口", samples.WOMAN, "12345", grid, ""],  # bad phone
        ["王四", "户籍人口", samples.WOMAN, samples.OTHER_MOBILE, grid, ""],
    ]
    cleaner = _cleaner(cast, settings)
    result = pickle.loads(pickle.dumps(cleaner.clean(Block(40, rows))))  # noqa: S301
    assert result.numbers == [40, 42, 43, 44]
    assert [line is None for line in result.lines] == [False, True, True, False]
    assert result.unique["id_number_index"] == [
        blind_index(samples.MAN, "id_number"),
        None,
        blind_index(samples.WOMAN, "id_number"),
        blind_index(samples.WOMAN, "id_number"),
    ]
    assert [(e.row, e.column) for e in result.errors] == [(42, "身份证号"), (43, "联系电话")]
    cleaner.writer.write_rows([line for line in result.lines if line is not None])
    stored = list(Person.objects.order_by("pk"))
    assert [p.name for p in stored] == ["王一", "王四"]
    assert stored[0].address == "一组\t1 号"
    assert decrypt(stored[1].id_number_cipher, "id_number") == samples.WOMAN


def test_duplicates_by_set_and_row_by_row(cast, person):
    """Positions and reasons across chunks: within a chunk, of an earlier chunk, stored."""
    cleaner = RowCleaner(BUILTIN["person"], cast["county_operator"])
    spec = BUILTIN["person"].specs["id_number"]
    a, b, c = (blind_index(samples.id_number(date(1970, 1, 1), n), "id_number") for n in (1, 3, 5))
    stored = blind_index(samples.MAN, "id_number")
    assert cleaner.duplicates(spec, [a, b]) == []
    assert cleaner.duplicates(spec, [c, None, "", c]) == [(3, "与本文件中前面的行重复。")]
    assert cleaner.duplicates(spec, [stored, b]) == [
        (0, "已登记（不可重复）。"),
        (1, "与本文件中前面的行重复。"),
    ]
    assert len(cleaner.seen["id_number"]) == 4 and bytes.fromhex(a) in cleaner.seen["id_number"]


@pytest.mark.parametrize("code", ["H-1", "H,2"])
def test_stored_codes_are_found_with_or_without_commas(cast, t1_grid, code):
    house = BUILTIN["house"]
    create_record(
        house,
        cast["county_operator"],
        {"code": code, "address": "一组", "use": "出租", "grid_code": t1_grid.code},
    )
    cleaner = RowCleaner(house, cast["county_operator"])
    assert cleaner.duplicates(house.specs["code"], ["H-9", code]) == [(1, "已登记（不可重复）。")]


def test_a_digest_set_answers_exactly_across_many_runs():
    rng = random.Random(11)
    seen = DigestSet()
    added: list[str] = []
    for _ in range(37):  # runs of several sizes, merged as they come
        chunk = [rng.randbytes(16).hex() for _ in range(rng.randrange(1, 50))]
        keys = seen.keys(chunk)
        assert seen.fresh(keys)
        seen.update(keys)
        added += chunk
    assert len(seen) == len(added) and len(seen.runs) <= 6
    near = "00" * 15 + "01"  # trailing and leading zero bytes are significant
    assert seen.fresh(seen.keys([near, near[:-2] + "00"]))
    assert not seen.fresh(seen.keys([near, near]))
    assert not seen.fresh(seen.keys([near, rng.choice(added)]))
    assert all(seen.key(value) in seen for value in added[::7])
    seen.add(seen.key(near))
    assert seen.key(near) in seen and not seen.fresh(seen.keys([near]))
    seen.flush()
    assert seen.key(near) in seen and seen.key(near[:-2] + "00") not in seen
