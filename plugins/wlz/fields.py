"""Checks of single field values in the Wlz files, shared by the CSV and XML readers.

Each check returns the parsed value or raises FieldError naming the field and the
problem. No message repeats a value that may be a BSN (see ``shown``).
"""

from __future__ import annotations

import re
from datetime import date
from enum import Enum
from typing import TypeVar

from plugins.wlz.bsn import is_valid_bsn

BESLUITNUMMER = re.compile(r"^[A-Za-z0-9-]{1,20}$")
REFERENTIE = re.compile(r"^[^\x00-\x1f]{1,40}$")
PRODUCT_CATEGORIE = re.compile(r"^[0-9A-Za-z]{2}$")
PRODUCT_CODE = re.compile(r"^[0-9A-Za-z]{5}$")
DATE_TEXT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

CodeEnum = TypeVar("CodeEnum", bound=Enum)


NUMBER_LIKE_BSN = re.compile(r"^[0-9]{8,9}$")


def shown(text: str) -> str:
    """Return ``text`` quoted for an error message, or a description when it may be a BSN."""
    return "a number of 8 or 9 digits" if NUMBER_LIKE_BSN.match(text.strip()) else repr(text)


class FieldError(ValueError):
    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def required(field: str, text: str | None) -> str:
    if text is None or not text.strip():
        raise FieldError(field, "is missing")
    return text.strip()


def optional(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    return text.strip()


def bsn(field: str, text: str | None) -> str:
    value = required(field, text)
    if not is_valid_bsn(value):
        raise FieldError(field, "is not a valid BSN (nine digits that pass the elfproef)")
    return value


def day(field: str, text: str | None) -> date:
    value = required(field, text)
    if not DATE_TEXT.match(value):
        raise FieldError(field, f"{shown(value)} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FieldError(field, f"{shown(value)} is not an existing date") from None


def optional_day(field: str, text: str | None) -> date | None:
    return day(field, text) if optional(text) is not None else None


def code(field: str, text: str | None, choices: type[CodeEnum]) -> CodeEnum:
    value = required(field, text).upper()
    try:
        return choices(value)
    except ValueError:
        allowed = ", ".join(member.value for member in choices)
        raise FieldError(field, f"{shown(value)} is not one of {allowed}") from None


def matching(field: str, text: str | None, pattern: re.Pattern, rule: str) -> str:
    value = required(field, text)
    if not pattern.match(value):
        raise FieldError(field, f"{shown(value)} is not {rule}")
    return value


def optional_matching(field: str, text: str | None, pattern: re.Pattern, rule: str) -> str | None:
    return matching(field, text, pattern, rule) if optional(text) is not None else None


def period(start: date | None, end: date | None, end_field: str = "einddatum") -> None:
    if start is not None and end is not None and end < start:
        raise FieldError(end_field, f"{end.isoformat()} lies before the ingangsdatum {start.isoformat()}")
