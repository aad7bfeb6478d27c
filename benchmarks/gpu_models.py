"""The models of the ``gpu`` workload in glassnet and in PyTorch: the cases, and the ResNet.

:data:`CASES` names each case's model builders: the CPU workloads' own
(``benchmarks.mlp``, ``lenet``, ``lstm``) and the ResNet-style CNN defined here.

The CIFAR ResNet of He et al. (2016, §4.2) on 3×32×32 images: a 3×3 convolution of
16 filters, then three stages of ``blocks`` basic blocks with 16, 32 and 64 filters
(the second and third stage halve the image with a stride-2 first convolution), global
average pooling and a dense layer to the classes. A basic block is conv 3×3 → batch
norm → ReLU → conv 3×3 → batch norm, plus the shortcut (the input itself, or a 1×1
stride-2 convolution and batch norm where the shape changes), then ReLU. ``blocks=3``
is ResNet-20; the default ``blocks=1`` is ResNet-8.

Convolutions before a batch norm have no bias (the norm's shift replaces it), and 3×3
convolutions pad one pixel on every side in both frameworks: glassnet's ``"same"``
pads stride-2 convolutions asymmetrically (TensorFlow's rule), PyTorch's
``padding=1`` symmetrically, and the two networks must compute the same numbers.

Both networks register their weights in the same order (glassnet's kernel (filters,
channels, kh, kw) is PyTorch's Conv2d weight; gamma/beta are BatchNorm2d's
weight/bias; the Dense kernel (inputs, outputs) is Linear's weight transposed), so
:func:`torch_resnet` can start from glassnet's initial weights.

Example:
    >>> import glassnet as gn, numpy as np
    >>> model = glassnet_resnet(blocks=1)
    >>> model(gn.Tensor(np.zeros((2, 3, 32, 32), dtype=np.float32))).shape
    (2, 10)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from benchmarks import lenet, lstm, mlp

SHAPE, CLASSES, WIDTHS = (3, 32, 32), 10, (16, 32, 64)


@dataclass(frozen=True)
class Case:
    """One model of the ``gpu`` workload: its input, batch and builders in both frameworks.

    ``glassnet_model(blocks)`` returns the glassnet model built on the host (its initial
    weights exist); ``torch_model(initial, blocks)`` the PyTorch model on the CPU with
    those weights. ``blocks`` (ResNet blocks per stage) only matters to the ResNet.
    """

    title: str
    batch: int
    shape: tuple[int, ...]
    classes: int
    glassnet_model: Callable[[int], Any]
    torch_model: Callable[[list[np.ndarray], int], Any]


def _mlp_glassnet(blocks: int) -> Any:
    return mlp.glassnet_model(mlp.MLP_SIZES)


def _mlp_torch(initial: list[np.ndarray], blocks: int) -> Any:
    return mlp.torch_model(mlp.MLP_SIZES, initial)


def _lenet_glassnet(blocks: int) -> Any:
    return lenet.glassnet_model()


def _lenet_torch(initial: list[np.ndarray], blocks: int) -> Any:
    return lenet.torch_model(initial)


def _lstm_glassnet(blocks: int) -> Any:
    return lstm.glassnet_model()


def _lstm_torch(initial: list[np.ndarray], blocks: int) -> Any:
    return lstm.torch_model(initial)


def _resnet_torch(initial: list[np.ndarray], blocks: int) -> Any:
    return torch_resnet(blocks, initial=initial)


def _resnet_glassnet(blocks: int) -> Any:
    import glassnet as gn

    model = glassnet_resnet(blocks)
    # Built in eval mode: a training-mode call would fold the zeros into the batch norms'
    # running statistics, which PyTorch's fresh model does not have.
    model.eval()
    model(gn.Tensor(np.zeros((2, *SHAPE), dtype=np.float32)))
    return model.train()


#: name → case, in the order the workload runs them; batches as in the CPU workloads.
CASES: dict[str, Case] = {
    "mlp": Case(
        title="MLP 784-256-128-10",
        batch=128,
        shape=(mlp.MLP_SIZES[0],),
        classes=mlp.MLP_SIZES[-1],
        glassnet_model=_mlp_glassnet,
        torch_model=_mlp_torch,
    ),
    "lenet": Case(
        title="LeNet-5, 1×28×28",
        batch=lenet.BATCH,
        shape=lenet.SHAPE,
        classes=lenet.CLASSES,
        glassnet_model=_lenet_glassnet,
        torch_model=_lenet_torch,
    ),
    "resnet": Case(
        title="CIFAR ResNet (16-32-64 filters), 3×32×32",
        batch=256,
        shape=SHAPE,
        classes=CLASSES,
        glassnet_model=_resnet_glassnet,
        torch_model=_resnet_torch,
    ),
    "lstm": Case(
        title=f"LSTM {lstm.FEATURES}→{lstm.HIDDEN} over {lstm.STEPS} steps + Dense {lstm.CLASSES}",
        batch=lstm.BATCH,
        shape=(lstm.STEPS, lstm.FEATURES),
        classes=lstm.CLASSES,
        glassnet_model=_lstm_glassnet,
        torch_model=_lstm_torch,
    ),
}


def glassnet_resnet(blocks: int = 1, classes: int = CLASSES, seed: int = 0) -> Any:
    """The glassnet ResNet (unbuilt: its weights appear on the first call)."""
    import glassnet as gn
    from glassnet.ops import relu

    class BasicBlock(gn.Module):
        def __init__(self, channels: int, filters: int, stride: int) -> None:
            super().__init__()
            self.conv1 = gn.Conv2D(filters, 3, stride=stride, padding=1, use_bias=False)
            self.bn1 = gn.BatchNorm()
            self.conv2 = gn.Conv2D(filters, 3, padding=1, use_bias=False)
            self.bn2 = gn.BatchNorm()
            self.shortcut = None
            if stride != 1 or channels != filters:
                self.shortcut = gn.Sequential(
                    [gn.Conv2D(filters, 1, stride=stride, use_bias=False), gn.BatchNorm()]
                )

        def forward(self, x: Any) -> Any:
            out = self.bn2(self.conv2(relu(self.bn1(self.conv1(x)))))
            return relu(out + (x if self.shortcut is None else self.shortcut(x)))

    class ResNet(gn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.stem = gn.Conv2D(WIDTHS[0], 3, padding=1, use_bias=False)
            self.stem_bn = gn.BatchNorm()
            self.stages = gn.Sequential([BasicBlock(*plan) for plan in block_plan(blocks)])
            self.pool = gn.GlobalAveragePooling2D()
            self.fc = gn.Dense(classes)

        def forward(self, x: Any) -> Any:
            x = relu(self.stem_bn(self.stem(x)))
            return self.fc(self.pool(self.stages(x)))

    gn.seed(seed)
    return ResNet()


def block_plan(blocks: int) -> list[tuple[int, int, int]]:
    """(input channels, filters, stride) of each residual block: ``blocks`` per stage,
    the first block of every stage after the first halving the image."""
    plan, channels = [], WIDTHS[0]
    for stage, filters in enumerate(WIDTHS):
        for block in range(blocks):
            plan.append((channels, filters, 2 if stage > 0 and block == 0 else 1))
            channels = filters
    return plan


def torch_resnet(blocks: int = 1, classes: int = CLASSES, initial: list | None = None) -> Any:
    """The same ResNet in PyTorch, with glassnet's ``initial`` weights where given."""
    import torch
    from torch import nn

    class BasicBlock(nn.Module):
        def __init__(self, channels: int, filters: int, stride: int) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(channels, filters, 3, stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(filters)
            self.conv2 = nn.Conv2d(filters, filters, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(filters)
            self.shortcut = None
            if stride != 1 or channels != filters:
                self.shortcut = nn.Sequential(
                    nn.Conv2d(channels, filters, 1, stride, bias=False), nn.BatchNorm2d(filters)
                )

        def forward(self, x: Any) -> Any:
            out = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
            return torch.relu(out + (x if self.shortcut is None else self.shortcut(x)))

    class ResNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.stem = nn.Conv2d(SHAPE[0], WIDTHS[0], 3, padding=1, bias=False)
            self.stem_bn = nn.BatchNorm2d(WIDTHS[0])
            self.stages = nn.Sequential(*[BasicBlock(*plan) for plan in block_plan(blocks)])
            self.fc = nn.Linear(WIDTHS[-1], classes)

        def forward(self, x: Any) -> Any:
            x = torch.relu(self.stem_bn(self.stem(x)))
            return self.fc(self.stages(x).mean(dim=(2, 3)))

    model = ResNet()
    if initial is not None:
        copy_weights(model, initial)
    return model


def copy_weights(model: Any, initial: list[np.ndarray]) -> None:
    """Copy glassnet's weights, in registration order, into a PyTorch ``model``.

    Raises:
        ValueError: the two models do not have the same weights (count or shapes).
    """
    import torch

    parameters = list(model.named_parameters())
    if len(parameters) != len(initial):
        raise ValueError(
            f"the PyTorch model has {len(parameters)} weights, glassnet's {len(initial)}"
        )
    with torch.no_grad():
        for (name, parameter), value in zip(parameters, initial, strict=True):
            # A glassnet Dense kernel is (inputs, outputs), torch's Linear weight the transpose.
            if name == "fc.weight":
                value = value.T
            if tuple(parameter.shape) != value.shape:
                raise ValueError(
                    f"PyTorch weight '{name}' has shape {tuple(parameter.shape)}, "
                    f"glassnet's weight in its place {value.shape}"
                )
            parameter.copy_(torch.from_numpy(np.ascontiguousarray(value)))
