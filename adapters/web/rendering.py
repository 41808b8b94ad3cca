"""Jinja2 templates in the caller's language, and the language switch.

One Jinja2 environment per language, each with that language's gettext catalog
installed, so a request never changes shared state. Dutch is the default; ``?lang=en``
on any page switches to English and stores the choice in a cookie.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import falcon
import jinja2
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from adapters.i18n import LANGUAGES, translations
from adapters.web.sessions import first_cookie

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGE_COOKIE = "ggk-lang"
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")  # the hub serves Dutch organisations: show Dutch time


class LanguageMiddleware:
    """Set ``req.context.language`` from ``?lang=``, the language cookie, or the default."""

    def __init__(self, default: str, secure_cookies: bool):
        self._default = default if default in LANGUAGES else "nl"
        self._secure = secure_cookies

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        requested = req.get_param("lang")
        if requested in LANGUAGES:
            req.context.language = requested
            resp.set_cookie(LANGUAGE_COOKIE, requested, path="/", max_age=365 * 24 * 3600,
                            secure=self._secure, http_only=True, same_site="Lax")
            return
        stored = first_cookie(req, LANGUAGE_COOKIE)
        req.context.language = stored if stored in LANGUAGES else self._default


class Renderer:
    """Render templates; ``render`` fills in the page's language, session and CSRF token."""

    def __init__(self, globals_: dict[str, Any] | None = None):
        self._environments = {language: self._environment(language, globals_ or {}) for language in LANGUAGES}

    def template(self, language: str, name: str) -> jinja2.Template:
        return self._environments[language].get_template(name)

    def render(self, req: falcon.Request, name: str, **context: Any) -> str:
        language = req.context.language
        context.setdefault("session", getattr(req.context, "session", None))
        context.setdefault("csrf_token", getattr(req.context, "csrf_token", ""))
        context.setdefault("request_path", req.path)
        context.setdefault("query_string", req.query_string)
        return self.template(language, name).render(language=language, **context)

    def _environment(self, language: str, globals_: dict[str, Any]) -> jinja2.Environment:
        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        environment.install_gettext_translations(translations(language), newstyle=True)
        environment.globals.update(globals_)
        environment.filters["datetime"] = lambda value: format_moment(value, language)
        environment.filters["date"] = lambda value: format_day(value, language)
        environment.filters["number"] = lambda value: format_decimal(value, locale=language)
        environment.filters["filesize"] = lambda value: format_size(value, language)
        return environment


def format_moment(value: datetime | None, language: str) -> str:
    if value is None:
        return ""
    return format_datetime(value.astimezone(LOCAL_TIME), "d MMM y HH:mm:ss", locale=language)


def format_day(value: date | datetime | None, language: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_TIME).date()
    return format_date(value, "d MMM y", locale=language)


def format_size(size: int | None, language: str) -> str:
    if size is None:
        return ""
    for unit, factor in (("MB", 1024 * 1024), ("kB", 1024)):
        if size >= factor:
            return f"{format_decimal(round(size / factor, 1), locale=language)} {unit}"
    return f"{size} B"
