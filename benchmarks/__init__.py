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
    "lstm": (
        "benchmarks.lstm",
        "LSTM many-to-one training (T 50, input 32, hidden 128, batch 32): glassnet vs PyTorch",
    ),
    "scaling": (
        "benchmarks.scaling",
        "data-parallel MPI scaling: ms/step, compute and allreduce for 1 and 2 ranks",
    ),
    "mlp": (
        "benchmarks.mlp:main",
        "MLP 784-256-128-10, batch 128, Adam: glassnet vs PyTorch (+fused Adam), scikit-learn",
    ),
    "tabular": (
        "benchmarks.mlp:main_tabular",
        "tabular MLP 30-64-64-2, batch 32, Adam: glassnet vs PyTorch, scikit-learn",
    ),
    "dense": (
        "benchmarks.dense",
        "wide Dense forward + backward GFLOP/s vs the raw NumPy matmuls (the BLAS ceiling)",
    ),
    "digits": (
        "benchmarks.digits",
        "time to reach scikit-learn MLPClassifier's test accuracy on digits",
    ),
    "define_by_run": (
        "benchmarks.define_by_run",
        "the MLP as a define-by-run Module of primitive ops vs fused Dense layers",
    ),
    "gpu": (
        "benchmarks.gpu",
        "GPU training (MLP, LeNet-5, ResNet batch 256, LSTM): glassnet on CuPy vs PyTorch CUDA",
    ),
}

#: The workloads of issue 9, in the order ``python -m benchmarks`` runs them.
SUITE: list[str] = ["mlp", "tabular", "lenet", "lstm", "dense", "digits", "define_by_run"]

#: Options each workload gets under ``python -m benchmarks --quick`` (default: --quick).
QUICK: dict[str, list[str]] = {
    "lenet": ["--repeats", "3", "--steps", "7", "--warmup", "3", "--memory-steps", "3"],
    "lstm": ["--repeats", "3", "--steps", "4", "--warmup", "2"],
    # Not in SUITE (CI has no GPU); for ``python -m benchmarks --quick gpu``.
    "gpu": ["--quick"],
}
