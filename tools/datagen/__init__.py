"""Seeded generators for everything in datasets/.

Each module in this package exposes ``generate(out: Path) -> list[Path]`` and uses
its own fixed seed, so ``python -m tools.datagen`` rewrites every file byte for byte.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import pkgutil
import zipfile
from pathlib import Path

DATASETS = Path(__file__).resolve().parents[2] / "datasets"
# openpyxl stamps the save time into docProps/core.xml; pin it so files are reproducible.
FIXED_TIME = _dt.datetime(2024, 4, 1, 9, 0, 0)
_ZIP_TIME = (2024, 4, 1, 9, 0, 0)


def write_csv(df, path: Path, encoding: str = "utf-8") -> Path:
    """Write a CSV with CRLF line ends, as Excel-era municipal exports have."""
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, encoding=encoding, lineterminator="\r\n")
    return path


def save_workbook(wb, path: Path) -> Path:
    """Save an openpyxl workbook reproducibly (fixed properties and zip timestamps)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.properties.creator = "dxkit"
    wb.properties.lastModifiedBy = "dxkit"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    # Re-pack with fixed member timestamps and order so bytes are identical run to run.
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _pin_core_times(data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    tmp.unlink()
    return path


def _pin_core_times(xml: bytes) -> bytes:
    import re

    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + stamp + rb"\g<2>", xml)


def modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def generate_all(out: Path = DATASETS, only: list[str] | None = None) -> list[Path]:
    written: list[Path] = []
    for name in modules():
        if only and name not in only:
            continue
        mod = importlib.import_module(f"{__name__}.{name}")
        written.extend(mod.generate(out))
    return written
