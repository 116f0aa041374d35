"""`wangge verify-trail [--event ID ...]`: recompute the trail hash chains, exit 1 on a break."""

import sys

from django.core.management.base import BaseCommand

from wangge.events.trail import verify_trail


class Command(BaseCommand):
    help = "Verify the SM3 hash chains of the event trail and report the first broken entries."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--event", type=int, action="append", dest="events", help="event id (repeatable)"
        )

    def handle(self, *args, events=None, **options) -> None:
        breaks = verify_trail(events)
        for found in breaks:
            self.stderr.write(
                f"BROKEN event={found.event_id} sequence={found.sequence} reason={found.reason}"
            )
        if breaks:
            sys.exit(1)
        self.stdout.write("trail intact")
