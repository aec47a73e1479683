"""Pooling over windows, and adaptive pooling to a fixed size (curriculum A7).

Window output sizes follow the convolution formula (see conv.py), with ceil_mode rounding up.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field
from torch import nn

from playground.ml.layers.base import ShapeError, as_tuple, need_rank, numel
from playground.ml.layers.common import ParamLayer
from playground.ml.layers.conv import LAYOUTS, IntOrList, fit_windows
from playground.ml.types import TensorType


class _PoolNd(ParamLayer):
    """Max or average over windows; stride defaults to the kernel size."""

    dims: ClassVar[int] = 2
    kind: ClassVar[str] = "max"
    kernel_size: IntOrList = Field(2, description="Window size.")
    stride: IntOrList | None = Field(None, description="Step between windows (default: kernel).")
    padding: IntOrList = Field(0, description="Implicit padding per side (<= kernel/2).")
    ceil_mode: bool = Field(False, description="Round the output size up instead of down.")

    def _dilation(self) -> tuple[int, ...]:
        return (1,) * self.dims

    def _geometry(self) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        """Kernel, stride and padding, one value per spatial dim."""
        n = self.dims
        k = as_tuple(self.kernel_size, n, "kernel_size")
        s = as_tuple(self.stride if self.stride is not None else self.kernel_size, n, "stride")
        return k, s, as_tuple(self.padding, n, "padding")

    def infer(self, x: TensorType) -> TensorType:
        name = self.type_name()
        need_rank(x, [self.dims + 1], name, LAYOUTS[self.dims])
        k, s, p = self._geometry()
        d = self._dilation()
        if min(k + s + d) < 1 or max(k + s + d) > 64 or min(p) < 0:
            raise ShapeError("kernel_size, stride, dilation must be 1..64 and padding >= 0")
        if any(2 * p[i] > k[i] for i in range(self.dims)):
            raise ShapeError(f"padding {list(p)} must be at most half the kernel {list(k)}")
        return TensorType((x.shape[0], *fit_windows(x, self.dims, k, s, p, d, self.ceil_mode)))

    def flops(self, x: TensorType, y: TensorType) -> int:
        return numel(y.shape) * numel(as_tuple(self.kernel_size, self.dims, "k"))


class _MaxPoolNd(_PoolNd):
    dilation: IntOrList = Field(1, description="Spacing between window taps.")

    def _dilation(self) -> tuple[int, ...]:
        return as_tuple(self.dilation, self.dims, "dilation")

    def build(self, x: TensorType) -> nn.Module:
        k, s, p = self._geometry()
        if self.dims == 1:
            return nn.MaxPool1d(k, s, p, self._dilation(), ceil_mode=self.ceil_mode)
        return nn.MaxPool2d(k, s, p, self._dilation(), ceil_mode=self.ceil_mode)


class MaxPool1d(_MaxPoolNd):
    """Max over windows of (C, L)."""

    dims: ClassVar[int] = 1
    type: Literal["MaxPool1d"] = "MaxPool1d"


class MaxPool2d(_MaxPoolNd):
    """Max over windows of (C, H, W)."""

    dims: ClassVar[int] = 2
    type: Literal["MaxPool2d"] = "MaxPool2d"


class _AvgPoolNd(_PoolNd):
    count_include_pad: bool = Field(True, description="Count padded zeros in the mean.")

    def build(self, x: TensorType) -> nn.Module:
        k, s, p = self._geometry()
        if self.dims == 1:
            return nn.AvgPool1d(k, s, p, self.ceil_mode, self.count_include_pad)  # type: ignore[arg-type]
        return nn.AvgPool2d(k, s, p, self.ceil_mode, self.count_include_pad)  # type: ignore[arg-type]


class AvgPool1d(_AvgPoolNd):
    """Mean over windows of (C, L)."""

    dims: ClassVar[int] = 1
    type: Literal["AvgPool1d"] = "AvgPool1d"


class AvgPool2d(_AvgPoolNd):
    """Mean over windows of (C, H, W)."""

    dims: ClassVar[int] = 2
    type: Literal["AvgPool2d"] = "AvgPool2d"


class _AdaptivePoolNd(ParamLayer):
    """Pools to a fixed output size whatever the input size; output_size 1 = global pooling."""

    dims: ClassVar[int] = 2
    output_size: IntOrList = Field(1, description="Output size per spatial dim (1 = global).")

    def infer(self, x: TensorType) -> TensorType:
        name = self.type_name()
        need_rank(x, [self.dims + 1], name, LAYOUTS[self.dims])
        out = as_tuple(self.output_size, self.dims, "output_size")
        if min(out) < 1 or max(out) > 4096:
            raise ShapeError("output_size must be 1..4096")
        return TensorType((x.shape[0], *out))

    def flops(self, x: TensorType, y: TensorType) -> int:
        return numel(x.shape)


class AdaptiveAvgPool1d(_AdaptivePoolNd):
    """Mean to a fixed length; output_size 1 is global average pooling."""

    dims: ClassVar[int] = 1
    type: Literal["AdaptiveAvgPool1d"] = "AdaptiveAvgPool1d"

    def build(self, x: TensorType) -> nn.Module:
        return nn.AdaptiveAvgPool1d(self.output_size)  # type: ignore[arg-type]


class AdaptiveAvgPool2d(_AdaptivePoolNd):
    """Mean to a fixed size; output_size 1 is global average pooling."""

    dims: ClassVar[int] = 2
    type: Literal["AdaptiveAvgPool2d"] = "AdaptiveAvgPool2d"

    def build(self, x: TensorType) -> nn.Module:
        return nn.AdaptiveAvgPool2d(self.output_size)  # type: ignore[arg-type]


class AdaptiveMaxPool2d(_AdaptivePoolNd):
    """Max to a fixed size; output_size 1 is global max pooling."""

    dims: ClassVar[int] = 2
    type: Literal["AdaptiveMaxPool2d"] = "AdaptiveMaxPool2d"

    def build(self, x: TensorType) -> nn.Module:
        return nn.AdaptiveMaxPool2d(self.output_size)  # type: ignore[arg-type]
