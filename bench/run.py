"""Runs every benchmark in bench/ and prints one table.

Usage: python bench/run.py [name ...]   (e.g. `python bench/run.py whole_path filters`)
Benchmarks that need something absent here (OBS, a model server) print why they were skipped.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    sys.path.insert(0, str(HERE.parent))
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    chosen = [m for m in modules if not names or m.removeprefix("bench_") in names]
    print(f"{'benchmark':60s} {'value':>12} unit")
    failed = 0
    for module_name in chosen:
        began = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{module_name}")
            rows = module.run()
        except Exception as exc:  # one broken benchmark must not hide the others
            print(f"{module_name:60s} {'-':>12} skipped: {type(exc).__name__}: {exc}")
            failed += 1
            continue
        for name, value, unit in rows:
            shown = f"{value:.4g}" if isinstance(value, float) and abs(value) < 1e5 else f"{value:.0f}"
            print(f"{name:60s} {shown:>12} {unit}")
        print(f"  ({module_name} took {time.perf_counter() - began:.1f} s)")
    return 1 if failed and names else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
