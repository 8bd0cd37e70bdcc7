"""Hostile and broken input: each ends in a clear finding naming the file, never a traceback,
and the other files are still checked."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpiaudit import importer
from kpiaudit.cli import main

from .conftest import ROOT

GOOD = (ROOT / "examples" / "measures" / "01-01.yaml").read_bytes()
BOMB = b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}]\n".encode()
    for i in range(8)
)


@pytest.fixture(autouse=True)
def plan_yaml(tmp_path: Path) -> None:
    """Every directory of measures is a plan: give the temporary one its plan.yaml."""
    (tmp_path / "plan.yaml").write_bytes(
        (ROOT / "examples" / "measures" / "plan.yaml").read_bytes()
    )


CASES: dict[str, tuple[bytes, str]] = {
    "alias-bomb": (BOMB, "E006"),
    "python-tag": (b"id: !!python/object/apply:os.system ['echo hi']\n", "E006"),
    "custom-tag": (b"id: !secret 1-1\n", "E006"),
    "huge": (b"objective: '" + b"x" * 6_000_000 + b"'\n", "E006"),
    "deep": (b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", "E006"),
    "binary": (bytes(range(256)) * 4, "E002"),
    "shift-jis": ("id: 1-1\ntitle: 施策\n".encode("shift_jis"), "E002"),
    "euc-jp": ("id: 1-1\ntitle: 施策\n".encode("euc_jp"), "E002"),
    "utf-16": ("id: 1-1\ntitle: 施策\n".encode("utf-16"), "E002"),
    "latin-1": ("id: 1-1\ntitle: café\n".encode("latin-1"), "E002"),
    "empty": (b"", "E004"),
    "list": (b"- id: 1-1\n", "E004"),
    "scalar": (b"just text\n", "E004"),
    "duplicate-key": (GOOD + b"chapter: 1\n", "E005"),
    "bare-timestamp": (GOOD.replace(b"date: '2025-03-31'", b"date: 2025-03-31"), None),
    "yaml-syntax": (b"id: [1-1\n", "E001"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_is_a_finding_and_others_are_still_checked(
    tmp_path: Path, capsys, case: str
) -> None:
    raw, code = CASES[case]
    (tmp_path / "01-01.yaml").write_bytes(GOOD)
    bad = tmp_path / "01-02.yaml"
    bad.write_bytes(raw)
    exit_code = main(["lint", str(tmp_path), "--format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    findings = json.loads(out)
    if code is None:  # a bare date stays a string for the schema: no finding
        assert exit_code == 1 and {f["code"] for f in findings} == {"E007", "E008"}
        return
    assert exit_code == 1
    mine = [f for f in findings if f["path"].endswith("01-02.yaml")]
    assert code in [f["code"] for f in mine], findings
    assert not [f for f in findings if f["path"].endswith("01-01.yaml")]


def test_utf8_bom_and_crlf_are_accepted(tmp_path: Path, capsys) -> None:
    p = tmp_path / "01-01.yaml"
    p.write_bytes(b"\xef\xbb\xbf" + GOOD.replace(b"\n", b"\r\n"))
    assert main(["lint", str(p)]) == 0
    capsys.readouterr()


@pytest.mark.parametrize(
    ("encoding", "position", "says"),
    [
        ("shift_jis", "2:8", "it looks like SHIFT-JIS: convert it to UTF-8"),
        ("euc_jp", "2:8", "it looks like EUC-JP: convert it to UTF-8"),
        ("utf-16", "1:1", "UTF-16 text; convert it to UTF-8"),
        ("latin-1", "2:8", "not UTF-8 (byte 0xab); save it as UTF-8"),
    ],
)
def test_non_utf8_message_says_what_to_do(
    tmp_path: Path, capsys, encoding: str, position: str, says: str
) -> None:
    p = tmp_path / "01-01.yaml"
    text = "id: 1-1\ntitle: 施策\n" if encoding != "latin-1" else "id: 1-1\ntitle: «施策»\n"
    p.write_bytes(text.encode(encoding, errors="replace"))
    main(["lint", str(p)])
    out = capsys.readouterr().out
    assert f"{p.as_posix()}:{position}: E002 [error] " in out and says in out, out


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path: Path, capsys) -> None:
    p = tmp_path / "01-01.yaml"
    p.write_bytes(GOOD)
    p.chmod(0)
    main(["lint", str(p)])
    assert "E003" in capsys.readouterr().out


def test_unreadable_file_when_running_as_root(tmp_path: Path, capsys, monkeypatch) -> None:
    """CI runs as root, where chmod 0 does not stop a read: EACCES is simulated, and a
    directory named like a measure is unreadable for everyone."""
    (tmp_path / "01-01.yaml").write_bytes(GOOD)
    locked = tmp_path / "01-02.yaml"
    locked.write_bytes(GOOD)
    (tmp_path / "01-03.yaml").mkdir()
    real = os.open

    def os_open(path: str, flags: int, *args: int) -> int:
        if os.path.basename(path) == locked.name:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, flags, *args)

    monkeypatch.setattr(os, "open", os_open)
    assert main(["lint", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{locked.as_posix()}:1:1: E003 [error] cannot read: Permission denied" in out
    assert "01-03.yaml:1:1: E003 [error] a directory, not a file" in out
    assert "01-01.yaml" not in out


def test_broken_symlink_and_missing_path(tmp_path: Path, capsys) -> None:
    (tmp_path / "01-01.yaml").symlink_to(tmp_path / "nowhere.yaml")
    assert main(["lint", str(tmp_path)]) == 1
    assert "broken symbolic link" in capsys.readouterr().out
    # A path that does not exist is a mistyped argument: a usage error (issue 10.10).
    assert main(["lint", str(tmp_path), str(tmp_path / "missing.yaml")]) == 2
    assert "missing.yaml: no such file or directory" in capsys.readouterr().err


def test_import_failure_leaves_no_half_written_file(tmp_path: Path, monkeypatch) -> None:
    files = {"01-01.yaml": "a: 1\n", "01-02.yaml": "b: 2\n"}
    out = tmp_path / "m"
    out.mkdir()
    (out / "01-01.yaml").write_text("original\n", encoding="utf-8")
    calls = {"n": 0}
    real_replace = os.replace

    def failing_replace(src: str, dst: str) -> None:
        calls["n"] += 1
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        importer.write(out, files, force=True)
    monkeypatch.setattr(os, "replace", real_replace)
    assert (out / "01-01.yaml").read_text(encoding="utf-8") == "original\n"
    assert sorted(p.name for p in out.iterdir()) == ["01-01.yaml"]  # no temporaries left


def test_cli_reports_a_full_disk_cleanly(tmp_path: Path, capsys, monkeypatch) -> None:
    def full(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(importer, "atomic_write_all", full)
    monkeypatch.setattr(importer, "create_all", full)
    code = main(
        [
            "import",
            str(ROOT / "tests" / "fixtures" / "tricky-plan.txt"),
            "--out",
            str(tmp_path / "m"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "No space left on device" in err and "nothing was changed" in err


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list(
                "[No.１－２]・※KPI（進捗）：効果令和４年度末までに10％\n ＜＞【】参考"
                "0123456789Ⅰ．章"
            )
        ),
        max_size=300,
    )
)
def test_importer_never_crashes(text: str) -> None:
    files, summary = importer.build(text, date(2022, 6, 7))
    assert "plan.yaml" in files and summary.measures == len(files) - 1
