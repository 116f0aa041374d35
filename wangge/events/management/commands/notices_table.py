"""`wangge notices-table`: print who is told of what (the source of docs/NOTICES.md)."""

from django.core.management.base import BaseCommand

from wangge.events.notifying import markdown_table


class Command(BaseCommand):
    help = "Print the inbox notification table as Markdown."

    def handle(self, *args, **options) -> None:
        self.stdout.write(markdown_table(), ending="")
