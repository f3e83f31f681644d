"""python -m bench.demos <story> | all: one story, or every story and then the table of them."""

import importlib
import sys

from . import DEMOS, __doc__
from .common import DEMO_DIR, Finding, title


def run(name: str) -> Finding:
    return importlib.import_module(f"bench.demos.{DEMOS[name]}").run()


def print_table(findings: list[Finding]) -> None:
    """make demos's last words: one row per story, in columns a terminal shows as a table."""
    title("What broke, and what the shop does")
    rows = [("story", "what broke", "what the shop does", "measured")]
    rows += [(f.story, f.what_broke, f.what_the_shop_does, f.measured) for f in findings]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    for n, row in enumerate(rows):
        print("  " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if n == 0:
            print("  " + "-+-".join("-" * width for width in widths))
    print(flush=True)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or (argv[0] not in DEMOS and argv[0] != "all"):
        print(__doc__ + "\nStories: " + ", ".join(DEMOS), file=sys.stderr)
        return 2
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    if argv[0] != "all":
        run(argv[0])
        return 0
    print_table([run(name) for name in DEMOS])
    return 0
