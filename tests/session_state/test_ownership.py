"""
session_state owns sessions: outside it, no module names a session's
field or builds one of the keys of its layout, and every Lua script, here
and in the cart, declares in KEYS every key it touches.
"""

import re
from pathlib import Path

import pytest

from session_state import fields, keys

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "api", "cart", "catalog", "demo", "ops", "orders", "shop"]
SCRIPTS = sorted(ROOT.glob("*/scripts/*.lua"))

# Commands whose first argument is a key.
KEY_COMMANDS = {
    "GET", "SET", "DEL", "EXISTS", "EXPIRE", "PEXPIRE", "HGET", "HSET", "HDEL", "HLEN", "HVALS",
    "HGETALL", "HINCRBY", "SADD", "INCR", "DECR", "TTL", "ZADD", "ZREMRANGEBYSCORE", "RENAME",
}  # fmt: skip
# Commands that name no key: TIME, and PUBLISH, whose first argument is a channel.
KEYLESS_COMMANDS = {"TIME", "PUBLISH"}


def app_modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


# Field names are short ("_l"): looked for as string literals, in either quotes.
SESSION_FIELDS = sorted(
    {value for name, value in vars(fields).items() if name.isupper() and isinstance(value, str)}
    | set(fields.STORED_NAMES.values())
    | set(fields.FORMER_NAMES)
)
DJANGO_SESSION_FIELDS = ["_auth_user_id", "_auth_user_hash", "_auth_user_backend"]
KEY_FORMATS = [
    keys.session("a" + "0" * (keys.SESSION_ID_LENGTH - 1)).split("{")[0],
    keys.user_sessions("tag").split("{")[0],
    keys.cart("tag").split("{")[0],
]


@pytest.mark.parametrize("name", SESSION_FIELDS + DJANGO_SESSION_FIELDS)
def test_no_module_outside_session_state_names_a_session_field(name):
    naming = [
        str(path.relative_to(ROOT))
        for path in app_modules()
        if f'"{name}"' in path.read_text() or f"'{name}'" in path.read_text()
    ]

    assert naming == []


@pytest.mark.parametrize("key_format", KEY_FORMATS)
def test_no_module_outside_session_state_builds_a_key_of_its_layout(key_format):
    naming = [str(path.relative_to(ROOT)) for path in app_modules() if key_format in path.read_text()]

    assert naming == []


def test_there_are_scripts_to_check():
    assert {path.parent.parent.name for path in SCRIPTS} == {"session_state", "cart", "accounts", "lab"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: f"{path.parent.parent.name}/{path.name}")
def test_every_script_names_its_keys_first_and_touches_only_keys_it_was_given(script):
    code = [
        line.strip()
        for line in script.read_text().splitlines()
        if line.strip() and not line.strip().startswith("--")
    ]
    declared = set()
    for line in code:
        assignment = re.match(r"local ([\w, ]+) = (.*)", line)
        if assignment and "KEYS" in assignment.group(2):
            declared |= {name.strip() for name in assignment.group(1).split(",")}
        loop = re.match(r"for \w+, (\w+) in ipairs\((\w+)\)", line)
        if loop and loop.group(2) in declared | {"KEYS"}:
            declared.add(loop.group(1))
    touched = re.findall(r"redis\.call\('(\w+)', ([^,)]+)", script.read_text())
    # RENAME names a second key: it must be declared too.
    touched += [
        ("RENAME", new_name)
        for new_name in re.findall(r"redis\.call\('RENAME', [^,]+, ([^,)]+)", script.read_text())
    ]

    assert code[0].startswith("local ") and "KEYS" in code[0]
    assert [
        (command, key)
        for command, key in touched
        if command.upper() in KEY_COMMANDS and key not in declared and not key.startswith("KEYS[")
    ] == []
    assert {command.upper() for command, _key in touched} <= KEY_COMMANDS | KEYLESS_COMMANDS
