"""``kpiaudit report``: a static HTML report of an audit, for people and for static hosts.

audit → :func:`.document.build_document` (plain data) → :func:`.site.build_site` (files as
bytes) → :func:`.write.write_site` (one atomic swap).
"""

from __future__ import annotations

from .document import ReportDocument, build_document
from .site import build_site
from .write import OutputRefused, write_site

__all__ = ["OutputRefused", "ReportDocument", "build_document", "build_site", "write_site"]
