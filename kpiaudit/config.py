"""Configuration: ``[tool.kpiaudit]`` in pyproject.toml, or ``.kpiaudit.toml``.

Looked up from the current directory upwards to the project root, as ruff does: the first
directory with a ``.kpiaudit.toml``, a ``pyproject.toml`` with ``[tool.kpiaudit]``, or ``.git``
is the project root, so that ``kpiaudit lint`` works from any subdirectory (even from inside
``measures/``) and never picks up settings from outside the repository. Unknown keys and bad
values are errors (exit 2), never silently ignored. A pyproject.toml that cannot hold
``[tool.kpiaudit]`` is passed over without being parsed (see :func:`_read`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .i18n import LANGUAGES, _
from .load import Problem, read_bounded
from .model import SEVERITIES, Severity
from .rules import RULES, always_rule, is_selector, resolve

KEYS = {"select", "ignore", "severity", "per-file-ignores", "measures", "base-date", "lang"}


class ConfigError(Exception):
    pass


@dataclass
class Config:
    """The project's settings (``.kpiaudit.toml`` or ``[tool.kpiaudit]``), defaults filled in."""

    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    measures: Path | None = None
    base_date: date | None = None
    lang: str | None = None  # the project's language (see kpiaudit.i18n.choose_language)
    source: str = ""  # the file the settings came from, for messages
    # The project root (see the module's docstring); None when none was found up to /.
    root: Path | None = None

    def severity_of(self, code: str) -> Severity:
        return self.severity.get(code, RULES[code].severity)


def find_project(start: Path) -> tuple[Path | None, tuple[Path, dict[str, Any]] | None]:
    """(the project root, its configuration file and settings) walking up from ``start``."""
    for directory in [start, *start.parents]:
        dedicated = directory / ".kpiaudit.toml"
        if dedicated.is_file():
            return directory, (dedicated, _read(dedicated))
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            tool = _read(pyproject, only_if_ours=True).get("tool", {})
            if isinstance(tool, dict) and "kpiaudit" in tool:
                return directory, (pyproject, tool["kpiaudit"])
        if (directory / ".git").exists():  # a directory, or a file in a git worktree
            return directory, None
    return None, None


def _read(path: Path, *, only_if_ours: bool = False) -> dict[str, Any]:
    """The TOML document at ``path``. ``only_if_ours``: empty for a pyproject.toml that
    cannot hold ``[tool.kpiaudit]``, as most configure other tools only: importing the TOML
    parser and parsing is a few milliseconds of every one-file run. It can hold it if the key
    is spelled out, if a backslash could spell it in an escaped key (``"kpi\\u0061udit"``), or
    if a NUL byte says the file is not UTF-8, which the parser then reports."""
    # A pull request may make the file a FIFO or a link to /dev/zero: only a regular file is
    # read, and at most as much of it as of a measure.
    raw = read_bounded(path)
    if isinstance(raw, Problem):
        raise ConfigError(f"{path}: {_(RULES[raw.code].template(raw.key)).format(**raw.args)}")
    if only_if_ours and not any(mark in raw for mark in (b"kpiaudit", b"\\", b"\0")):
        return {}
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except ValueError as exc:  # not UTF-8, TOMLDecodeError, or a number too long to convert
        raise ConfigError(f"{path}: {exc}") from exc  # the TOML parser's own words


def load_config(start: Path | None = None, explicit: Path | None = None) -> Config:
    root: Path | None
    found: tuple[Path, dict[str, Any]] | None
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(_("{path}: no such configuration file").format(path=explicit))
        raw = _read(explicit)
        if explicit.name == "pyproject.toml":
            tool = raw.get("tool", {})
            raw = tool.get("kpiaudit", {}) if isinstance(tool, dict) else {}
        root, found = explicit.resolve().parent, (explicit, raw)
    else:
        root, found = find_project((start or Path.cwd()).resolve())
    if found is None:
        return Config(root=root)
    path, raw = found
    config = parse_config(raw, path)
    config.root = root
    return config


def configured_language(explicit: Path | None = None) -> str | None:
    """``lang`` of the configuration a command run here would read, checked as the command
    will check it (a ConfigError otherwise)."""
    return load_config(explicit=explicit).lang


def parse_config(raw: Any, path: Path) -> Config:
    where = str(path)
    if not isinstance(raw, dict):  # [tool] kpiaudit = 5
        raise ConfigError(
            _("{where}: the kpiaudit settings must be a table, e.g. [tool.kpiaudit]").format(
                where=where
            )
        )
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        raise ConfigError(
            _("{where}: unknown key(s) {keys}; known: {known}").format(
                where=where, keys=", ".join(unknown), known=", ".join(sorted(KEYS))
            )
        )
    cfg = Config(source=where)
    if "select" in raw:
        cfg.select = _codes(raw["select"], "select", where)
    if "ignore" in raw:
        cfg.ignore = _codes(raw["ignore"], "ignore", where, skipping=True)
    sev = raw.get("severity", {})
    if not isinstance(sev, dict):
        raise ConfigError(
            _('{where}: severity must be a table, e.g. severity = {{ K103 = "warning" }}').format(
                where=where
            )
        )
    for key, level in sev.items():
        rule = resolve(key)
        if rule is None:
            raise ConfigError(
                _("{where}: severity: unknown rule {key!r}").format(where=where, key=key)
            )
        if rule.always:
            raise ConfigError(f"{where}: severity: {always_message(rule.code)}")
        if level not in SEVERITIES:
            raise ConfigError(
                _("{where}: severity.{key}: {level!r} is not one of {choices}").format(
                    where=where, key=key, level=level, choices=", ".join(SEVERITIES)
                )
            )
        cfg.severity[rule.code] = level
    pfi = raw.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError(
            _("{where}: per-file-ignores must be a table of glob = [codes]").format(where=where)
        )
    for glob, codes in pfi.items():
        cfg.per_file_ignores[glob] = _codes(codes, f"per-file-ignores.{glob}", where, skipping=True)
    if "measures" in raw:
        if not isinstance(raw["measures"], str):
            raise ConfigError(_("{where}: measures must be a path string").format(where=where))
        cfg.measures = (path.parent / raw["measures"]).resolve()
    if "base-date" in raw:
        value = raw["base-date"]
        if isinstance(value, datetime):  # a date is the day plans are read against, no time
            raise ConfigError(
                _(
                    "{where}: base-date: {value} has a time of day; write the date only, e.g. "
                    "base-date = {day}"
                ).format(where=where, value=value.isoformat(), day=value.date().isoformat())
            )
        if isinstance(value, date):
            cfg.base_date = value
        else:
            try:
                cfg.base_date = date.fromisoformat(str(value))
            except ValueError as exc:
                raise ConfigError(
                    _("{where}: base-date: {value!r} is not YYYY-MM-DD").format(
                        where=where, value=value
                    )
                ) from exc
    if "lang" in raw:
        if raw["lang"] not in LANGUAGES:
            raise ConfigError(
                _("{where}: lang: {value!r} is not one of {choices}").format(
                    where=where, value=raw["lang"], choices=", ".join(LANGUAGES)
                )
            )
        cfg.lang = raw["lang"]
    return cfg


def always_message(code: str) -> str:
    """Why an always-reported rule cannot be ignored or turned into a warning."""
    from .i18n import _

    return _(
        "{code} ({name}) is always reported as an error: it says a file could not be checked "
        "or was left out, which no configuration can make true"
    ).format(code=code, name=RULES[code].name)


def _codes(value: Any, key: str, where: str, *, skipping: bool = False) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            _('{where}: {key} must be a list of rule codes, e.g. ["K102"]').format(
                where=where, key=key
            )
        )
    for v in value:
        if not is_selector(v):
            raise ConfigError(
                _("{where}: {key}: unknown rule {value!r} (see `kpiaudit rules`)").format(
                    where=where, key=key, value=v
                )
            )
        rule = always_rule(v) if skipping else None
        if rule is not None:
            raise ConfigError(f"{where}: {key}: {always_message(rule.code)}")
    return list(value)
