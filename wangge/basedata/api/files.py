"""Files: import jobs and their reports, templates, and exports (streamed)."""

from datetime import datetime
from pathlib import Path

from django.http import FileResponse, StreamingHttpResponse
from ninja import File, Schema, Status, UploadedFile

from wangge.api.permissions import roles
from wangge.basedata import access, exporting, importing
from wangge.basedata.api.common import category_or_404
from wangge.basedata.api.router import router
from wangge.basedata.models import ImportJob
from wangge.basedata.tabular import FORMATS, csv_lines, write_xlsx
from wangge.errors import DomainError, NotFound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportJobOut(Schema):
    id: int
    category: str
    file_name: str
    status: str
    rows_read: int
    rows_imported: int
    error_count: int
    errors: list[dict]
    created_at: datetime
    finished_at: datetime | None


def _job_out(job: ImportJob) -> dict:
    live = importing.progress(job)
    return {
        "id": job.pk,
        "category": job.category,
        "file_name": job.file_name,
        "status": job.status,
        "rows_read": live["rows_read"],
        "rows_imported": job.rows_imported,
        "error_count": live["error_count"],
        "errors": job.errors,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def _own_job(request, job_id: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=job_id, user=request.auth).first()
    if job is None:
        raise NotFound("import_not_found", "导入任务不存在。")
    return job


@router.get("/basedata/imports/{job_id}", response=ImportJobOut, summary="An import's progress")
@roles(*access.IMPORT_ROLES)
def get_import(request, job_id: int):
    return _job_out(_own_job(request, job_id))


@router.get("/basedata/imports/{job_id}/errors", summary="An import's full error report (CSV)")
@roles(*access.IMPORT_ROLES)
def get_import_errors(request, job_id: int):
    job = _own_job(request, job_id)
    if not job.report_path or not Path(job.report_path).exists():
        raise NotFound("report_not_ready", "错误报告尚未生成。")
    return FileResponse(
        Path(job.report_path).open("rb"),  # noqa: SIM115 (closed by the response)
        as_attachment=True,
        filename=f"import-{job.pk}-errors.csv",
        content_type="text/csv; charset=utf-8",
    )


def _format(value: str) -> str:
    if value not in FORMATS:
        raise DomainError("invalid_format", "格式应为 csv 或 xlsx。", {"format": value})
    return value


def _download(rows, fmt: str, name: str, title: str):
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    return FileResponse(
        write_xlsx(rows, title), as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX
    )


@router.get("/basedata/{category}/template", summary="The empty import template")
@roles(*access.IMPORT_ROLES)
def template(request, category: str, format: str = "xlsx"):  # noqa: A002 (the query name)
    cat = category_or_404(category)
    access.require_category(request.auth, cat)
    return _download(
        iter([exporting.header(cat)]), _format(format), f"{cat.key}-template", cat.label
    )


@router.get("/basedata/{category}/export", summary="Export the records in scope, masked")
@roles(*access.EXPORT_ROLES)
def export(request, category: str, format: str = "csv", grid: str | None = None, reason: str = ""):  # noqa: A002
    cat = category_or_404(category)
    fmt = _format(format)
    qs = exporting.filtered(cat, request.auth, grid)
    exporting.log_export(cat, request.auth, fmt, {"grid": grid}, qs.count(), reason)
    return _download(exporting.export_rows(cat, qs), fmt, f"{cat.key}-export", cat.label)


@router.post("/basedata/{category}/imports", response={202: ImportJobOut}, summary="Import a file")
@roles(*access.IMPORT_ROLES)
def start_import(request, category: str, file: UploadedFile = File(...)):  # noqa: B008
    try:
        job = importing.create_import_job(request.auth, category_or_404(category), file)
    except importing.UnsupportedFile as exc:
        raise DomainError(
            "invalid_format", "请上传 .csv 或 .xlsx 文件。", {"file": exc.name}
        ) from exc
    return Status(202, _job_out(job))
