"""Reading and writing .csv and .xlsx row by row, never holding a whole file in memory."""

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

FORMATS = ("csv", "xlsx")
CSV_ENCODING = "utf-8-sig"  # Excel opens a UTF-8 CSV with Chinese headers only with a BOM


class FileUnreadable(ValueError):
    pass


def read_rows(path: Path, fmt: str) -> Iterator[list[Any]]:
    """Each row of the first sheet (or the CSV) as a list of cell values, header first."""
    if fmt == "csv":
        with path.open(encoding=CSV_ENCODING, newline="") as handle:
            try:
                yield from csv.reader(handle)
            except (UnicodeDecodeError, csv.Error) as exc:
                raise FileUnreadable("CSV 文件应为 UTF-8 编码的逗号分隔文本。") from exc
        return
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        raise FileUnreadable("无法读取该 Excel 文件（应为 .xlsx）。") from exc
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


class _Line:
    """A file-like sink that hands back what csv.writer wrote, one line at a time."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text = text


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[bytes]:
    sink = _Line()
    writer = csv.writer(sink)
    yield "\ufeff".encode()
    for row in rows:
        writer.writerow(row)
        yield sink.text.encode()


def write_xlsx(rows: Iterable[list[Any]], title: str) -> io.BufferedRandom:
    """Rows into a write-only workbook in a temporary file, returned rewound."""
    import tempfile

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    workbook.save(handle)
    handle.seek(0)
    return handle
