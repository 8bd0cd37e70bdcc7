"""The fuzzer behind tests/test_fuzz.py and benchmarks/fuzz.py: mutated copies of the real
measure files, under hostile names, in plan directories, run through lint (and status and due)
in-process, with the invariants every run must keep.

A corpus is a pure function of its seed: a failure prints the seed and the batch, and
``python benchmarks/fuzz.py --seed S --keep DIR`` writes the same files again to look at.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import shutil
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kpiaudit.cli import main

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "measures").glob("[0-9]*.yaml")) + sorted(
    (ROOT / "examples" / "measures").glob("[0-9]*.yaml")
)
PLAN = (ROOT / "measures" / "plan.yaml").read_bytes()

# Values that have broken something somewhere: escapes, forged workflow commands, markup,
# formulas, numbers Python will not convert, odd YAML, pathological KPI texts.
PAYLOADS: list[str] = [
    '"\\e]8;;https://evil.example\\a click \\e]8;;\\a"',
    '"x\\n::error title=pwned::forged\\n::add-mask::secret"',
    '"\\e[2J\\e[31mred\\x9b31m\\x7f"',
    '"abc\\u202edcba\\u2066x\\u2069\\u200b\\u2028\\ufeff\\u0600\\U000e0041\\U0001d173"',
    "'[/] [link=https://evil.example]click[/link] [bold red]x'",
    '\'=HYPERLINK("https://evil.example","x")\'',
    "'-2+3'",
    "'@SUM(A1)'",
    "'a | b | c'",
    "'::add-mask::secret'",
    "'##[error]forged'",
    "!x%0A::error%20title=pwned::X y",
    "!!python/object/apply:os.system ['true']",
    "9" * 4301,
    "1" * 5000 + ".5",
    "1e400",
    "-1e400",
    ".nan",
    "null",
    "~",
    "''",
    '"1-4\\n"',
    '"P1\\n"',
    "'0000-01-01'",
    "'9999-12-31'",
    "&a [x, *a]",
    "*nowhere",
    "[" * 200 + "]" * 200,
    "{" * 70 + "}" * 70,
    "'" + "x" * 20_000 + "'",
    "'今年度末までに30件、来年度に40件、今冬に50件、前年度 10件'",
    "'" + "（令和3年度 963件）" * 40 + "'",
    "'" + "令和６年度（2024年度）末までに99.85％、" * 30 + "'",
    "'" + "（" * 300 + "'",
    "'" + "令和" * 200 + "'",
    "'％以上" * 50 + "'",
    "'未設定'",
    "|-\n  block\n  \x1b\n",
    "{value: 1e400, unit: 件, comparison: '=', text: 963件}",
    "[{target: {value: null, unit: '', comparison: '~', text: x}}]",
    "'# kpiaudit: ignore[K102] not a comment'",
]
NAME_PAYLOADS: list[str] = [
    "\x1b]8;;x\x07click\x1b]8;;\x07",
    "\n::error title=pwned::x",
    "\u202eabc",
    "\U000e0041\u0600",
    "\u200b",
    "%0A::warning::x",
    " a b",
    "#frag",
    "50%",
    "施策",
    "\r",
    "\\x1b",
    "[link=x]",
    "=cmd",
]
BYTES = [
    b"\x00",
    b"\x1b",
    b"\xff",
    b"\xc3",
    b"\r",
    b"\n",
    b"\t",
    b":",
    b"- ",
    b"[",
    b"{",
    b"&a ",
    b"*a",
    b"!",
    b"%",
    b"#",
    b'"',
    b"'",
    b"|",
    b">",
    b"<<: ",
    b"? ",
    b"\xe2\x80\xae",
    b"\x85",
]
_VALUE_LINE = re.compile(rb"(?m)^(\s*-?\s*[a-z_]+:)[ ]?(.*)$")
_SGR = re.compile(r"\x1b\[[0-9;]*m")  # our own colours, in a coloured table


_TEXT_LINE = re.compile(rb"(?m)^(\s*-?\s*(?:title|text|unset_reason):)[ ]?(.*)$")
TEXTS = [p for p in PAYLOADS if p[:1] in "'\""]  # quoted: the file stays valid YAML


def mutate(raw: bytes, rng: random.Random) -> bytes:
    """One to three mutations of a measure file. Half of them put a payload into a title or a
    KPI's text and keep the file valid (so that rules, status and due show it); the rest
    replace any value, insert, delete, duplicate or swap bytes and lines, or change the
    encoding and line ends."""
    for _ in range(rng.randint(1, 3)):
        kind = rng.random()
        if kind < 0.5:
            lines = list(_TEXT_LINE.finditer(raw))
            if lines:
                m = rng.choice(lines)
                raw = raw[: m.start(2)] + rng.choice(TEXTS).encode("utf-8") + raw[m.end(2) :]
        elif kind < 0.65:
            lines = list(_VALUE_LINE.finditer(raw))
            if lines:
                m = rng.choice(lines)
                payload = rng.choice(PAYLOADS).encode("utf-8")
                raw = raw[: m.start(2)] + payload + raw[m.end(2) :]
        elif kind < 0.75 and raw:
            at = rng.randrange(len(raw) + 1)
            raw = raw[:at] + rng.choice(BYTES) + raw[at:]
        elif kind < 0.8 and raw:
            a = rng.randrange(len(raw))
            b = min(len(raw), a + rng.randint(1, 40))
            raw = raw[:a] + raw[b:]
        elif kind < 0.85 and raw:
            a = rng.randrange(len(raw))
            b = min(len(raw), a + rng.randint(1, 200))
            raw = raw[:b] + raw[a:b] + raw[b:]
        elif kind < 0.9:
            lines_ = raw.split(b"\n")
            if len(lines_) > 2:
                i, j = rng.randrange(len(lines_)), rng.randrange(len(lines_))
                lines_[i], lines_[j] = lines_[j], lines_[i]
                raw = b"\n".join(lines_)
        elif kind < 0.94:
            raw = raw.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\n"]))
        elif kind < 0.97:
            raw = rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"---\n", b"%YAML 1.1\n---\n"]) + raw
        else:
            with contextlib.suppress(UnicodeError):
                raw = raw.decode("utf-8").encode(rng.choice(["shift_jis", "euc_jp", "utf-16"]))
    return raw


def file_name(i: int, rng: random.Random) -> str:
    """A measure file name that never matches its id (so every file has a finding, E007 at
    least), hostile one time in five."""
    suffix = rng.choice(NAME_PAYLOADS) if rng.random() < 0.2 else ""
    return f"f{i:05d}{suffix}{rng.choice(['.yaml', '.yml'])}"


TABLE_FORMATS = ("plain", "markdown", "table", "github", "csv", "json")
SHOWN = 2  # measures of each batch run through kpiaudit show
_PAYLOAD = re.compile(rb"\\[enux]|::")  # an escape in a quoted YAML value, or a :: command


@dataclass
class Batch:
    directory: Path
    number: int
    paths: set[str] = field(default_factory=set)  # as lint names them


def write_batch(directory: Path, first: int, count: int, rng: random.Random) -> Batch:
    """A plan directory of ``count`` mutated measures, plus now and then a special file."""
    directory.mkdir(parents=True)
    plan = PLAN
    if rng.random() < 0.3:  # its title and chapter titles are shown by status
        plan = mutate(plan.replace(b"\n  - number", b"\n  - title: x\n    number"), rng)
    elif rng.random() < 0.15:  # relative dates read against the ends of the calendar
        day = rng.choice([b"'9999-12-31'", b"'9999-03-31'", b"'0001-01-01'", b"'0001-06-01'"])
        plan = re.sub(rb"(?m)^base_date: .*$", b"base_date: " + day, plan)
    (directory / "plan.yaml").write_bytes(plan)
    batch = Batch(directory, first // count if count else 0)
    for i in range(first, first + count):
        path = directory / file_name(i, rng)
        path.write_bytes(mutate(rng.choice(SOURCES).read_bytes(), rng))
        batch.paths.add(path.as_posix())
    specials: list[tuple[str, Callable[[Path], None]]] = [
        ("link-out.yaml", lambda p: p.symlink_to("/etc/hostname")),
        ("broken.yaml", lambda p: p.symlink_to(directory / "nowhere")),
        ("dir.yaml", lambda p: p.mkdir()),
        ("fifo.yaml", lambda p: os.mkfifo(p)),
    ]
    name, make = specials[first // count % len(specials)]
    special = directory / f"f{first:05d}-{name}"
    with contextlib.suppress(OSError, AttributeError):
        make(special)
        batch.paths.add(special.as_posix())
    if rng.random() < 0.5:  # a name that is not UTF-8
        raw = os.fsencode(directory) + b"/f%05d\xff\xfe.yaml" % first
        with open(raw, "wb") as fh:
            fh.write(mutate(rng.choice(SOURCES).read_bytes(), rng))
        batch.paths.add(Path(os.fsdecode(raw)).as_posix())
    return batch


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """kpiaudit in-process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return code, out.getvalue(), err.getvalue()


# The oracle, independent of kpiaudit's own list: controls, format characters (bidi,
# zero-width, tags), line and paragraph separators, lone surrogates.
_ACTING = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs"))


def raw_controls(text: str) -> list[str]:
    """Characters that would act, besides line ends (a diff of a CRLF file keeps its CRLF)
    and our own colours."""
    text = _SGR.sub("", text).replace("\r\n", "\n")
    return [c for c in text if c != "\n" and unicodedata.category(c) in _ACTING]


def commands(text: str) -> list[str]:
    """Lines a GitHub runner would read as workflow commands (it trims leading space first)."""
    return [ln for ln in text.split("\n") if ln.lstrip().startswith(("::", "##["))]


def check_batch(batch: Batch, *, fix: bool = True) -> list[str]:
    """Every invariant, for one batch: what broke (empty when nothing did). ``fix``: also run
    fix --diff and fix (the slowest part)."""
    broken: list[str] = []
    d = str(batch.directory)

    def no_crash(what: str, code: int, err: str, codes: tuple[int, ...]) -> None:
        if code not in codes or "internal error" in err or "Traceback" in err:
            broken.append(f"{what}: exit {code}: {err[-500:]}")

    code, out, err = run(["lint", d, "-f", "json"])
    no_crash("lint -f json", code, err, (0, 1))
    try:
        findings = json.loads(out)
    except ValueError as exc:
        return [*broken, f"lint -f json is not JSON: {exc}"]
    seen = {f["path"] for f in findings}
    if batch.paths - seen:
        broken.append(f"files missing from the result: {sorted(batch.paths - seen)[:5]!r}")
    if raw_controls(out):
        broken.append("lint -f json holds a raw control character")
    for fmt in ("text", "github", "sarif"):
        code, out, err = run(["lint", d, "-f", fmt])
        no_crash(f"lint -f {fmt}", code, err, (0, 1))
        if raw_controls(out + err):
            broken.append(f"lint -f {fmt}: raw control characters {raw_controls(out + err)[:5]!r}")
        if fmt in ("text", "github") and len(out.splitlines()) != len(findings):
            broken.append(f"lint -f {fmt}: {len(out.splitlines())} lines, {len(findings)} findings")
        if fmt == "text" and commands(out + err):
            broken.append(f"lint -f text: forged workflow commands {commands(out + err)[:2]!r}")
        if fmt == "sarif":
            try:
                json.loads(out)
            except ValueError as exc:
                broken.append(f"lint -f sarif is not JSON: {exc}")
    # status and due (whose tables show titles and wordings) in one format per batch, in turn.
    fmt = TABLE_FORMATS[batch.number % len(TABLE_FORMATS)]
    env = {"FORCE_COLOR": "1"} if fmt == "table" else None
    # --allow-broken: the tables are printed over a plan with broken files too (with a list of
    # what was left out), so that what they show of the files is checked as well.
    for command in (["status", "-c", "1"], ["due", "--include-recurring"]):
        code, out, err = run([*command, d, "-f", fmt, "--allow-broken"], env)
        no_crash(f"{' '.join(command)} -f {fmt}", code, err, (0, 2))
        if fmt == "json" and code == 0:
            try:
                json.loads(out)
            except ValueError as exc:
                broken.append(f"{' '.join(command)} -f json is not JSON: {exc}")
        elif raw_controls(out + err) or commands(out):
            broken.append(f"{' '.join(command)} -f {fmt}: raw control characters or commands")
    # show, in plain text (a CI log) or on a terminal in turn, of a few measures that loaded,
    # those whose file holds an escaped payload first.
    loaded = {f["measure"]: f["path"] for f in findings if f["measure"] and f["code"] >= "E007"}
    ranked = sorted(loaded, key=lambda m: (not _PAYLOAD.search(Path(loaded[m]).read_bytes()), m))
    style = ("plain", "table")[batch.number % 2]
    env = {"FORCE_COLOR": "1"} if style == "table" else None
    for measure in ranked[:SHOWN]:
        code, out, err = run(["show", measure, d, "-f", style], env)
        no_crash(f"show {measure} -f {style}", code, err, (0, 2))
        if raw_controls(out + err) or commands(out):
            broken.append(f"show {measure} -f {style}: raw control characters or commands")
    if not fix:
        return broken
    # fix: what it would change, then changing it. A file that loaded before still does.
    code, out, err = run(["fix", "--diff", d])
    no_crash("fix --diff", code, err, (0, 1))
    if raw_controls(out + err):
        broken.append("fix --diff: raw control characters")
    loads = {f["path"] for f in findings if f["code"] < "E007"}
    code, out, err = run(["fix", d])
    no_crash("fix", code, err, (0, 1))
    code, out, err = run(["lint", d, "-f", "json"])
    no_crash("lint after fix", code, err, (0, 1))
    spoiled = {f["path"] for f in json.loads(out) if f["code"] < "E007"} - loads
    if spoiled:
        broken.append(f"fix made files unreadable: {sorted(spoiled)[:5]!r}")
    return broken


def batches(root: Path, files: int, per_batch: int, seed: int) -> Iterator[Batch]:
    rng = random.Random(seed)
    for first in range(0, files, per_batch):
        directory = root / f"batch{first // per_batch:04d}"
        yield write_batch(directory, first, min(per_batch, files - first), rng)


def remove(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)
