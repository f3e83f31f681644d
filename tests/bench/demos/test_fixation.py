"""make demo-fixation runs and tells its story; its broken configuration stays out of the shop's reach."""

import re
from pathlib import Path

import pytest

from bench.demos import fixation
from tests.bench.demos.reports import run_for_its_report

pytestmark = pytest.mark.stack

BASE_DIR = Path(__file__).resolve().parents[3]
BROKEN = BASE_DIR / "bench" / "demos" / "broken"


@pytest.fixture(scope="module")
def demo():
    """The demo run once for all the tests here (it starts two stacks): its finding and what it printed."""
    return run_for_its_report(fixation)


def told(demo, who: str) -> list[str]:
    """What the demo's "=> who: ..." lines say, the broken configuration's first, then the shop's."""
    return re.findall(rf"=> {who}: (.*)", demo[1])


def test_under_the_broken_configuration_the_attacker_with_the_planted_id_is_logged_in_as_the_victim(demo):
    attacker = told(demo, "attacker")[0]

    assert re.fullmatch(r"200, the page names victim-broken-\d+: logged in as the victim", attacker)


def test_under_the_broken_configuration_the_victim_is_logged_in_under_the_planted_id(demo):
    assert told(demo, "victim")[0] == "logged in under the planted id"


def test_against_the_shop_the_attacker_with_the_planted_id_is_anonymous(demo):
    assert told(demo, "attacker")[1] == "302 to the login page, anonymous"


def test_against_the_shop_the_victim_is_logged_in_under_a_new_id(demo):
    assert told(demo, "victim")[1] == "logged in under a new id"


def test_against_the_shop_the_dead_planted_id_presented_again_is_not_taken_back(demo):
    assert re.search(r"it is not taken back: \S+, another id\n", demo[1])


def test_the_table_row_says_what_the_shop_measured(demo):
    finding = demo[0]

    assert finding.what_broke == "attacker with the planted id: logged in as the victim"
    assert finding.measured == "attacker: 302 to the login page, anonymous; victim: logged in under a new id"


def shop_and_app_files() -> list[Path]:
    """shop/ and every app (a top-level folder with an apps.py), and how the shop is deployed."""
    folders = [BASE_DIR / "shop", BASE_DIR / "deploy"]
    folders += [apps.parent for apps in BASE_DIR.glob("*/apps.py")]
    files = [path for folder in folders for path in folder.rglob("*") if path.is_file()]
    return [path for path in files if "__pycache__" not in path.parts] + [BASE_DIR / "manage.py"]


def test_nothing_in_the_shop_or_its_apps_imports_or_names_the_broken_configuration():
    broken_modules = [path.stem for path in BROKEN.glob("*.py") if path.stem != "__init__"]
    names = ["demos.broken", "demos/broken", "demos import broken", *broken_modules]

    naming = [
        f"{path.relative_to(BASE_DIR)} names {name}"
        for path in shop_and_app_files()
        for name in names
        if name in path.read_text(errors="replace")
    ]

    assert len(broken_modules) >= 3  # the settings modules and the engine were found
    assert naming == []
