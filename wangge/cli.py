"""The `wangge` console command: Django's manage entry point with our settings preselected."""

import os
import sys


def command_argv(argv: list[str]) -> list[str]:
    """Commands are spelled with hyphens (`wangge issue-token`); Django modules use underscores."""
    if len(argv) > 1 and not argv[1].startswith("-"):
        return [argv[0], argv[1].replace("-", "_"), *argv[2:]]
    return argv


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(command_argv(sys.argv))


if __name__ == "__main__":
    main()
