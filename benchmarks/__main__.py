"""``python -m benchmarks all | [--quick] [--markdown FILE] NAME…``: run workloads, print Markdown.

``all`` (or ``--quick`` / ``--markdown`` without names) runs the suite of issue 9
(:data:`benchmarks.SUITE`) one workload after the other, the environment first; bare
``python -m benchmarks`` lists the workloads. With one name, the remaining
options are that workload's own (``python -m benchmarks lenet --threads 2,1``).
``--list`` lists every workload.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import sys
import time

from benchmarks import QUICK, SUITE, WORKLOADS


def _entry(name: str):
    spec = WORKLOADS[name][0]
    module_name, _, function = spec.partition(":")
    return getattr(importlib.import_module(module_name), function or "main")


def list_workloads() -> None:
    print("usage: python -m benchmarks [--quick] [--markdown FILE] all | NAME…")
    print("       python -m benchmarks NAME [options]   (NAME --help for its options)")
    print("workloads (* = in the default suite):")
    for name, (_, about) in WORKLOADS.items():
        print(f"  {'*' if name in SUITE else ' '} {name:<14} {about}")


def run_suite(names: list[str], quick: bool, markdown: str | None) -> int:
    """Each named workload in turn (with its quick options under ``--quick``)."""
    from benchmarks import runner

    out = io.StringIO()

    def emit(text: str) -> None:
        print(text, flush=True)
        out.write(text + "\n")

    mode = " --quick" if quick else ""
    emit(f"Environment (`python -m benchmarks{mode} {' '.join(names)}`):\n")
    emit(runner.environment_markdown())
    status = 0
    for name in names:
        argv = list(QUICK.get(name, ["--quick"])) if quick else []
        emit(f"\n### {name} (`python -m benchmarks {' '.join([name, *argv])}`)\n")
        started = time.perf_counter()
        captured = io.StringIO()
        try:
            with contextlib.redirect_stdout(captured):
                code = _entry(name)(argv)
        except Exception as error:  # a broken workload must not hide the others' results
            code = 1
            captured.write(f"\nfailed: {type(error).__name__}: {error}\n")
        emit(captured.getvalue().rstrip())
        emit(f"\n({time.perf_counter() - started:.0f} s)")
        status = status or code
    if markdown:
        with open(markdown, "w", encoding="utf-8") as handle:
            handle.write(out.getvalue())
    return status


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "--list"):
        # Bare ``python -m benchmarks`` lists (status 2: nothing was run); the suite is
        # ``python -m benchmarks all`` (or any names, or --quick alone).
        list_workloads()
        return 0 if argv else 2
    # One name followed by options (or one outside the suite): that workload's own CLI.
    own_options = len(argv) > 1 and argv[1].startswith("-") and "--markdown" not in argv
    if argv and argv[0] in WORKLOADS and (argv[0] not in SUITE or own_options):
        return _entry(argv[0])(argv[1:])
    quick = "--quick" in argv
    markdown = None
    if "--markdown" in argv:
        at = argv.index("--markdown")
        if at + 1 >= len(argv):
            print("--markdown needs a file name", file=sys.stderr)
            return 2
        markdown = argv[at + 1]
        argv = argv[:at] + argv[at + 2 :]
    names = [a for a in argv if a not in ("--quick", "all")]
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        print(f"unknown workload(s) {unknown}; known: {', '.join(WORKLOADS)}", file=sys.stderr)
        return 2
    return run_suite(names or list(SUITE), quick, markdown)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
