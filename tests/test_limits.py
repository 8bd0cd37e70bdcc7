"""What one hostile measure file can cost (issue 11, items 6, 8 and 9): lint reads only regular
files of the tree it checks, reads them with a bound, quotes short excerpts, bounds aliases,
nesting and findings, and never lets one file stop the others."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kpiaudit.cli import main

from .conftest import ROOT

GOOD = (ROOT / "examples" / "measures" / "01-01.yaml").read_bytes()


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    d = tmp_path / "plan"
    d.mkdir()
    (d / "plan.yaml").write_bytes((ROOT / "examples" / "measures" / "plan.yaml").read_bytes())
    (d / "01-01.yaml").write_bytes(GOOD)
    return d


def lint_json(args: list[str], capsys) -> tuple[int, list[dict]]:
    code = main(["lint", *args, "--format", "json"])
    out, err = capsys.readouterr()
    assert "internal error" not in err, err
    return code, json.loads(out)


def lint_subprocess(args: list[str], memory: int | None = None) -> subprocess.CompletedProcess:
    """lint in a process of its own: for inputs that used to block, crash or eat the memory
    of the process running them. The timeout only keeps a hang from hanging the suite."""

    def limit() -> None:
        if memory is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-m", "kpiaudit", "lint", *args, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
        check=False,
    )


# --- 6: symbolic links and special files ------------------------------------------------------


def test_a_link_out_of_the_tree_is_not_followed_and_its_content_not_quoted(
    plan: Path, tmp_path: Path, capsys
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("AWS_SECRET=hunter2\n", encoding="utf-8")
    (plan / "01-02.yaml").symlink_to(secret)
    (plan / "src").mkdir()
    (plan / "src" / "copy.txt").write_bytes(GOOD)
    (plan / "01-03.yaml").symlink_to(plan / "src" / "copy.txt")  # inside the tree: followed
    code, findings = lint_json([str(plan)], capsys)
    assert code == 1
    assert "hunter2" not in json.dumps(findings)
    mine = [(Path(f["path"]).name, f["code"], f["message"]) for f in findings]
    assert (
        "01-02.yaml",
        "E003",
        "symbolic link out of the directory being checked; not followed",
    ) in mine
    assert {(n, c) for n, c, _ in mine} == {
        ("01-02.yaml", "E003"),
        ("01-03.yaml", "E007"),
        ("01-03.yaml", "E008"),
    }


def test_a_file_named_is_read_only_within_its_own_directory(
    plan: Path, tmp_path: Path, capsys
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("token: hunter2\n", encoding="utf-8")
    (plan / "01-02.yaml").symlink_to(secret)
    _, findings = lint_json([str(plan / "01-02.yaml")], capsys)
    assert [f["code"] for f in findings] == ["E003"] and "hunter2" not in json.dumps(findings)


def test_a_fifo_is_reported_without_blocking(plan: Path) -> None:
    os.mkfifo(plan / "01-02.yaml")
    done = lint_subprocess([str(plan)])
    findings = json.loads(done.stdout)
    assert [(Path(f["path"]).name, f["message"]) for f in findings] == [
        ("01-02.yaml", "a named pipe (FIFO), not a file")
    ]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_is_not_read(plan: Path) -> None:
    """A link to /dev/zero used to be read to the end before the size check: MemoryError at
    2 GB. Named on the command line (its directory is the tree) it is still never read."""
    (plan / "01-02.yaml").symlink_to("/dev/zero")
    for path, message in (
        (plan, "symbolic link out of the directory being checked; not followed"),
        (Path("/dev/zero"), "a device, not a file"),
    ):
        done = lint_subprocess([str(path)], memory=1 << 30)
        assert done.returncode == 1, done.stderr
        assert [f["message"] for f in json.loads(done.stdout) if f["code"] != "E010"] == [message]


def test_a_large_value_is_quoted_as_a_short_excerpt(plan: Path, capsys) -> None:
    (plan / "01-02.yaml").write_bytes(
        GOOD.replace(b"1-1", b"1-2").replace(b"chapter: 1", b"chapter: '" + b"x" * 10_000 + b"'")
    )
    _, findings = lint_json([str(plan)], capsys)
    (message,) = [f["message"] for f in findings if f["path"].endswith("01-02.yaml")]
    assert message.startswith("chapter: must be integer, not str 'xxx") and len(message) < 200


# --- 8: memory and output -----------------------------------------------------------------------


def test_aliases_are_bounded_by_the_characters_they_expand_to(plan: Path, capsys) -> None:
    """Each alias of a large string used to be repr()'d into a message of its own."""
    big = b"x" * 200_000
    aliases = b", ".join([b"*a"] * 300)
    (plan / "01-02.yaml").write_bytes(b"a: &a '" + big + b"'\nkpis: [" + aliases + b"]\n")
    code = main(["lint", str(plan), "--format", "json"])
    out = capsys.readouterr().out
    assert code == 1 and len(out) < 5_000
    assert [f["message"] for f in json.loads(out)] == [
        "more than 10,000,000 characters after expanding aliases (alias bomb?)"
    ]


def test_findings_per_file_are_capped_and_the_rest_counted(plan: Path, capsys) -> None:
    ones = b", ".join([b"1"] * 1000)
    (plan / "01-02.yaml").write_bytes(GOOD.replace(b"kpis:", b"kpis: [" + ones + b"]\nx:"))
    _, findings = lint_json([str(plan)], capsys)
    assert len(findings) == 101 and all(f["path"].endswith("01-02.yaml") for f in findings)
    assert findings[-1]["code"] == "E011"
    assert findings[-1]["message"] == (
        "901 more finding(s) in this file not reported (at most 100 per file)"
    )


def test_duplicate_keys_beyond_the_cap_are_counted_not_kept(plan: Path, capsys) -> None:
    (plan / "01-02.yaml").write_bytes(b"a: 1\n" * 50_000)
    _, findings = lint_json([str(plan)], capsys)
    assert len(findings) == 101
    assert findings[-1]["message"].startswith("49,899 more finding(s)")


# --- 9: one file never stops the others ---------------------------------------------------------


def test_a_4301_digit_integer_is_a_finding(plan: Path, capsys) -> None:
    (plan / "01-02.yaml").write_bytes(GOOD.replace(b"1-1", b"1-2") + b"x: " + b"9" * 4301 + b"\n")
    (plan / "01-03.yaml").write_bytes(GOOD)
    code, findings = lint_json([str(plan)], capsys)
    got = {(Path(f["path"]).name, f["code"]) for f in findings}
    assert code == 1 and ("01-02.yaml", "E006") in got and ("01-03.yaml", "E008") in got
    (number,) = [f for f in findings if f["code"] == "E006"]
    assert number["line"] == GOOD.count(b"\n") + 1 and "digits" in number["message"]


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deep_nesting_is_a_finding_not_a_crash(plan: Path, depth: int) -> None:
    """100,000 nested [ overflowed libyaml's C stack: the whole run died (SIGSEGV)."""
    (plan / "01-02.yaml").write_bytes(b"a: " + b"[" * depth + b"]" * depth + b"\n")
    done = lint_subprocess([str(plan)])
    assert done.returncode == 1, done.stderr
    assert [f["message"] for f in json.loads(done.stdout)] == ["nesting is deeper than 64 levels"]


def test_a_control_character_is_reported_where_it_is(plan: Path, capsys) -> None:
    """libyaml's reader error used to be reported at 1:1 whatever line the character was on."""
    lines = GOOD.split(b"\n")
    lines[14] = lines[14].replace(b"20", b"2\x1b0", 1)
    (plan / "01-01.yaml").write_bytes(b"\n".join(lines))
    _, findings = lint_json([str(plan)], capsys)
    assert [(f["line"], f["column"], f["code"], f["message"]) for f in findings] == [
        (15, 26, "E001", "unacceptable character U+001B: control characters are not allowed")
    ]


def no_internal_error(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    assert "internal error" not in err and "Traceback" not in err, err
    return code, out, err


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        ("[tool]\nkpiaudit = 5\n", "the kpiaudit settings must be a table"),
        ("[tool.kpiaudit]\nbase-date = 2022-06-07T00:00:00\n", "has a time of day"),
        ("[tool.kpiaudit]\nbase-date = 2022-06-07T09:00:00+09:00\n", "has a time of day"),
        ("[tool.kpiaudit]\nbase-date = " + "9" * 4400 + "\n", "4300 digits"),
    ],
)
def test_odd_configuration_is_a_usage_error(
    plan: Path, tmp_path: Path, capsys, monkeypatch, toml: str, says: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(toml, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for config in ([], ["--config", "pyproject.toml"]):
        code, _, err = no_internal_error(["lint", str(plan), *config], capsys)
        assert code == 2 and says in err, err


RELATIVE = """\
id: 1-3
chapter: 1
title: 施策
objective: ''
kpis:
  - id: P1
    kind: progress
    status: set
    text: 対応件数（来年度末までに30件、今冬に40件、今年度に50件、前年度 10件）
"""


@pytest.mark.parametrize("base", ["9999-12-31", "9999-03-31", "0001-01-01", "0001-06-01"])
def test_relative_dates_near_the_ends_of_the_calendar(plan: Path, capsys, base: str) -> None:
    """来年度 of a plan decided in 9999 (or 前年度 in year 1) is outside the calendar."""
    text = (plan / "plan.yaml").read_text(encoding="utf-8")
    (plan / "plan.yaml").write_text(
        "\n".join(
            f"base_date: '{base}'" if ln.startswith("base_date:") else ln for ln in text.split("\n")
        ),
        encoding="utf-8",
    )
    (plan / "01-03.yaml").write_text(RELATIVE, encoding="utf-8")
    for command in (["lint"], ["status"], ["due", "--include-recurring"], ["fix", "--diff"]):
        code, _, _ = no_internal_error([*command, str(plan)], capsys)
        assert code in (0, 1)


@pytest.mark.parametrize("before", ["0000", "0000-01", "0000-01-01"])
def test_due_before_year_zero_is_a_usage_error(plan: Path, capsys, before: str) -> None:
    code, _, err = no_internal_error(["due", str(plan), "--before", before], capsys)
    assert code == 2 and "year 0 is out of range" in err


@pytest.mark.parametrize(
    ("baseline", "says"),
    [
        ('{"version": 1, "findings": {"1-2.P1:K102": null}}', "not None"),
        ('{"version": 1, "findings": {"1-2.P1:K102": 1e400}}', "not inf"),
        ('{"version": 1, "findings": {"1-2.P1:K102": "1"}}', "not '1'"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_odd_baseline_values_are_a_usage_error(
    plan: Path, tmp_path: Path, capsys, baseline: str, says: str
) -> None:
    known = tmp_path / "baseline.json"
    known.write_text(baseline, encoding="utf-8")
    code, _, err = no_internal_error(["lint", str(plan), "--baseline", str(known)], capsys)
    assert code == 2 and says in err, err


def test_kpi_baselines_and_targets_of_odd_values(plan: Path, capsys) -> None:
    (plan / "01-01.yaml").write_bytes(
        GOOD.replace(b"value: 20,", b"value: 1e400,").replace(b"value: 50,", b"value: null,")
        + b"    baselines:\n      - {text: x, value: -1e400}\n      - {text: y, value: null}\n"
    )
    for command in (["lint"], ["status"], ["due"], ["fix", "--diff"], ["lint", "-f", "sarif"]):
        code, out, _ = no_internal_error([*command, str(plan)], capsys)
        assert code in (0, 1)
        if command[-1] == "sarif":
            json.loads(out)


def test_a_directory_that_cannot_be_listed_stops_no_other(
    plan: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    """As root (CI) chmod 0 does not stop listing, so EACCES is simulated."""
    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, _ = no_internal_error(["lint", str(locked), str(plan), "-f", "json"], capsys)
    findings = [(Path(f["path"]).name, f["code"], f["message"]) for f in json.loads(out)]
    assert code == 1
    assert findings == [("locked", "E003", "cannot list the directory: Permission denied")]


EXAMPLES = str(ROOT / "examples" / "measures")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "command",
    [
        ["lint", EXAMPLES],
        ["lint", "-f", "sarif", EXAMPLES],
        ["status", EXAMPLES],
        ["due", EXAMPLES],
        ["lint", "--help"],  # argparse exits, its text still in the buffer
        ["rules"],  # through typer
    ],
)
@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_output_to_a_full_disk_is_an_error_not_a_traceback(command, unbuffered: str) -> None:
    """Exit 2 with the reason, never a traceback nor a silent 0; buffered, as in CI, and
    unbuffered (PYTHONUNBUFFERED=1), where argparse used to drop the error writing --help."""
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "kpiaudit", *command],
            env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
            | ({"PYTHONUNBUFFERED": unbuffered} if unbuffered else {}),
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert "cannot write the output: No space left on device" in done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_the_files_beside_the_measures_are_read_with_the_same_care(
    plan: Path, tmp_path: Path
) -> None:
    """A pull request can make the baseline or pyproject.toml a FIFO or a link to /dev/zero:
    lint used to block or read without end."""
    fifo = tmp_path / "baseline.json"
    os.mkfifo(fifo)
    done = lint_subprocess([str(plan), "--baseline", str(fifo)])
    assert done.returncode == 2 and "a named pipe (FIFO), not a file" in done.stderr
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    done = lint_subprocess([str(plan), "--baseline", str(link)], memory=1 << 30)
    assert done.returncode == 2 and "symbolic link out of the directory" in done.stderr
    (tmp_path / "pyproject.toml").symlink_to("/dev/zero")
    done = subprocess.run(
        [sys.executable, "-m", "kpiaudit", "lint", str(plan)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        preexec_fn=lambda: __import__("resource").setrlimit(
            __import__("resource").RLIMIT_AS, (1 << 30, 1 << 30)
        ),
        check=False,
    )
    assert done.returncode == 0, done.stderr  # not a configuration file: none is used


def test_writing_never_replaces_what_is_not_a_regular_file(
    plan: Path, tmp_path: Path, capsys
) -> None:
    """--write-baseline over a FIFO (as root: over /dev/full) turned it into a regular file."""
    fifo = tmp_path / "known.json"
    os.mkfifo(fifo)
    code = main(["lint", str(plan), "--write-baseline", str(fifo)])
    err = capsys.readouterr().err
    # Refused when the old baseline is read (to merge into it) or when it would be replaced.
    assert code == 2 and ("(FIFO), not a file" in err or "is not a regular file" in err)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_counting_beyond_the_cap_stops_and_says_so() -> None:
    from kpiaudit.audit.check import COUNTED, MAX_FINDINGS, capped
    from kpiaudit.audit.findings import finding

    many = (
        finding("x.yaml", i, 1, "E005", args={"key": "k", "first": 1}) for i in range(1, 30_000)
    )
    got = capped("x.yaml", many)
    assert len(got) == MAX_FINDINGS + 1 and got[-1].code == "E011"
    assert got[-1].message == (
        f"more than {COUNTED + 1:,} more findings in this file not reported (at most "
        f"{MAX_FINDINGS} per file); checking stopped"
    )
