"""Long documents: time and peak memory of `kg extract` on news prose of two sizes.

Prints each run and the ratios side by side: time should grow with the text
(linearly: pieces of 20,000 characters), memory should not (batches capped at
60,000 characters). The larger text is over spaCy's max_length (1,000,000
characters), so it could not be parsed whole.

    python bench/long_documents.py [SMALL_CHARS] [LARGE_CHARS]
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MEASURE = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(result.returncode)
"""


def prose(size: int) -> str:
    """The sample articles, one after another, until ``size`` characters."""
    articles = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples" / "articles").glob("*.txt"))]
    parts, length, n = ["Many stories\n\n"], 0, 0
    while length < size:
        parts.append(articles[n % len(articles)] + "\n\n")
        length += len(parts[-1])
        n += 1
    return "".join(parts)[:size]


def run(path: Path) -> tuple[float, int]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-m", "kg.cli", "extract", "--jsonl", str(path)],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    return time.monotonic() - started, int(result.stdout.split()[-1])


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:3]] or [250_000, 1_100_000]
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "empty-ish.txt"
        empty.write_text("Nothing\n\nNothing happened.", encoding="utf-8")
        base_time, base_memory = run(empty)  # start-up: Python, spaCy, the model
        print(f"start-up: {base_time:.1f} s, {base_memory / 1024:.0f} MiB")
        results = []
        for size in sizes:
            path = Path(folder) / f"prose-{size}.txt"
            path.write_text(prose(size), encoding="utf-8")
            seconds, memory = run(path)
            results.append((size, seconds - base_time, memory))
            print(f"{size:>10,} characters: {seconds - base_time:6.1f} s after start-up "
                  f"({size / (seconds - base_time):,.0f} characters/s), peak {memory / 1024:.0f} MiB")
    (small, t1, m1), (large, t2, m2) = results
    print(f"ratios large/small: text {large / small:.1f}x, time {t2 / t1:.1f}x, peak memory {m2 / m1:.2f}x")


if __name__ == "__main__":
    main()
