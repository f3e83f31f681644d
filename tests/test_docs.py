"""
The documentation stays true: docs/security.md and docs/api.md name real
tests; the README and docs/ stand alone (no design note outside the clone),
draw the lab's diagrams under the lab's names, and name only demos that run.
"""

import os
import re
from pathlib import Path

import pytest

from bench.demos import DEMOS

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("page", "at_least"), [("security.md", 30), ("api.md", 20)])
def test_every_test_that_a_page_of_the_docs_names_exists(page, at_least):
    text = (ROOT / "docs" / page).read_text()
    named = set(re.findall(r"`(tests/[\w/]+\.py)::(test_\w+)`", text))

    missing = [
        f"{path}::{name}" for path, name in sorted(named) if f"def {name}(" not in (ROOT / path).read_text()
    ]
    assert len(named) >= at_least
    assert missing == []


def test_every_asvs_v3_requirement_has_a_row_on_the_security_page():
    page = (ROOT / "docs" / "security.md").read_text()
    expected = [
        "3.1.1", "3.2.1", "3.2.2", "3.2.3", "3.2.4", "3.3.1", "3.3.2", "3.3.3", "3.3.4",
        "3.4.1", "3.4.2", "3.4.3", "3.4.4", "3.4.5", "3.5.1", "3.5.2", "3.5.3", "3.6.1", "3.6.2", "3.7.1",
    ]  # fmt: skip

    assert [number for number in expected if f"| {number} " not in page] == []


def test_every_row_of_the_security_page_names_a_test():
    rows = [
        line for line in (ROOT / "docs" / "security.md").read_text().splitlines() if line.startswith("| 3.")
    ]

    assert [row.split("|")[1].strip() for row in rows if "`tests/" not in row] == []


# Folders of a working copy that are not the project: what a clone does not have.
NOT_THE_PROJECT = {".git", ".venv", "var", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache"}


def _project_text_files():
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in NOT_THE_PROJECT]
        for name in files:
            path = Path(folder) / name
            try:
                yield path, path.read_text()
            except (UnicodeDecodeError, OSError):
                continue  # a picture, a binary


def test_nothing_in_the_project_sends_a_reader_to_the_design_note_outside_the_clone():
    # The design note lived beside the project, never in it: docs/story.md retells it.
    pointing = [
        str(path.relative_to(ROOT))
        for path, text in _project_text_files()
        if "shared/seed" in text and path != Path(__file__).resolve()
    ]
    assert pointing == []
    for page in ["README.md", *(f"docs/{path.name}" for path in (ROOT / "docs").glob("*.md"))]:
        assert "../shared/" not in (ROOT / page).read_text(), page


def test_the_story_draws_the_labs_four_diagrams_under_their_numbers_and_names():
    lab = (ROOT / "templates" / "lab" / "lab.html").read_text()
    diagrams = re.findall(r"<figcaption[^>]*><strong>(\d)\. ([^<]+?)</strong>", lab)
    story = (ROOT / "docs" / "story.md").read_text()

    assert [number for number, _name in diagrams] == ["1", "2", "3", "4"]
    assert [f"{n}. {name}" for n, name in diagrams if f"**Diagram {n}. {name}**" not in story] == []


def test_every_demo_the_readme_and_the_docs_name_is_a_story_that_runs():
    pages = [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    named = {
        name for page in pages for name in re.findall(r"make demo-([a-z][a-z-]*[a-z])", page.read_text())
    }

    assert named - set(DEMOS) == set()
    assert set(DEMOS) - named == set()  # and every story is told somewhere
