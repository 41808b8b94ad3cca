"""Message catalogs for people: Dutch first, English second.

The catalogs are gettext ``.po`` files under ``locale/``; the English text is the msgid.
They are compiled in memory with Babel when first used, so no build step is needed.
"""

from __future__ import annotations

from adapters.i18n.catalog import LANGUAGES, explain_code, gettext_for, translations

__all__ = ["LANGUAGES", "explain_code", "gettext_for", "translations"]
