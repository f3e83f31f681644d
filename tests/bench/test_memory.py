"""
Redis memory per logged-in user (bench/run.py): the arithmetic on INFO
memory that the benchmark's figure comes from.
"""

import pytest

from bench.run import per_user, retagged, stored_bytes, tag_in


def test_what_is_stored_leaves_out_the_clients_and_the_append_only_files_buffers():
    memory = {
        "used_memory": 100_000,
        "mem_clients_normal": 20_000,
        "mem_clients_slaves": 0,
        "mem_aof_buffer": 512,
    }

    assert stored_bytes(memory) == 79_488


def test_a_new_connection_between_before_and_after_changes_nothing_per_user():
    before = {"used_memory": 1_000_000, "mem_clients_normal": 40_000}
    after = {"used_memory": 1_000_000 + 120 * 900 + 20_000, "mem_clients_normal": 60_000}

    assert per_user(stored_bytes(before), stored_bytes(after), 120) == 900


def test_nobody_logged_in_gives_no_figure_per_user():
    with pytest.raises(ValueError):
        per_user(1_000, 2_000, 0)


def test_a_key_is_copied_for_another_owner_with_the_tag_replaced_in_its_braces_and_its_session_id():
    tag, other = "abcdefghijkl", "mnopqrstuvwx"
    session = f"shop:session:{{{tag}}}:u{tag}" + "s" * 32

    assert tag_in(session) == tag
    assert retagged(session, tag, other) == f"shop:session:{{{other}}}:u{other}" + "s" * 32
    assert retagged(f"shop:user-record:{{{tag}}}", tag, other) == f"shop:user-record:{{{other}}}"
