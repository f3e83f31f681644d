"""
Configurations broken on purpose, for the failure-story demos alone.

The demos start a stack on one of these (DJANGO_SETTINGS_MODULE in the
stack's environment) to show an attack working, then the shop's own
settings stopping it. No app imports bench (an import-linter contract in
pyproject.toml) and nothing under shop/ or in the apps names this package
(tests/bench/demos/test_fixation.py checks), so no setting of the shop can
reach it.
"""
