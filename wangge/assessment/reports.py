"""The monthly assessment report (月度考核报表), as Excel or PDF.

Both formats are rendered from one `MonthlyReport`, built by `compute_metrics` and
`rank_units`, so the file shows exactly what the console and API show.
"""

import calendar
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from wangge.accounts.scope import Scope
from wangge.assessment.metrics import UnitMetrics, compute_metrics, region_prefix
from wangge.assessment.ranking import RankingKind, RankRow, rank_units
from wangge.regions.models import Region

REPORT_FORMATS = ("xlsx", "pdf")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}

# (field, label, is_rate) in the order every report shows them.
METRIC_ROWS: list[tuple[str, str, bool]] = [
    ("received", "上报数", False),
    ("accepted", "受理数", False),
    ("rejected", "不予受理数", False),
    ("merged", "合并数", False),
    ("withdrawn", "撤销数", False),
    ("dispatched", "派遣数", False),
    ("returned", "退回数", False),
    ("due", "应结案数", False),
    ("closed", "结案数", False),
    ("closed_on_time", "按期结案数", False),
    ("overdue", "逾期数", False),
    ("handled", "处置数", False),
    ("reworked", "返工数", False),
    ("extended", "延期数", False),
    ("shelved", "挂账数", False),
    ("self_handled", "自行处置数", False),
    ("evaluated", "评价数", False),
    ("satisfied", "满意数", False),
    ("yellow_cards", "黄牌督办数", False),
    ("red_cards", "红牌督办数", False),
    ("mediations_ended", "调解结束数", False),
    ("mediations_succeeded", "调解成功数", False),
    ("visits_done", "走访数", False),
    ("visits_overdue", "逾期走访数", False),
    ("closure_rate", "结案率", True),
    ("on_time_closure_rate", "按期结案率", True),
    ("handling_rate", "处置率", True),
    ("rework_rate", "返工率", True),
    ("extension_rate", "延期率", True),
    ("satisfaction_rate", "满意率", True),
    ("mediation_success_rate", "调解成功率", True),
    ("first_call_resolution_rate", "首呼解决率", True),
]
RANKING_COLUMNS = [
    ("due", "应结案数"),
    ("closed", "结案数"),
    ("closure_rate", "结案率"),
    ("on_time_closure_rate", "按期结案率"),
    ("satisfaction_rate", "满意率"),
    ("yellow_cards", "黄牌"),
    ("red_cards", "红牌"),
]


@dataclass(frozen=True)
class MonthlyReport:
    month: date
    region: Region
    metrics: UnitMetrics
    rankings: dict[str, list[RankRow]]

    @property
    def title(self) -> str:
        return f"{self.region.name}{self.month:%Y年%m月}考核报表"


def parse_month(raw: str) -> date:
    """'2026-10' -> date(2026, 10, 1); ValueError on anything else."""
    year, _, month = raw.partition("-")
    if not (len(year) == 4 and len(month) == 2 and year.isdigit() and month.isdigit()):
        raise ValueError(f"not a YYYY-MM month: {raw!r}")
    return date(int(year), int(month), 1)


def build_monthly_report(month: date, region: Region) -> MonthlyReport:
    last = date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
    scope = Scope(prefix=region_prefix(region.code))
    metrics = compute_metrics(period_start=month, period_end=last, region_code=region.code)
    rankings = {
        kind.label: rank_units(kind=kind, period_start=month, period_end=last, scope=scope)
        for kind in RankingKind
    }
    return MonthlyReport(month, region, metrics, rankings)


def percent(value: Decimal | None) -> str:
    """0.9372 -> '93.72%'; an undefined rate shows as a dash, never as 0%."""
    return "—" if value is None else f"{value * 100:.2f}%"


def render_xlsx(report: MonthlyReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "汇总"
    sheet.append([report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["统计期间", f"{report.metrics.period_start} 至 {report.metrics.period_end}"])
    sheet.append(["指标", "数值"])
    for field, label, is_rate in METRIC_ROWS:
        value = getattr(report.metrics, field)
        sheet.append([label, value])
        if is_rate and value is not None:
            sheet.cell(row=sheet.max_row, column=2).number_format = "0.00%"
    sheet.column_dimensions["A"].width = 16
    for kind_label, rows in report.rankings.items():
        ranking = book.create_sheet(f"{kind_label}排名")
        ranking.append(["名次", "名称", "得分", *(label for _, label in RANKING_COLUMNS)])
        for row in rows:
            values = [getattr(row.metrics, field) for field, _ in RANKING_COLUMNS]
            ranking.append([row.rank, row.name, row.score, *values])
            for column, (field, _) in enumerate(RANKING_COLUMNS, start=4):
                if field.endswith("_rate"):
                    ranking.cell(row=ranking.max_row, column=column).number_format = "0.00%"
        ranking.column_dimensions["B"].width = 20
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render_pdf(report: MonthlyReport) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"  # a standard Adobe CJK font: viewers supply the glyphs
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    heading = ParagraphStyle("heading", fontName=font, fontSize=16, leading=22)
    subheading = ParagraphStyle("subheading", fontName=font, fontSize=12, leading=18)
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ]
    )

    def shown(field: str, value) -> str:
        return percent(value) if field.endswith("_rate") else str(value)

    summary = [["指标", "数值"]] + [
        [label, shown(field, getattr(report.metrics, field))] for field, label, _ in METRIC_ROWS
    ]
    story = [
        Paragraph(report.title, heading),
        Paragraph(
            f"统计期间：{report.metrics.period_start} 至 {report.metrics.period_end}", subheading
        ),
        Table(summary, style=style, hAlign="LEFT"),
    ]
    for kind_label, rows in report.rankings.items():
        header = ["名次", "名称", "得分", *(label for _, label in RANKING_COLUMNS)]
        body = [
            [str(r.rank), r.name, str(r.score)]
            + [shown(f, getattr(r.metrics, f)) for f, _ in RANKING_COLUMNS]
            for r in rows
        ]
        story += [
            Spacer(1, 12),
            Paragraph(f"{kind_label}排名", subheading),
            Table([header, *body], style=style, hAlign="LEFT", repeatRows=1),
        ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=report.title).build(story)
    return buffer.getvalue()


def render(report: MonthlyReport, fmt: str) -> bytes:
    if fmt == "xlsx":
        return render_xlsx(report)
    if fmt == "pdf":
        return render_pdf(report)
    raise ValueError(f"unknown report format: {fmt!r}")
