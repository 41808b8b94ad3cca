"""docs/errors.md lists every code the hub can return, each with its Dutch explanation."""

from __future__ import annotations

import re

import pytest

import core.plugins  # noqa: F401  (defines PluginError, GGK501)
from core import codes
from core.errors import GgkError
from plugins.pgb.codes import ALL_CODES as PGB_CODES
from tests.flow.reference import REPO_ROOT

ERRORS_DOC = REPO_ROOT / "docs" / "errors.md"
TABLE_ROW = re.compile(r"^\| (?P<code>[A-Za-z]+[0-9]+[A-Z0-9-]*) \|(?P<rest>.*)\|$")


def error_classes(base: type) -> list[type]:
    found = [base]
    for subclass in base.__subclasses__():
        found += error_classes(subclass)
    return found


def documented_rows() -> dict[str, list[str]]:
    rows = {}
    for line in ERRORS_DOC.read_text(encoding="utf-8").splitlines():
        match = TABLE_ROW.match(line)
        if match:
            rows[match["code"]] = [cell.strip() for cell in match["rest"].split("|")]
    return rows


REJECTION_CODES = sorted(codes.ALL_CODES | PGB_CODES)
ERROR_MODULES = {"core.errors", "core.plugins"}
ERROR_CODES = sorted({error.code for error in error_classes(GgkError) if error.__module__ in ERROR_MODULES})


@pytest.mark.parametrize("code", REJECTION_CODES + ERROR_CODES)
def test_errors_doc_has_row_for_code(code):
    rows = documented_rows()

    assert code in rows, f"docs/errors.md has no table row for {code}"


@pytest.mark.parametrize("code", REJECTION_CODES + ERROR_CODES)
def test_errors_doc_row_ends_with_dutch_text(code):
    cells = documented_rows().get(code, [])

    assert cells, f"docs/errors.md has no table row for {code}"
    assert cells[-1].endswith("."), f"the row of {code} has no Dutch sentence in its last column"


def test_errors_doc_lists_only_known_codes():
    known = set(REJECTION_CODES) | set(ERROR_CODES)
    web_edge = {"GGK401", "GGK403-CSRF", "GGK400-NOFILE", "GGK400-ORG", "GGK413-FILES"}

    unknown = set(documented_rows()) - known - web_edge

    assert unknown == set(), f"docs/errors.md lists codes that neither core nor the web edge defines: {unknown}"
