"""Running a demo as its tests do: once, its report kept."""

import contextlib
import io

from bench.demos.common import Finding


def run_for_its_report(demo) -> tuple[Finding, str]:
    """Run a demo module (its run()): its Finding and what it printed, which is printed too, for a failing test."""
    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        finding = demo.run()
    print(report.getvalue())
    return finding, report.getvalue()
