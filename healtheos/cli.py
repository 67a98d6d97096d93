"""The ``healtheos`` console script: Django's management commands under the product's name
(``healtheos demo``, ``healtheos serve``, ``healtheos seed``, ``healtheos check --deploy``…)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healtheos.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    # Commands are spelled with dashes on the command line (healtheos export-835) and with
    # underscores as Python modules; both spellings work.
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["healtheos", *args])


if __name__ == "__main__":
    main()
