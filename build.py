#!/usr/bin/env python3
"""Qandy Qantar Memorial — build the site from content/. See README.md, or `python build.py --help`."""

import sys

from memorial.cli import main

if __name__ == "__main__":
    sys.exit(main(exit_at_once=True))
