"""Small value types shared by specs, data sets, shape inference and training (errors: errors.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Task = Literal["classification", "regression"]


@dataclass(frozen=True)
class TensorType:
    """What one sample looks like as it flows through the network (no batch dimension).

    `vocab` is set when the values are integer token ids in [0, vocab) (dtype long);
    otherwise the tensor holds float32 features.
    """

    shape: tuple[int, ...]
    vocab: int | None = None

    @property
    def is_tokens(self) -> bool:
        return self.vocab is not None

    def __str__(self) -> str:
        dims = "x".join(str(d) for d in self.shape) if self.shape else "scalar"
        return f"{dims} token ids" if self.is_tokens else dims


@dataclass(frozen=True)
class TargetInfo:
    """What the model must predict for one sample.

    Classification targets are class ids (long); regression targets are float vectors
    of `n_outputs` values. `steps` is set for many-to-many sequence sets, where every
    one of `steps` positions has its own target.
    """

    task: Task
    n_classes: int | None = None
    n_outputs: int | None = None
    steps: int | None = None
    class_names: tuple[str, ...] = field(default_factory=tuple)

    @property
    def size(self) -> int:
        """Classes for classification, values per sample for regression."""
        n = self.n_classes if self.task == "classification" else self.n_outputs
        assert n is not None
        return n
