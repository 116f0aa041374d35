"""Write the live OpenAPI document to docs/openapi.json (or --output)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from wangge.api.openapi import COMMITTED_PATH, render_openapi


class Command(BaseCommand):
    help = "Regenerate the committed OpenAPI document after changing the API."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=COMMITTED_PATH,
            help=f"file to write (default: {COMMITTED_PATH}); '-' for standard output",
        )

    def handle(self, *args, output: Path, **options) -> None:
        document = render_openapi()
        if str(output) == "-":
            self.stdout.write(document, ending="")
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(document, encoding="utf-8")
        self.stderr.write(f"已写入 {output}")
