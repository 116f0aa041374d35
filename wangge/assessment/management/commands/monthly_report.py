"""`wangge monthly-report --month 2026-10 --region 211421000000 --format xlsx`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wangge.assessment.reports import REPORT_FORMATS, build_monthly_report, parse_month, render
from wangge.regions.models import Region


class Command(BaseCommand):
    help = "Write the monthly assessment report (月度考核报表) of a region as Excel or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--region", required=True, help="12-digit region code")
        parser.add_argument("--format", choices=REPORT_FORMATS, default="xlsx")
        parser.add_argument("--output", help="file to write (default: monthly-report-…)")

    def handle(self, *args, month: str, region: str, format: str, output: str | None, **options):
        try:
            first_day = parse_month(month)
        except ValueError as exc:
            raise CommandError(f"--month 应为 YYYY-MM：{month}") from exc
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise CommandError(f"区划 {region} 不存在。")
        path = Path(output or f"monthly-report-{region}-{first_day:%Y-%m}.{format}")
        path.write_bytes(render(build_monthly_report(first_day, found), format))
        self.stdout.write(f"{path}")
