"""``python -m benchmarks NAME [options]``: run one workload (``python -m benchmarks`` lists them)."""

from __future__ import annotations

import importlib
import sys

from benchmarks import WORKLOADS


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m benchmarks NAME [options]   (NAME --help for its options)")
        print("workloads:")
        for name, (_, about) in WORKLOADS.items():
            print(f"  {name:<10} {about}")
        return 0 if argv else 2
    name = argv[0]
    if name not in WORKLOADS:
        print(f"unknown workload {name!r}; known: {', '.join(WORKLOADS)}", file=sys.stderr)
        return 2
    module = importlib.import_module(WORKLOADS[name][0])
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
