"""Bundle figures: build and verify time, and size, of every edition.

    python benchmarks/bundle.py                    # learner, instructor, kaisetsu, site (all courses)
    python benchmarks/bundle.py --offline current  # also a learner bundle with this platform's wheelhouse
    python benchmarks/bundle.py --courses 00,05 --no-site

Prints one line per edition: build seconds, verify seconds, size in MB, file count, SHA-256.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dxkit.bundle.build import build_bundle, build_wheel  # noqa: E402
from dxkit.bundle.manifest import verify  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--courses", help="comma-separated courses (default: all)")
    parser.add_argument("--offline", action="append", default=[], help="wheelhouse target(s) for an extra learner bundle")
    parser.add_argument("--no-site", action="store_true", help="skip the HTML edition (it executes every lesson)")
    args = parser.parse_args()
    courses = [c for c in (args.courses or "").split(",") if c] or None
    editions = ["learner", "instructor", "kaisetsu"] + ([] if args.no_site else ["site"])
    with tempfile.TemporaryDirectory(prefix="dxkit-bench-") as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        wheel = build_wheel(out / "wheel")
        print(f"{'dxkit wheel':<22} build {time.perf_counter() - start:6.1f} s   size {wheel.stat().st_size / 1e6:7.2f} MB")
        runs = [(e, e, []) for e in editions] + [(f"learner+{','.join(args.offline)}", "learner", args.offline)] \
            if args.offline else [(e, e, []) for e in editions]
        for label, edition, targets in runs:
            start = time.perf_counter()
            result = build_bundle(out / label, edition, courses=courses, wheel=wheel, targets=targets)
            built = time.perf_counter() - start
            start = time.perf_counter()
            report = verify(result.path, result.sha256)
            checked = time.perf_counter() - start
            print(f"{label:<22} build {built:6.1f} s   verify {checked:5.2f} s   size {result.size / 1e6:7.2f} MB   "
                  f"files {len(result.manifest['files']):5d}   {'ok' if report.ok else 'FAILED'}   {result.sha256[:16]}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())
