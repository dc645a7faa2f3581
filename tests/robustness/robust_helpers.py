"""Helpers shared by the robustness tests: run kg in-process and as a real process, make bad inputs."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parents[2]

GOOD_TEXT = (
    "Putin hosts Xi in Moscow\n\n"
    "Russian President Vladimir Putin met Chinese President Xi Jinping in Moscow on Monday. "
    "The two leaders signed a trade deal."
)


def run_cli(*args, input: str | bytes | None = None):
    """``kg ARGS`` through click's CliRunner (stderr kept apart)."""
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    return result


def kg_command(*args) -> list[str]:
    return [sys.executable, "-m", "kg.cli", *(str(a) for a in args)]


def kg_env() -> dict[str, str]:
    """The environment for a real ``python -m kg.cli``: this tree's kg first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("KG_STORE", None)
    return env


def run_kg(*args, input: bytes | None = None, timeout: float = 300, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m kg.cli ARGS`` as a real process; text output."""
    return subprocess.run(
        kg_command(*args), input=input, capture_output=True, timeout=timeout, env=kg_env(), cwd=cwd or ROOT,
    )


def png_bytes() -> bytes:
    """A real 1x1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")


def write_good(folder: Path, name: str = "good.txt") -> Path:
    path = folder / name
    path.write_text(GOOD_TEXT, encoding="utf-8")
    return path
