"""Weight initialisation schemes (curriculum D12), named like torch.nn.init functions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field
from torch import Tensor, nn

from playground.ml.spec_model import SpecModel

Nonlinearity = Literal["linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]


class InitFn(SpecModel):
    """Base: fills one tensor in place."""

    def apply(self, t: Tensor) -> None:
        raise NotImplementedError


class XavierUniform(InitFn):
    """Glorot: U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)); suits tanh/sigmoid."""

    type: Literal["xavier_uniform"] = "xavier_uniform"
    gain: float = Field(1.0, gt=0, le=10, description="Scale factor.")

    def apply(self, t: Tensor) -> None:
        nn.init.xavier_uniform_(t, self.gain)


class XavierNormal(InitFn):
    """Glorot: N(0, gain^2 * 2 / (fan_in + fan_out))."""

    type: Literal["xavier_normal"] = "xavier_normal"
    gain: float = Field(1.0, gt=0, le=10, description="Scale factor.")

    def apply(self, t: Tensor) -> None:
        nn.init.xavier_normal_(t, self.gain)


class KaimingUniform(InitFn):
    """He/MSRA: U(-b, b), b = gain * sqrt(3 / fan); suits ReLU."""

    type: Literal["kaiming_uniform"] = "kaiming_uniform"
    a: float = Field(0.0, ge=0, le=1, description="Negative slope of a leaky ReLU.")
    mode: Literal["fan_in", "fan_out"] = Field("fan_in", description="Fan used for the scale.")
    nonlinearity: Nonlinearity = Field("relu", description="Activation the gain is for.")

    def apply(self, t: Tensor) -> None:
        nn.init.kaiming_uniform_(t, self.a, self.mode, self.nonlinearity)


class KaimingNormal(InitFn):
    """He/MSRA: N(0, gain^2 / fan); suits ReLU."""

    type: Literal["kaiming_normal"] = "kaiming_normal"
    a: float = Field(0.0, ge=0, le=1, description="Negative slope of a leaky ReLU.")
    mode: Literal["fan_in", "fan_out"] = Field("fan_in", description="Fan used for the scale.")
    nonlinearity: Nonlinearity = Field("relu", description="Activation the gain is for.")

    def apply(self, t: Tensor) -> None:
        nn.init.kaiming_normal_(t, self.a, self.mode, self.nonlinearity)


class Normal(InitFn):
    """N(mean, std^2); a small std (0.01) is the classic 'small Gaussian'."""

    type: Literal["normal"] = "normal"
    mean: float = Field(0.0, ge=-10, le=10, description="Mean.")
    std: float = Field(0.01, gt=0, le=10, description="Standard deviation.")

    def apply(self, t: Tensor) -> None:
        nn.init.normal_(t, self.mean, self.std)


class Uniform(InitFn):
    """U(a, b)."""

    type: Literal["uniform"] = "uniform"
    a: float = Field(-0.05, ge=-10, le=10, description="Lower bound.")
    b: float = Field(0.05, ge=-10, le=10, description="Upper bound.")

    def apply(self, t: Tensor) -> None:
        nn.init.uniform_(t, self.a, self.b)


class Constant(InitFn):
    """Every entry = val: all units stay identical (symmetry is never broken)."""

    type: Literal["constant"] = "constant"
    val: float = Field(0.1, ge=-10, le=10, description="The value.")

    def apply(self, t: Tensor) -> None:
        nn.init.constant_(t, self.val)


class Zeros(InitFn):
    """Every entry = 0 (the usual choice for biases)."""

    type: Literal["zeros"] = "zeros"

    def apply(self, t: Tensor) -> None:
        nn.init.zeros_(t)


class Orthogonal(InitFn):
    """A (semi-)orthogonal matrix times gain; common for recurrent weights."""

    type: Literal["orthogonal"] = "orthogonal"
    gain: float = Field(1.0, gt=0, le=10, description="Scale factor.")

    def apply(self, t: Tensor) -> None:
        nn.init.orthogonal_(t, self.gain)


INIT_TYPES: tuple[type[InitFn], ...] = (
    XavierUniform, XavierNormal, KaimingUniform, KaimingNormal, Normal, Uniform, Constant,
    Zeros, Orthogonal,
)  # fmt: skip


def _name_to_object(value: Any) -> Any:
    return {"type": value} if isinstance(value, str) else value


Init = Annotated[
    XavierUniform
    | XavierNormal
    | KaimingUniform
    | KaimingNormal
    | Normal
    | Uniform
    | Constant
    | Zeros
    | Orthogonal,
    Field(discriminator="type"),
    BeforeValidator(_name_to_object),
]


class InitSpec(SpecModel):
    """How to initialise weights (matrices and kernels) and biases; None keeps PyTorch's."""

    weight: Init | None = Field(None, description="Scheme for weight matrices and kernels.")
    bias: Init | None = Field(None, description="Scheme for bias vectors.")


def apply_init(module: nn.Module, init: InitSpec) -> None:
    """Initialise every weight (>= 2-D) and bias of `module` and its children.

    1-D weights (batch/layer norm scales) keep their defaults of 1: the schemes above are
    defined by fan-in and fan-out, which a scale vector does not have.
    """
    for name, p in module.named_parameters():
        leaf = name.rsplit(".", 1)[-1]
        # PyTorch names them weight, weight_ih_l0, in_proj_weight, bias, in_proj_bias, ...
        if "bias" in leaf and init.bias is not None:
            init.bias.apply(p.data)
        elif "weight" in leaf and p.dim() >= 2 and init.weight is not None:
            init.weight.apply(p.data)
