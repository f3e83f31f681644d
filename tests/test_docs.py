"""The documentation names real tests: docs/security.md and docs/api.md stay true to the suite."""

import re
from pathlib import Path

import pytest

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
    rows = [line for line in (ROOT / "docs" / "security.md").read_text().splitlines() if line.startswith("| 3.")]

    assert [row.split("|")[1].strip() for row in rows if "`tests/" not in row] == []

