"""Workloads that measure glassnet against its peers; run ``python -m benchmarks NAME``.

Each workload is a module here with a ``main(argv) -> int``; ``__main__`` finds it by
name in :data:`WORKLOADS`. PyTorch and the other peers are measured, never imported by
glassnet itself (install them with ``pip install -e .[bench]``).
"""

from __future__ import annotations

#: name → (module, one-line description)
WORKLOADS: dict[str, tuple[str, str]] = {
    "lenet": (
        "benchmarks.lenet",
        "LeNet-5 training, batch 64, 1×28×28 float32: glassnet vs PyTorch",
    ),
}
