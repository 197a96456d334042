#!/usr/bin/env python
"""Django's command-line utility for LabJobs."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labjobs.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from labjobs.devdb import DatabaseUnreachable, explain_unreachable

    try:
        execute_from_command_line(sys.argv)
    except (DatabaseUnreachable, ImproperlyConfigured) as exc:
        # Configuration and connection problems get one line, not a traceback.
        sys.exit(str(exc))
    except Exception as exc:
        message = explain_unreachable(exc)
        if message is None:
            raise
        sys.exit(message)


if __name__ == "__main__":
    main()
