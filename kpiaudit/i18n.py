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

import errno
import gettext
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "kpiaudit"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "ja")
DEFAULT_LANGUAGE = "en"

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


def choose_language(
    flag: str | None,
    environ: Mapping[str, str] | None = None,
    configured: Callable[[], str | None] = lambda: None,
) -> str:
    """The language to speak, from the most deliberate choice to the least:

    1. ``--lang`` on the command line (this run);
    2. ``KPIAUDIT_LANG`` (this person, whatever project they are in);
    3. ``lang`` in ``[tool.kpiaudit]`` (this project: a Japanese team's repository speaks
       Japanese in CI, whose locale is C.UTF-8 or en_US, an accident of the runner image);
    4. the POSIX locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``): ``ja_JP.UTF-8`` → ja;
    5. English.

    ``configured`` is called only when 1 and 2 say nothing, so that the configuration is not
    looked for when it cannot matter. A value naming no language kpiaudit speaks counts as
    unset (``--lang`` is checked by the command line before it gets here)."""
    env = os.environ if environ is None else environ
    for value in (flag, env.get("KPIAUDIT_LANG", "")):
        if value and normalise(value.strip()):
            return normalise(value.strip()) or DEFAULT_LANGUAGE
    project = configured()
    if project and normalise(project):
        return normalise(project) or DEFAULT_LANGUAGE
    return language_from_locale(env) or DEFAULT_LANGUAGE


def language_from_locale(environ: Mapping[str, str] | None = None) -> str | None:
    """LC_ALL, LC_MESSAGES, LANG in their order of precedence: the first one set decides, as
    in setlocale(3), so ``LC_ALL=C`` is English whatever ``LANG`` says."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "").strip()
        if value:
            return normalise(value)
    return None


def normalise(value: str) -> str | None:
    """``ja``, ``ja_JP.UTF-8``, ``JA-jp`` → ``ja``; ``C``/``POSIX``/unknown → None."""
    code = value.split(".", 1)[0].split("@", 1)[0].replace("-", "_").split("_", 1)[0].lower()
    return code if code in LANGUAGES else None


def set_language(language: str) -> None:
    """Use ``language`` (one of LANGUAGES) for every message from now on."""
    global _translation, _language
    _translation = _catalogue(language)
    _language = language


def _catalogue(language: str) -> gettext.NullTranslations:
    if language not in LANGUAGES:
        raise ValueError(f"{language!r} is not one of {', '.join(LANGUAGES)}")
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    # gettext caches the parsed catalogue, so switching back and forth costs nothing.
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)


def translator(language: str) -> Callable[[str], str]:
    """A gettext function for ``language`` that leaves the current language alone (Japanese
    CSV headers for Excel while messages stay English)."""
    return _catalogue(language).gettext


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """``language`` inside the block, the language before it afterwards."""
    before = _language
    set_language(language)
    try:
        yield
    finally:
        set_language(before)


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


# Translators: what joins two clauses of one message ("1 change fails --fail-on; 1 justified
# by slip-ok"): in Japanese a full stop, not a semicolon.
_CLAUSES = N_("; ")


def clauses(*parts: str) -> str:
    """Clauses of one message, each already in the current language, joined as it joins them."""
    return _(_CLAUSES).join(p for p in parts if p)


# What the operating system says most often (in glibc's words), said in the reader's language:
# strerror speaks the C library's language, English here, whatever --lang says.
_OS_ERRORS = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EPERM: N_("Operation not permitted"),
    errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.EEXIST: N_("File exists"),
    errno.ENOSPC: N_("No space left on device"),
    errno.EROFS: N_("Read-only file system"),
    errno.ELOOP: N_("Too many levels of symbolic links"),
    errno.ENAMETOOLONG: N_("File name too long"),
    errno.EIO: N_("Input/output error"),
    errno.EBADF: N_("Bad file descriptor"),
}


def os_reason(exc: BaseException) -> str:
    """Why an operation on a file failed, for a message: in the current language when it is one
    of the common reasons, else as the operating system says it."""
    code = getattr(exc, "errno", None)
    if code in _OS_ERRORS:
        return _(_OS_ERRORS[code])
    return getattr(exc, "strerror", None) or str(exc)
