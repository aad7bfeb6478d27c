"""The ``glassnet`` command: train, evaluate, predict, summary, datasets.

A user's mistake (a missing file, a bad column, an unknown option) ends with a
one-paragraph message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from glassnet.cli import (
    cluster_command,
    compare_command,
    export_command,
    gan_command,
    info_commands,
    report_command,
    trace_command,
    train_command,
    tune_command,
    use_commands,
)
from glassnet.errors import GlassnetError

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="glassnet",
        description="Train neural networks on your own data and see every number they compute.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    train_command.add_parser(commands)
    use_commands.add_parsers(commands)
    info_commands.add_parsers(commands)
    cluster_command.add_parsers(commands)
    gan_command.add_parsers(commands)
    compare_command.add_parsers(commands)
    tune_command.add_parsers(commands)
    export_command.add_parsers(commands)
    trace_command.add_parsers(commands)
    report_command.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 success, 2 usage or data error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.run(args)
    except GlassnetError as exc:
        print(f"glassnet {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (``glassnet train digits | head``): not an error of ours.
        sys.stderr.close()
        return 0
    except OSError as exc:
        # The file system refused (no permission, disk full): the user's to fix, no traceback.
        where = f" '{exc.filename}'" if exc.filename else ""
        print(f"glassnet {args.command}: error:{where} {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"glassnet {args.command}: interrupted", file=sys.stderr)
        return 130


def entry_point() -> None:
    sys.exit(main())
