"""The session as a dictionary, and the accessed and modified flags, as Django's SessionBase defines them."""

import pytest

READS = {
    "get": lambda store: store.get("x"),
    "getitem": lambda store: store["x"],
    "in": lambda store: "x" in store,
    "has_key": lambda store: store.has_key("x"),
    "keys": lambda store: list(store.keys()),
    "values": lambda store: list(store.values()),
    "items": lambda store: list(store.items()),
}


def test_a_new_session_is_neither_accessed_nor_modified(SessionStore):
    store = SessionStore()

    assert store.accessed is False
    assert store.modified is False


def test_a_new_session_is_empty(SessionStore):
    assert dict(SessionStore().items()) == {}


def test_get_of_a_missing_key_is_none(SessionStore):
    assert SessionStore().get("cat") is None


def test_get_of_a_missing_key_gives_the_default(SessionStore):
    assert SessionStore().get("cat", "none here") == "none here"


def test_a_value_set_is_read_back(SessionStore):
    store = SessionStore()

    store["cat"] = "dog"

    assert store["cat"] == "dog"


def test_setting_a_value_marks_the_session_modified(SessionStore):
    store = SessionStore()

    store["cat"] = "dog"

    assert store.modified is True


@pytest.mark.parametrize("read", READS.values(), ids=READS.keys())
def test_reading_marks_the_session_accessed_but_not_modified(store, read):
    read(store)

    assert store.accessed is True
    assert store.modified is False


def test_pop_returns_the_value_and_removes_it(store):
    assert store.pop("x") == 1
    assert "x" not in store


def test_pop_of_a_present_key_marks_the_session_accessed_and_modified(store):
    store.pop("x")

    assert store.accessed is True
    assert store.modified is True


def test_pop_of_a_missing_key_gives_the_default_and_leaves_the_session_unmodified(store):
    assert store.pop("cat", "no cat") == "no cat"
    assert store.accessed is True
    assert store.modified is False


def test_pop_takes_its_default_as_a_named_argument(store):
    assert store.pop("cat", default="no cat") == "no cat"


def test_pop_of_a_missing_key_without_a_default_raises_key_error(store):
    with pytest.raises(KeyError):
        store.pop("cat")


def test_setdefault_of_a_missing_key_sets_it_and_returns_it(store):
    assert store.setdefault("cat", "dog") == "dog"
    assert store["cat"] == "dog"
    assert store.modified is True


def test_setdefault_of_a_present_key_keeps_its_value_and_leaves_the_session_unmodified(store):
    assert store.setdefault("x", 2) == 1
    assert store["x"] == 1
    assert store.modified is False


def test_update_adds_the_values_and_marks_the_session_accessed_and_modified(store):
    store.update({"y": 2, "z": 3})

    assert dict(store.items()) == {"x": 1, "y": 2, "z": 3}
    assert store.accessed is True
    assert store.modified is True


def test_a_present_key_is_in_the_session(store):
    assert "x" in store


def test_a_missing_key_is_not_in_the_session(store):
    assert "cat" not in store


def test_has_key_tells_a_present_key_from_a_missing_one(store):
    assert store.has_key("x") is True
    assert store.has_key("cat") is False


def test_keys_lists_the_keys(store):
    store["y"] = 2

    assert sorted(store.keys()) == ["x", "y"]


def test_values_lists_the_values(store):
    store["y"] = 2

    assert sorted(store.values()) == [1, 2]


def test_items_lists_the_pairs(store):
    store["y"] = 2

    assert sorted(store.items()) == [("x", 1), ("y", 2)]


def test_deleting_a_key_removes_it_and_marks_the_session_modified(store):
    del store["x"]

    assert "x" not in store
    assert store.modified is True


def test_clear_empties_the_session_and_marks_it_accessed_and_modified(store):
    store.clear()

    assert list(store.items()) == []
    assert store.accessed is True
    assert store.modified is True


def test_is_empty_is_true_for_a_new_session(SessionStore):
    assert SessionStore().is_empty() is True


def test_is_empty_is_false_for_a_session_holding_data(store):
    assert store.is_empty() is False


def test_is_empty_is_false_for_a_saved_session_even_without_data(SessionStore):
    store = SessionStore()
    store.save()

    assert store.is_empty() is False


def test_the_test_cookie_works_once_set(SessionStore):
    store = SessionStore()

    store.set_test_cookie()

    assert store.test_cookie_worked() is True


def test_the_test_cookie_no_longer_works_once_deleted(SessionStore):
    store = SessionStore()
    store.set_test_cookie()

    store.delete_test_cookie()

    assert store.test_cookie_worked() is False
