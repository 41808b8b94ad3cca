"""Every hook is documented and tested: a new ``ggk_*`` hookspec without both fails here.

A hookspec's docstring is its contract for plugin authors: when core calls it, what it
gets, what it returns, and for a ``firstresult`` hook which result wins. Its test is a
function named ``test_<hook name>_...`` in test_plugin_hooks.py.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

from core import hookspecs
from core.plugins import PluginHost

HOOK_TESTS_MODULE = "tests.plugins.test_plugin_hooks"


def declared_hooks() -> dict[str, dict]:
    """Return {hook name: pluggy spec options} for every hookspec in core.hookspecs."""
    marker = f"{hookspecs.PROJECT}_spec"
    return {
        name: getattr(function, marker)
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, marker)
    }


def hook_test_names() -> list[str]:
    module = importlib.import_module(HOOK_TESTS_MODULE)
    return [name for name, _ in inspect.getmembers(module, inspect.isfunction) if name.startswith("test_ggk_")]


HOOKS = sorted(declared_hooks())


def test_hookspecs_are_found():
    assert {"ggk_services", "ggk_route_message", "ggk_check_message"} <= set(HOOKS)


@pytest.mark.parametrize("name", HOOKS)
def test_hookspec_has_ggk_prefix(name):
    assert name.startswith("ggk_")


@pytest.mark.parametrize("name", HOOKS)
def test_hookspec_docstring_states_when_called(name):
    docstring = inspect.getdoc(getattr(hookspecs, name)) or ""

    assert docstring, f"{name} has no docstring"
    assert "Called" in docstring, f"the docstring of {name} does not say when core calls it"


@pytest.mark.parametrize("name", HOOKS)
def test_hookspec_docstring_states_result(name):
    docstring = inspect.getdoc(getattr(hookspecs, name)) or ""
    firstresult = declared_hooks()[name]["firstresult"]

    if firstresult:
        assert "first" in docstring, f"{name} is firstresult but its docstring does not say which result wins"
        assert "wins" in docstring, f"{name} is firstresult but its docstring does not say which result wins"
    else:
        assert "return" in docstring.lower() or "result" in docstring.lower(), f"the docstring of {name} says nothing of its result"


@pytest.mark.parametrize("name", HOOKS)
def test_hookspec_docstring_names_every_argument(name):
    docstring = inspect.getdoc(getattr(hookspecs, name)) or ""
    arguments = inspect.signature(getattr(hookspecs, name)).parameters

    undocumented = [argument for argument in arguments if argument not in docstring]

    assert undocumented == [], f"the docstring of {name} does not mention {undocumented}"


@pytest.mark.parametrize("name", HOOKS)
def test_hookspec_has_dedicated_test(name):
    tests = [test for test in hook_test_names() if test.startswith(f"test_{name}_")]

    assert tests, f"{HOOK_TESTS_MODULE} has no test_{name}_... function"


def test_hook_tests_name_existing_hooks():
    stale = [test for test in hook_test_names() if not any(test.startswith(f"test_{hook}_") for hook in HOOKS)]

    assert stale == [], f"these tests name no hookspec of core.hookspecs: {stale}"


def test_builtin_plugins_implement_only_declared_hooks():
    host = PluginHost().load()

    host.pm.check_pending()
