"""`wangge workflow-table`: print the state table as Markdown (the source of docs/WORKFLOW.md)."""

from django.core.management.base import BaseCommand

from wangge.events.workflow import markdown_table


class Command(BaseCommand):
    help = "Print the event workflow state table as Markdown."

    def handle(self, *args, **options) -> None:
        self.stdout.write(markdown_table(), ending="")
