"""``kpiaudit rules``: list the rules, or explain one."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from ..i18n import N_, _
from .common import EXIT_OK, fail

HELP = N_("""List the rules, or explain one: kpiaudit rules K102.""")


def rules(
    code: Annotated[
        str | None,
        typer.Argument(help=N_("A rule code or name (K102, no-quantitative-target) to explain.")),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=N_("text or json."))
    ] = "text",
) -> int:
    from ..reporters.json_out import dump_json
    from ..rules import RULES, Rule, cases, example, resolve

    if output_format not in ("text", "json"):
        fail(_("--format: {value!r} is not text or json").format(value=output_format))
    chosen = list(RULES.values())
    if code is not None:
        rule = resolve(code)
        if rule is None:
            fail(_("unknown rule {code!r}; `kpiaudit rules` lists them").format(code=code))
        chosen = [rule]

    def as_json(r: Rule) -> dict[str, Any]:
        return {
            "code": r.code,
            "name": r.name,
            "severity": r.severity,
            "summary": r.summary,
            "explanation": r.explanation,
            "example": example(r.code),
            "fixable": r.fixable,
            "always": r.always,
            "messages": dict(r.messages),
        }

    if output_format == "json":
        dump_json([as_json(r) for r in chosen], sys.stdout)
        return EXIT_OK
    if code is not None:
        r = chosen[0]
        always = (
            "\n\n"
            + _(
                "Always reported, as an error: no --select, --ignore, severity, suppression or "
                "known finding hides it."
            )
            if r.always
            else ""
        )
        severity = _("default severity")
        caption = _("Example:")
        note = cases(r.code)["fail"].get("note")
        if note:  # what the example shows, when the snippet alone cannot say it
            caption = _("Example ({note}):").format(note=_(str(note)))
        print(
            f"{r.code} {r.name} ({severity}: {r.severity})\n\n{_(r.summary)}\n\n"
            f"{_(r.explanation)}{always}\n\n{caption}\n"
            + "\n".join("    " + ln for ln in example(r.code).split("\n"))
        )
        return EXIT_OK
    for r in chosen:
        severity = _("always") if r.always else r.severity
        print(f"{r.code}  {r.name:<24} {severity:<8} {_(r.summary)}")
    return EXIT_OK
