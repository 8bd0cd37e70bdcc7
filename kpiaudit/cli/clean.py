"""``kpiaudit clean``: remove the project's result cache."""

from __future__ import annotations

import sys
from pathlib import Path

from ..i18n import N_, _
from .common import EXIT_OK, fail, shown_path
from .options import ConfigOpt

HELP = N_(
    "Remove the result cache (.kpiaudit_cache/ in the project root). It is made again by the "
    "next lint, status, due or progress; --no-cache runs them without it."
)


def clean(config_file: ConfigOpt = None) -> int:
    from ..audit.cache import CACHE_DIR
    from ..audit.cache import clean as remove
    from ..config import ConfigError, load_config

    try:
        config = load_config(explicit=config_file)
    except ConfigError as exc:
        fail(str(exc))
    root = config.root or Path.cwd()
    where = shown_path((root / CACHE_DIR).as_posix(), config.root)
    try:
        removed = remove(root)
    except ValueError:
        fail(
            _(
                "{path} is not a directory of yours that kpiaudit could have made (a link, a "
                "file, or another user's): left as it is"
            ).format(path=where)
        )
    except OSError as exc:
        fail(_("{path}: cannot remove: {reason}").format(path=where, reason=exc.strerror or exc))
    if removed:
        print(_("kpiaudit: removed {path}").format(path=where), file=sys.stderr)
    else:
        print(_("kpiaudit: no cache to remove ({path})").format(path=where), file=sys.stderr)
    return EXIT_OK
