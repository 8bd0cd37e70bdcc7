"""The one call behind ``kpiaudit report``: audit, document, site, write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Config
from .document import build_document
from .site import build_site
from .write import write_site

if TYPE_CHECKING:
    from ..audit import Progress


@dataclass(frozen=True)
class Summary:
    out: Path
    files: int
    size: int  # bytes
    measures: int
    kpis: int
    compliance: float
    files_left_out: int


def make_report(
    paths: Sequence[Path],
    config: Config,
    out: Path,
    *,
    lang: str,
    today: date,
    force: bool = False,
    progress: Progress | None = None,
) -> Summary:
    """Audit ``paths`` (the rules of the day judged on ``today``, as the report is) and replace
    ``out`` with the report. Raises OutputRefused (nothing is written) or OSError (nothing is
    changed)."""
    from ..audit import audit

    document = build_document(audit(paths, config, today, progress=progress).single(), today)
    files = build_site(document, lang)
    written = write_site(out, files, force=force, protect=paths)
    return Summary(
        out=written,
        files=len(files),
        size=sum(len(b) for b in files.values()),
        measures=document.total.measures,
        kpis=document.total.kpis,
        compliance=document.total.compliance,
        files_left_out=document.files_left_out,
    )
