"""`make bench`: every benchmark in bench/, each reported against a baseline from the same run;
`python -m bench scale`: the product at a health trust's size (bench/scale.py)."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allianse.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

MODULES = sorted(path.stem for path in Path(__file__).parent.glob("bench_*.py"))


def main() -> int:
    if sys.argv[1:2] == ["scale"]:
        from bench import scale

        return scale.main(sys.argv[2:])
    wanted = sys.argv[1:] or MODULES
    print(f"{'benchmark':<58} {'seconds':>10} {'baseline':>10} {'ratio':>8}  note")
    for name in wanted:
        module = importlib.import_module(f"bench.{name}")
        for row in module.run():
            print(
                f"{row['name']:<58} {row['seconds']:>10.4f} {row['baseline_seconds']:>10.4f} "
                f"{row['ratio']:>8.{1 if row['ratio'] >= 1 else 3}f}  {row['note']}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
