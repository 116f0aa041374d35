"""Imports cleaned in worker processes report and write exactly what inline cleaning does.

Chunks are made tiny so a short file spans several of them: the first is cleaned in the
importing process, the rest by the pool (on PostgreSQL; SQLite always cleans inline).
"""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from tests.basedata import samples
from wangge.basedata import importing
from wangge.basedata.categories import BUILTIN
from wangge.basedata.models import ImportJob, Person
from wangge.basedata.protection import decrypt
from wangge.basedata.services import create_record

HEADER = ["姓名", "人口类型", "身份证号", "联系电话", "网格编码", "房屋编码", "经度", "纬度"]


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch):
    monkeypatch.setattr(importing, "CHUNK_ROWS", 3)


def _rows(grid: str, count: int) -> list[list[str]]:
    return [
        [
            f"王{i}",
            "户籍人口",
            samples.id_number(date(1975, 3, 1 + i % 28), 2 * i + 1),
            f"1390000{i:04d}",
            grid,
            "",
            "",
            "",
        ]
        for i in range(count)
    ]


def _import(
    post_import, client, rows: list[list[str]], settings, processes: int
) -> tuple[dict, list]:
    settings.WANGGE_IMPORT_PROCESSES = processes
    text = io.StringIO()
    csv.writer(text).writerows([HEADER, *rows])
    upload = SimpleUploadedFile("people.csv", text.getvalue().encode("utf-8-sig"), "text/csv")
    job = post_import(client, upload).json()
    report = client.get(f"/api/basedata/imports/{job['id']}/errors")
    lines = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig"))))
    return job, lines


def _broken_file(grid: str, house_code: str) -> tuple[list[list[str]], set]:
    """Errors in several chunks, of every kind the pool must pass back; rows numbered from 2."""
    rows = _rows(grid, 14)
    rows[1][2] = rows[1][2][:-1] + ("0" if rows[1][2][-1] != "0" else "1")  # row 3
    rows[4][4], rows[4][5] = "", house_code  # row 6: placed by a house (prefetched), fine
    rows[5][4], rows[5][5] = "", "H-NONE"  # row 7: unknown house
    rows[7] = [""] * len(HEADER)  # row 9: blank, skipped
    rows[8][4], rows[8][6], rows[8][7] = "", "120.05", "40.07"  # row 10: by point, fine
    rows[9][4], rows[9][6], rows[9][7] = "", "120.15", "40.07"  # row 11: point out of scope
    rows[10][2] = rows[2][2]  # row 12: duplicate of row 4, three chunks earlier
    rows[12][2] = samples.MAN  # row 14: already registered
    rows[13][3] = "12345"  # row 15: bad phone
    return rows, {3, 7, 11, 12, 14, 15}


def test_pooled_and_inline_imports_report_the_same_errors(
    post_import, as_user, cast, settings, person
):
    rows, broken = _broken_file(cast.jurisdiction.grids["t1_north"].code, "H-0001")
    client = as_user("township_1_operator")
    inline_job, inline_report = _import(post_import, client, rows, settings, processes=1)
    pooled_job, pooled_report = _import(post_import, client, rows, settings, processes=2)
    assert {e["row"] for e in pooled_job["errors"]} == broken
    assert pooled_report == inline_report and len(pooled_report) > len(broken)
    for key in ("status", "rows_read", "rows_imported", "error_count", "errors"):
        assert pooled_job[key] == inline_job[key], key
    assert (pooled_job["status"], pooled_job["rows_read"]) == ("rejected", 13)
    assert Person.objects.count() == 1  # only the fixture's person


@pytest.mark.parametrize("processes", [1, 2])
def test_a_stored_value_refused_while_writing_undoes_the_writes_and_reports_every_row(
    post_import, as_user, cast, settings, person, processes
):
    """The first fault of this file is a stored ID number, met by the unique index while
    its chunk is written (rows 2-4 are written before it); later chunks are looked up."""
    grid = cast.jurisdiction.grids["t1_north"].code
    other = samples.id_number(date(1960, 5, 5), 7)
    create_record(
        BUILTIN["person"],
        cast["county_operator"],
        {"name": "李四", "kind": "户籍人口", "id_number": other, "grid_code": grid},
    )
    rows = _rows(grid, 14)
    rows[4][2] = samples.MAN  # row 6, in the second chunk
    rows[6][2] = rows[4][2]  # row 8: repeats row 6 (reported as a repeat only)
    rows[11][2] = other  # row 13: stored, found by the lookup
    rows[13][3] = "12345"  # row 15: bad phone
    job, report = _import(post_import, as_user("county_operator"), rows, settings, processes)
    assert (job["status"], job["rows_read"], job["rows_imported"]) == ("rejected", 14, 0)
    assert [(e["row"], e["column"]) for e in job["errors"]] == [
        (6, "身份证号"),
        (8, "身份证号"),
        (13, "身份证号"),
        (15, "联系电话"),
    ]
    assert [e["reason"] for e in job["errors"][:3]] == [
        "已登记（不可重复）。",
        "与本文件中前面的行重复。",
        "已登记（不可重复）。",
    ]
    assert len(report) == 5
    assert Person.objects.count() == 2, "the rows written before the refusal are undone"


def test_a_pooled_import_writes_every_row_in_file_order(
    post_import, as_user, cast, settings, house
):
    rows = _rows(cast.jurisdiction.grids["t1_north"].code, 11)
    rows[4][4], rows[4][5] = "", house.code
    rows[8][4], rows[8][6], rows[8][7] = "", "120.05", "40.07"
    client = as_user("county_operator")
    job = ImportJob.objects.get(
        pk=_import(post_import, client, rows, settings, processes=2)[0]["id"]
    )
    assert (job.status, job.rows_imported, job.error_count) == ("done", 11, 0)
    people = list(Person.objects.order_by("pk"))
    assert [p.name for p in people] == [r[0] for r in rows]
    assert [decrypt(p.id_number_cipher, "id_number") for p in people] == [r[2] for r in rows]
    assert people[4].house_id == house.pk and people[8].grid_id == house.grid_id


def test_the_pool_runs_on_postgresql_only(cast, settings, tmp_path):
    settings.WANGGE_IMPORT_PROCESSES = 2
    path = tmp_path / "people.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *_rows(cast.jurisdiction.grids["t1_north"].code, 7)])
    job = ImportJob.objects.create(
        user=cast["county_operator"], category="person", file_name="p.csv", path=path, format="csv"
    )
    run = importing.ImportRun(job)
    run.run()
    assert (run.rows_written, run.error_count) == (7, 0)
    assert run.processes == (2 if connection.vendor == "postgresql" else 1)
