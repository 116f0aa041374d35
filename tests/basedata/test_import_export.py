"""Imports (all or nothing, every bad row reported) and exports (scoped, masked, logged)."""

import csv
import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tests.api.conftest import assert_error_body
from tests.basedata import samples
from wangge.basedata.models import ExportLog, ImportJob, Person

HEADER = ["姓名", "人口类型", "身份证号", "联系电话", "网格编码"]


def _csv(rows: list[list[str]], header=HEADER) -> SimpleUploadedFile:
    text = io.StringIO()
    csv.writer(text).writerows([header, *rows])
    return SimpleUploadedFile("people.csv", text.getvalue().encode("utf-8-sig"), "text/csv")


def _xlsx(rows: list[list]) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in [HEADER, *rows]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("people.xlsx", buffer.getvalue())


def _people(grid: str, count: int, start: int = 1) -> list[list[str]]:
    return [
        [
            f"李{i}",
            "户籍人口",
            samples.id_number(date(1980, 1, 1 + i % 28), 2 * i + 1),
            f"1380000{i:04d}",
            grid,
        ]
        for i in range(start, start + count)
    ]


def test_a_clean_csv_imports_every_row_encrypted(post_import, as_user, t1_grid):
    response = post_import(as_user("county_operator"), _csv(_people(t1_grid.code, 30)))
    assert response.status_code == 200, response.content
    job = response.json()
    assert (job["status"], job["rows_read"], job["rows_imported"], job["error_count"]) == (
        "done",
        30,
        30,
        0,
    )
    assert Person.objects.filter(grid=t1_grid, region_code=t1_grid.village.code).count() == 30
    first = Person.objects.get(name="李1")
    assert first.sex == "male" and first.id_number_cipher and first.phone_index
    assert samples.id_number(date(1980, 1, 2), 3) not in first.id_number_cipher


def test_a_clean_xlsx_imports_with_numeric_cells(post_import, as_user, t1_grid):
    rows = [[r[0], r[1], r[2], int(r[3]), r[4]] for r in _people(t1_grid.code, 5)]
    job = post_import(as_user("county_operator"), _xlsx(rows)).json()
    assert (job["status"], job["rows_imported"]) == ("done", 5)


def test_a_file_with_bad_rows_imports_nothing_and_reports_each(
    post_import, as_user, cast, t1_grid, person
):
    rows = _people(t1_grid.code, 10)
    rows[2][2] = rows[2][2][:-1] + ("0" if rows[2][2][-1] != "0" else "1")  # row 4: check digit
    rows[4][3] = "12345"  # row 6: phone
    rows[6][4] = cast.jurisdiction.grids["t2_north"].code  # row 8: grid out of scope
    rows[7][2] = rows[0][2]  # row 9: duplicate of row 2
    rows[8][2] = samples.MAN  # row 10: already registered
    rows[9][0] = ""  # row 11: name missing
    client = as_user("township_1_operator")
    job = post_import(client, _csv(rows)).json()
    assert job["status"] == "rejected" and job["rows_imported"] == 0
    reported = {(e["row"], e["column"]) for e in job["errors"]}
    assert reported == {
        (4, "身份证号"),
        (6, "联系电话"),
        (8, "网格编码"),
        (9, "身份证号"),
        (10, "身份证号"),
        (11, "姓名"),
    }
    assert Person.objects.count() == 1, "only the fixture's person"
    report = client.get(f"/api/basedata/imports/{job['id']}/errors")
    lines = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig"))))
    assert lines[0] == ["行号", "列", "原因"] and len(lines) == 7


def test_a_file_with_unknown_or_missing_columns_is_rejected(post_import, as_user, t1_grid):
    job = post_import(as_user("county_operator"), _csv([["x"]], header=["姓名", "血型"])).json()
    reasons = {(e["column"], e["reason"]) for e in job["errors"]}
    assert ("血型", "无法识别的列（请使用导入模板的表头）。") in reasons
    assert ("人口类型", "缺少必填列。") in reasons
    assert job["status"] == "rejected"


def test_only_the_owner_sees_a_job_and_wrong_files_are_refused(post_import, as_user, t1_grid):
    job = post_import(as_user("county_operator"), _csv(_people(t1_grid.code, 1))).json()
    assert_error_body(as_user("township_1_operator").get(f"/api/basedata/imports/{job['id']}"), 404)
    wrong = SimpleUploadedFile("people.txt", b"hello")
    assert_error_body(post_import(as_user("county_operator"), wrong), 400, "invalid_format")
    assert ImportJob.objects.count() == 1


def test_template_has_the_import_headers(as_user):
    response = as_user("county_operator").get("/api/basedata/house/template", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headers = [c.value for c in next(sheet.iter_rows())]
    assert headers[:3] == ["房屋编码", "地址", "用途"]


def _export(client, fmt="csv", **params) -> bytes:
    response = client.get(
        "/api/basedata/person/export", {"format": fmt, "reason": "月度核查", **params}
    )
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def test_export_is_masked_scoped_and_logged(as_user, cast, person, t1_grid):
    body = _export(as_user("county_operator")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["姓名", "人口类型", "身份证号"]
    assert rows[1][0] == "张**" and rows[1][2] == protection_mask(samples.MAN)
    assert samples.MAN not in body and samples.MOBILE not in body and "张三丰" not in body
    outside = list(
        csv.reader(io.StringIO(_export(as_user("township_2_operator")).decode("utf-8-sig")))
    )
    assert len(outside) == 1, "header only"
    log = ExportLog.objects.filter(user=cast["county_operator"]).get()
    assert (log.category, log.rows, log.format, log.reason) == ("person", 1, "csv", "月度核查")
    assert ExportLog.objects.count() == 2


def test_xlsx_export_is_masked(as_user, person):
    data = _export(as_user("leader"), fmt="xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert protection_mask(samples.MAN) in cells
    assert samples.MAN not in cells and samples.MOBILE not in cells


def protection_mask(value: str) -> str:
    return value[:6] + "********" + value[-4:]
