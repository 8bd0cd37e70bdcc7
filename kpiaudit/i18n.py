"""Messages in the reader's language: gettext catalogues with English message ids.

Every string shown to people goes through :func:`_` (or :func:`ngettext`) at the moment it is
shown. A string defined at import time (a rule's summary, a column header, an option's help) is
marked with :func:`N_`, which only marks it for extraction, and translated where it is printed,
so that the language can be chosen after the module was imported.

Catalogues live in ``kpiaudit/locale/<lang>/LC_MESSAGES/kpiaudit.po`` (edited by people) and
``.mo`` (compiled with Babel, shipped in the wheel). Machine output (JSON, SARIF keys, CSV
column names, rule codes) is never translated.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "kpiaudit"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "ja")
DEFAULT_LANGUAGE = "en"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


def language_from_env(environ: dict[str, str] | os._Environ[str] | None = None) -> str | None:
    """KPIAUDIT_LANG, then the POSIX locale variables in their order of precedence
    (LC_ALL, LC_MESSAGES, LANG): ``ja_JP.UTF-8`` → ``ja``. None when none of them names a
    language kpiaudit speaks."""
    env = os.environ if environ is None else environ
    explicit = env.get("KPIAUDIT_LANG", "").strip()
    if explicit:
        return normalise(explicit)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "").strip()
        if value:  # the first one set decides, as in setlocale(3)
            return normalise(value)
    return None


def normalise(value: str) -> str | None:
    """``ja``, ``ja_JP.UTF-8``, ``JA-jp`` → ``ja``; ``C``/``POSIX``/unknown → None."""
    code = value.split(".", 1)[0].split("@", 1)[0].replace("-", "_").split("_", 1)[0].lower()
    return code if code in LANGUAGES else None


def set_language(language: str) -> None:
    """Use ``language`` (one of LANGUAGES) for every message from now on."""
    global _translation, _language
    if language not in LANGUAGES:
        raise ValueError(f"{language!r} is not one of {', '.join(LANGUAGES)}")
    _language = language
    if language == DEFAULT_LANGUAGE:
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(
            DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True
        )


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """The message in the current language (the English id when no translation exists)."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for translation without translating it (it is translated where shown)."""
    return message
