"""make demos: every story registered, and the table it ends with."""

import importlib
from pathlib import Path

from bench.demos import DEMOS
from bench.demos.cli import main, print_table
from bench.demos.common import Finding

STORIES = Path(__file__).resolve().parents[3] / "bench" / "demos"


def test_every_story_module_is_registered_and_has_a_run():
    modules = {path.stem for path in STORIES.glob("*.py")} - {"__init__", "__main__", "cli", "common"}

    assert set(DEMOS.values()) == modules
    assert all(callable(importlib.import_module(f"bench.demos.{module}").run) for module in modules)


def test_the_stories_run_in_the_design_documents_order():
    assert list(DEMOS) == ["memory-sessions", "deploy", "sticky", "fixation", "hijack", "redis-crash"]


def test_the_table_has_a_row_per_story_under_its_header(capsys):
    print_table(
        [
            Finding("A deployment", "12 of 12 logged out", "sessions in Redis", "0 of 12 logged out"),
            Finding("Fixation", "the attacker is the victim", "a new key at login", "planted id dead"),
        ]
    )

    lines = [line.strip() for line in capsys.readouterr().out.splitlines() if "|" in line]
    assert lines[0].split(" | ")[0].strip() == "story"
    assert [line.split(" | ")[0].strip() for line in lines[1:]] == ["A deployment", "Fixation"]
    assert lines[1].split(" | ")[3].strip() == "0 of 12 logged out"


def test_an_unknown_story_is_refused_with_the_list_of_stories(capsys):
    assert main(["nonsense"]) == 2
    assert "Stories: memory-sessions, deploy, sticky" in capsys.readouterr().err
