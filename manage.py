#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    # The stack (deploy/stack.py) sets the environment these settings read;
    # `make manage ARGS=...` runs a command with it.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings.production")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
