#!/usr/bin/env python
"""Django's usual entry point; ``healtheos`` (healtheos/cli.py) is the same thing."""

from __future__ import annotations

from healtheos.cli import main

if __name__ == "__main__":
    main()
