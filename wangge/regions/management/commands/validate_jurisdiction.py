"""`wangge validate-jurisdiction [--region CODE]`: print every problem, fail if there is any."""

from django.core.management.base import BaseCommand, CommandError

from wangge.regions.models import Region
from wangge.regions.validation import validate_jurisdiction


class Command(BaseCommand):
    help = "Check region codes, the region tree, grid codes and grid geometry."

    def add_arguments(self, parser):
        parser.add_argument("--region", help="check only the subtree of this region code")

    def handle(self, *args, region=None, **options):
        try:
            problems = validate_jurisdiction(region)
        except Region.DoesNotExist as exc:
            raise CommandError(f"区划 {region} 不存在。") from exc
        for problem in problems:
            self.stdout.write(f"{problem.code}\t{','.join(problem.objects)}\t{problem.message}")
        if problems:
            raise CommandError(f"发现 {len(problems)} 个问题。")
        self.stdout.write("未发现问题。")
