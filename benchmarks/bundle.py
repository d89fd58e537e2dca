"""Bundle figures: build and verify time, and size, of every edition.

    python benchmarks/bundle.py                    # learner, instructor, kaisetsu, site (all courses)
    python benchmarks/bundle.py --offline current  # also a learner bundle with this platform's wheelhouse
    python benchmarks/bundle.py --courses 00,05 --no-site
    python benchmarks/bundle.py --only site --sequential   # the HTML edition: 1 worker, then cold and warm

Prints the machine's load first (wall seconds on a shared machine mean little without it), then one line per
edition: build seconds, verify seconds, size in MB, file count, SHA-256. The site edition is built twice with one fresh cache of executed
lessons: "cold" executes every lesson (two at a time), "warm" reuses the outputs (nothing changed).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dxkit.bundle.build import build_bundle, build_wheel  # noqa: E402
from dxkit.bundle.manifest import verify  # noqa: E402


def sequential_site(out: Path, courses) -> None:
    """The HTML edition as it was built before: one lesson after another, nothing reused."""
    from dxkit.bundle.build import repo_root, select_courses
    from dxkit.bundle.site import build_site

    root = repo_root()
    start = time.perf_counter()
    site = build_site(out, [root / "courses" / c for c in select_courses(root, courses)], cache=False, workers=1)
    print(f"{'site (1 worker)':<22} build {time.perf_counter() - start:6.1f} s   pages {len(site.pages)}   "
          f"load {os.getloadavg()[0]:.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--courses", help="comma-separated courses (default: all)")
    parser.add_argument("--offline", action="append", default=[], help="wheelhouse target(s) for an extra learner bundle")
    parser.add_argument("--no-site", action="store_true", help="skip the HTML edition (it executes every lesson)")
    parser.add_argument("--only", help="comma-separated editions to build (default: all)")
    parser.add_argument("--sequential", action="store_true", help="also build the site one lesson at a time, no cache")
    args = parser.parse_args()
    courses = [c for c in (args.courses or "").split(",") if c] or None
    editions = ["learner", "instructor", "kaisetsu"] + ([] if args.no_site else ["site", "site"])
    if args.only:
        editions = [e for e in editions if e in args.only.split(",")]
    print(f"cores {os.cpu_count()}   load average {os.getloadavg()[0]:.1f} (1 min)")
    with tempfile.TemporaryDirectory(prefix="dxkit-bench-") as tmp:
        out = Path(tmp)
        os.environ["DXKIT_SITE_CACHE"] = str(out / "site-cache")  # fresh: the first site build is cold
        if args.sequential and "site" in editions:
            sequential_site(out / "site-sequential", courses)
        start = time.perf_counter()
        wheel = build_wheel(out / "wheel")
        print(f"{'dxkit wheel':<22} build {time.perf_counter() - start:6.1f} s   size {wheel.stat().st_size / 1e6:7.2f} MB")
        labels = [("site (warm)" if e == "site" and editions[:i].count("site") else
                   "site (cold)" if e == "site" else e) for i, e in enumerate(editions)]
        runs = [(label, e, []) for label, e in zip(labels, editions)]
        if args.offline:
            runs.append((f"learner+{','.join(args.offline)}", "learner", args.offline))
        for label, edition, targets in runs:
            start = time.perf_counter()
            result = build_bundle(out / label.replace(" ", "_"), edition, courses=courses, wheel=wheel, targets=targets)
            built = time.perf_counter() - start
            start = time.perf_counter()
            report = verify(result.path, result.sha256)
            checked = time.perf_counter() - start
            print(f"{label:<22} build {built:6.1f} s   load {os.getloadavg()[0]:4.1f}   verify {checked:5.2f} s   "
                  f"size {result.size / 1e6:7.2f} MB   "
                  f"files {len(result.manifest['files']):5d}   {'ok' if report.ok else 'FAILED'}   {result.sha256[:16]}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())
