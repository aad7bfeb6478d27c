"""``glassnet export MODEL --format onnx``: a saved model as an ONNX file, scaler included."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import glassnet as gn
from glassnet.errors import ConfigError

FORMATS = ("onnx",)


def add_parsers(commands: Any) -> None:
    export = commands.add_parser(
        "export", help="write a saved model in another format (ONNX) for other runtimes"
    )
    export.add_argument("model", help="model file (model.safetensors)")
    export.add_argument("--format", default="onnx", help="the format: onnx (default)")
    export.add_argument("--out", help="the file to write (default: MODEL with .onnx)")
    export.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.format not in FORMATS:
        raise ConfigError(f"--format must be one of {', '.join(FORMATS)}, got {args.format!r}")
    source = Path(args.model)
    out = Path(args.out) if args.out else source.with_suffix(".onnx")
    model = gn.load(source)  # first: it names a missing, looping or damaged model file
    try:
        same = out.resolve() == source.resolve()
    except (OSError, RuntimeError):  # a symbolic link loop
        raise ConfigError(
            f"--out '{out}' is a symbolic link that loops; give another name"
        ) from None
    if same:
        raise ConfigError(f"--out '{out}' is the model file itself; give another name")
    if isinstance(model, gn.Pipeline):
        model = model.network
    proto = model.export_onnx(out)
    preprocessing = getattr(model, "preprocessing", {}) or {}
    inputs = proto.graph.input[0].type.tensor_type.shape.dim
    outputs = proto.graph.output[0].type.tensor_type.shape.dim
    shape = ", ".join(d.dim_param or str(d.dim_value) for d in inputs)
    out_shape = ", ".join(d.dim_param or str(d.dim_value) for d in outputs)
    ops = [node.op_type for node in proto.graph.node]
    print(f"wrote {out}: input 'input' ({shape}) -> output ({out_shape}), {len(ops)} nodes")
    print("  " + " -> ".join(ops))
    if "scaler" in preprocessing:
        print(f"  the {preprocessing['scaler']['class']} of training is the first nodes")
    print(
        "  checked with onnx.checker"
        + _runtime_check(model, out, [int(d.dim_value) for d in inputs[1:]])
    )
    return 0


def _runtime_check(model: gn.Module, path: Path, sample_shape: list[int]) -> str:
    """Run the file in onnxruntime, when installed, against glassnet on random inputs."""
    try:
        import onnxruntime
    except ImportError:
        return " (install onnxruntime to also compare its outputs with glassnet's)"
    from glassnet.io.onnx_check import compare_with_glassnet

    difference, relative = compare_with_glassnet(model, path, sample_shape, onnxruntime)
    return (
        f"; onnxruntime agrees with glassnet within {difference:.1e} "
        f"(relative {relative:.1e}) on 16 random inputs"
    )
