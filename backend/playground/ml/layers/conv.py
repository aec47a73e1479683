"""Convolution and transposed convolution (curriculum A5, A6, A9); pooling is in pool.py.

Output size per spatial dim: floor((in + 2*padding - dilation*(kernel-1) - 1) / stride) + 1.
"""

from __future__ import annotations

import math
from typing import ClassVar, Literal

from pydantic import Field
from torch import nn

from playground.ml.layers.base import ShapeError, as_tuple, need_rank, numel, show
from playground.ml.layers.common import ParamLayer
from playground.ml.types import TensorType

IntOrList = int | list[int]
LAYOUTS = {1: "(C, L)", 2: "(C, H, W)"}  # per-sample input layout by spatial dims


def conv_out(
    size: int, kernel: int, stride: int, padding: int, dilation: int, ceil: bool = False
) -> int:
    """The curriculum's output-size formula, floored (or ceiled for ceil_mode pools)."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    out = (math.ceil(span / stride) if ceil else span // stride) + 1
    if ceil and (out - 1) * stride >= size + padding:
        out -= 1  # PyTorch drops a last window that would start in the right padding
    return out


def fit_windows(
    x: TensorType, n: int, kernel: tuple[int, ...], stride: tuple[int, ...],
    padding: tuple[int, ...], dilation: tuple[int, ...], ceil: bool = False,
) -> tuple[int, ...]:  # fmt: skip
    """Spatial output sizes, or a ShapeError that says which kernel does not fit."""
    spatial = x.shape[1:]
    out = []
    for i in range(n):
        reach = dilation[i] * (kernel[i] - 1) + 1
        if reach > spatial[i] + 2 * padding[i]:
            k = "x".join(map(str, kernel))
            raise ShapeError(
                f"kernel {k} does not fit input {show(x.shape)} with padding "
                f"{'x'.join(map(str, padding)) if len(set(padding)) > 1 else padding[0]}"
                + (f" and dilation {dilation[i]}" if dilation[i] > 1 else "")
            )
        out.append(conv_out(spatial[i], kernel[i], stride[i], padding[i], dilation[i], ceil))
    return tuple(out)


class _ConvNd(ParamLayer):
    """Shared rule for Conv1d/Conv2d; in_channels is inferred from dim 0 of the input."""

    dims: ClassVar[int] = 2
    out_channels: int = Field(ge=1, le=4096, description="Number of kernels = output maps.")
    kernel_size: IntOrList = Field(3, description="Kernel size (int or one per spatial dim).")
    stride: IntOrList = Field(1, description="Step between kernel positions.")
    padding: IntOrList | Literal["same", "valid"] = Field(
        0, description='Zero padding per side, or "same" (output size = input) / "valid" (0).'
    )
    dilation: IntOrList = Field(1, description="Spacing between kernel taps.")
    groups: int = Field(1, ge=1, le=4096, description="Channel groups (in and out divisible).")
    bias: bool = Field(True, description="Learn one bias per output channel.")
    padding_mode: Literal["zeros", "reflect", "replicate", "circular"] = Field(
        "zeros", description="What the padding contains."
    )

    def _args(self) -> tuple[tuple[int, ...], ...]:
        n = self.dims
        k = as_tuple(self.kernel_size, n, "kernel_size")
        s = as_tuple(self.stride, n, "stride")
        d = as_tuple(self.dilation, n, "dilation")
        for name, vals, lo in (("kernel_size", k, 1), ("stride", s, 1), ("dilation", d, 1)):
            if any(v < lo or v > 64 for v in vals):
                raise ShapeError(f"{name} must be between 1 and 64, got {list(vals)}")
        return k, s, d

    def _padding(
        self, k: tuple[int, ...], s: tuple[int, ...], d: tuple[int, ...]
    ) -> tuple[int, ...]:
        n = self.dims
        if self.padding == "valid":
            return (0,) * n
        if self.padding == "same":
            if any(v != 1 for v in s):
                raise ShapeError('padding "same" needs stride 1 (PyTorch does not support it)')
            # Total padding d*(k-1) split as evenly as possible; size is preserved.
            return tuple(d[i] * (k[i] - 1) // 2 for i in range(n))
        p = as_tuple(self.padding, n, "padding")
        if any(v < 0 or v > 64 for v in p):
            raise ShapeError(f"padding must be between 0 and 64, got {list(p)}")
        return p

    def infer(self, x: TensorType) -> TensorType:
        name = self.type_name()
        need_rank(x, [self.dims + 1], name, LAYOUTS[self.dims])
        c = x.shape[0]
        if c % self.groups or self.out_channels % self.groups:
            raise ShapeError(
                f"groups={self.groups} must divide in_channels ({c}) and out_channels "
                f"({self.out_channels})"
            )
        k, s, d = self._args()
        p = self._padding(k, s, d)
        self._check_padding_mode(x, k, d, p)
        if self.padding == "same":
            return TensorType((self.out_channels, *x.shape[1:]))
        return TensorType((self.out_channels, *fit_windows(x, self.dims, k, s, p, d)))

    def _check_padding_mode(
        self, x: TensorType, k: tuple[int, ...], d: tuple[int, ...], p: tuple[int, ...]
    ) -> None:
        """Reflect padding must be shorter than the input; circular may wrap at most once."""
        if self.padding_mode not in ("reflect", "circular"):
            return
        for i, size in enumerate(x.shape[1:]):
            # "same" pads d*(k-1) in total, the larger half on the right.
            pad = d[i] * (k[i] - 1) - d[i] * (k[i] - 1) // 2 if self.padding == "same" else p[i]
            too_big = pad >= size if self.padding_mode == "reflect" else pad > size
            if too_big:
                limit = "smaller than" if self.padding_mode == "reflect" else "at most"
                raise ShapeError(
                    f"{self.padding_mode} padding of {pad} must be {limit} the input size {size}"
                )

    def build(self, x: TensorType) -> nn.Module:
        cls = nn.Conv1d if self.dims == 1 else nn.Conv2d
        padding = (
            self.padding
            if isinstance(self.padding, str)
            else as_tuple(self.padding, self.dims, "padding")
        )
        return cls(
            x.shape[0], self.out_channels, as_tuple(self.kernel_size, self.dims, "k"),  # type: ignore[arg-type]
            stride=as_tuple(self.stride, self.dims, "s"), padding=padding,  # type: ignore[arg-type]
            dilation=as_tuple(self.dilation, self.dims, "d"), groups=self.groups,  # type: ignore[arg-type]
            bias=self.bias, padding_mode=self.padding_mode,
        )  # fmt: skip

    def flops(self, x: TensorType, y: TensorType) -> int:
        k = numel(as_tuple(self.kernel_size, self.dims, "k"))
        return 2 * numel(y.shape) * (x.shape[0] // self.groups) * k

    def describe(self) -> str:
        return f"{self.type_name()}({self.out_channels}, k={self.kernel_size})"


class Conv1d(_ConvNd):
    """1-D convolution over (C, L) signals or sequences in channel-first layout."""

    dims: ClassVar[int] = 1
    type: Literal["Conv1d"] = "Conv1d"


class Conv2d(_ConvNd):
    """2-D convolution over (C, H, W) images; several kernels give several feature maps."""

    dims: ClassVar[int] = 2
    type: Literal["Conv2d"] = "Conv2d"


class _ConvTransposeNd(ParamLayer):
    """Learnable up-sampling: out = (in-1)*stride - 2*padding + dilation*(k-1) + output_padding + 1."""

    dims: ClassVar[int] = 2
    out_channels: int = Field(ge=1, le=4096, description="Number of output maps.")
    kernel_size: IntOrList = Field(2, description="Kernel size.")
    stride: IntOrList = Field(2, description="Up-sampling factor.")
    padding: IntOrList = Field(0, description="Removed from each side of the output.")
    output_padding: IntOrList = Field(0, description="Added to one side of the output.")
    dilation: IntOrList = Field(1, description="Spacing between kernel taps.")
    groups: int = Field(1, ge=1, le=4096, description="Channel groups.")
    bias: bool = Field(True, description="Learn one bias per output channel.")

    def infer(self, x: TensorType) -> TensorType:
        name = self.type_name()
        need_rank(x, [self.dims + 1], name, LAYOUTS[self.dims])
        n = self.dims
        k, s, p, op, d = (
            as_tuple(v, n, f)
            for v, f in (
                (self.kernel_size, "kernel_size"), (self.stride, "stride"), (self.padding, "padding"),
                (self.output_padding, "output_padding"), (self.dilation, "dilation"),
            )
        )  # fmt: skip
        if min(k + s + d) < 1 or min(p + op) < 0 or max(k + s + d + p + op) > 64:
            raise ShapeError("kernel_size, stride, dilation must be 1..64; paddings 0..64")
        if x.shape[0] % self.groups or self.out_channels % self.groups:
            raise ShapeError(f"groups={self.groups} must divide in and out channels")
        if any(op[i] >= max(s[i], d[i]) for i in range(n)):
            raise ShapeError("output_padding must be smaller than stride or dilation")
        out = tuple(
            (x.shape[1 + i] - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + op[i] + 1 for i in range(n)
        )
        if min(out) < 1:
            raise ShapeError(f"padding {list(p)} leaves no output for input {show(x.shape)}")
        return TensorType((self.out_channels, *out))

    def build(self, x: TensorType) -> nn.Module:
        cls = nn.ConvTranspose1d if self.dims == 1 else nn.ConvTranspose2d
        n = self.dims
        return cls(
            x.shape[0], self.out_channels, as_tuple(self.kernel_size, n, "k"),  # type: ignore[arg-type]
            stride=as_tuple(self.stride, n, "s"), padding=as_tuple(self.padding, n, "p"),  # type: ignore[arg-type]
            output_padding=as_tuple(self.output_padding, n, "o"), groups=self.groups,  # type: ignore[arg-type]
            bias=self.bias, dilation=as_tuple(self.dilation, n, "d"),  # type: ignore[arg-type]
        )  # fmt: skip

    def flops(self, x: TensorType, y: TensorType) -> int:
        k = numel(as_tuple(self.kernel_size, self.dims, "k"))
        return 2 * numel(x.shape[1:]) * x.shape[0] * (self.out_channels // self.groups) * k


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-D convolution (learnable up-sampling of (C, L))."""

    dims: ClassVar[int] = 1
    type: Literal["ConvTranspose1d"] = "ConvTranspose1d"


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed 2-D convolution (learnable up-sampling of (C, H, W))."""

    dims: ClassVar[int] = 2
    type: Literal["ConvTranspose2d"] = "ConvTranspose2d"
