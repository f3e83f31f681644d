"""
Instructions per request (bench/instructions.py): from callgrind's dumps,
one a segment, to a count per request. No valgrind here: dumps written by
hand, as callgrind writes their header.
"""

import pytest

from bench import instructions


def dump(part: int, instructions_run: int) -> str:
    return f"version: 1\ncreator: callgrind-3.19.0\npart: {part}\ndesc: Trigger: --dump-before=getppid\nevents: Ir\nsummary: {instructions_run}\ntotals: {instructions_run}\n"


def test_each_dump_is_read_as_its_part_and_its_instructions():
    assert instructions.parse_parts([dump(2, 500), dump(1, 7000)]) == {1: 7000, 2: 500}


def test_a_file_that_is_no_callgrind_dump_is_refused():
    with pytest.raises(ValueError):
        instructions.parse_parts(["summary: 12\n"])


def test_the_segments_are_the_parts_in_order_and_the_last_part_is_the_process_ending():
    parts = {1: 7000, 2: 500, 3: 900, 4: 30}

    assert instructions.segment_counts(parts, ["start-up", "ten", "twenty"]) == {
        "start-up": 7000,
        "ten": 500,
        "twenty": 900,
    }


def test_a_marker_called_elsewhere_makes_the_segments_untellable():
    with pytest.raises(ValueError):
        instructions.segment_counts({1: 7000, 2: 500, 3: 900, 4: 30, 5: 10}, ["start-up", "ten", "twenty"])


def test_a_request_costs_the_difference_of_2n_and_n_requests_over_n_so_a_segments_own_cost_cancels():
    once_a_segment, a_request = 12_345, 1_000

    assert (
        instructions.per_request(once_a_segment + 10 * a_request, once_a_segment + 20 * a_request, 10)
        == a_request
    )


def test_twice_the_requests_costing_no_more_is_no_measurement():
    with pytest.raises(ValueError):
        instructions.per_request(5_000, 5_000, 10)


def test_each_path_is_counted_from_its_own_segments_with_its_own_n():
    segments = {
        instructions.segment_label("read", 20): 100 + 20 * 3,
        instructions.segment_label("read", 40): 100 + 40 * 3,
        instructions.segment_label("page", 10): 900 + 10 * 50,
        instructions.segment_label("page", 20): 900 + 20 * 50,
    }

    assert instructions.per_path(segments, {"read": 20, "page": 10}) == {"read": 3, "page": 50}


def test_the_ratios_are_logged_in_over_anonymous_json_and_catalog_page_over_json():
    counts = {
        "anonymous JSON session read": 1_000,
        "logged-in JSON session read": 1_500,
        "anonymous catalog page": 20_000,
    }

    assert instructions.ratios(counts) == {
        "logged-in over anonymous JSON session read": 1.5,
        "anonymous catalog page over the anonymous JSON route": 20,
    }


def test_two_runs_spread_by_their_largest_difference_on_any_path():
    assert instructions.spread({"a": 1_000, "b": 200}, {"a": 1_001, "b": 202}) == pytest.approx(0.01)


def test_the_section_replaces_its_earlier_self_and_leaves_the_profiles_around_it():
    profiles = (
        f"# Profiles\n\n## A path\n\nslow\n\n{instructions.HEADING}\n\nold counts\n\n## Another\n\nfast\n"
    )

    written = instructions.with_section(profiles, f"{instructions.HEADING}\n\nnew counts\n")

    assert (
        written
        == f"# Profiles\n\n## A path\n\nslow\n\n{instructions.HEADING}\n\nnew counts\n## Another\n\nfast\n"
    )


def test_the_section_is_added_at_the_end_of_profiles_without_it():
    written = instructions.with_section("# Profiles\n\n## A path\n", f"{instructions.HEADING}\n\ncounts\n")

    assert written == f"# Profiles\n\n## A path\n\n{instructions.HEADING}\n\ncounts\n"
