"""What training reports, and the hooks object it reports through.

Reports are plain dataclasses of Python numbers and lists, so a worker process can send
them over a pipe and an API can turn them into JSON without touching tensors.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from torch import Tensor, nn

Status = Literal["succeeded", "failed", "cancelled", "diverged"]


@dataclass
class RunStart:
    """Sent once, after the data set is loaded and the model built."""

    summary: dict[str, Any]
    seed: int
    device: str
    versions: dict[str, str]
    log_every: int
    total_steps: int
    plane: dict[str, Any] | None = None  # 2-D sets: ranges and a sample of raw points


@dataclass
class StepReport:
    """Mean training loss over the last `log_every` steps (reporting is throttled)."""

    step: int
    epoch: int
    loss: float


@dataclass
class LayerStats:
    """Per-layer health at the last step of an epoch (G7, G8)."""

    index: int  # top-level index in model.layers
    type: str
    grad_norm: float | None  # L2 norm of the layer's gradient before clipping
    weight_norm: float  # L2 norm of its parameters after the step
    update_ratio: float | None  # ||step update|| / ||weights||, healthy near 1e-3


@dataclass
class EpochReport:
    """Metrics after each epoch; epoch 0 is the untrained model (sanity check G1)."""

    epoch: int
    step: int
    metrics: dict[str, float]  # train_loss, val_loss, train_accuracy, val_accuracy, lr, ...
    layers: list[LayerStats]
    seconds: float  # wall time since training started


@dataclass
class BoundaryGrid:
    """Model output over a res x res grid of the raw 2-D input plane (H1).

    `data` is base64 of res*res*channels bytes, row-major (y, x, k), row 0 at y_range[0];
    byte q stands for lo + (hi - lo) * q / 255. Channels are class probabilities (lo 0,
    hi 1) or the regression output (k = 1). One byte per value is finer than a heat map
    shows and keeps a grid at about 7 KB for storage and for every viewer.
    """

    epoch: int
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    resolution: int
    channels: int
    lo: float
    hi: float
    data: str


@dataclass
class RunResult:
    """How a run ended; `test` is filled once, at the end, only for a finished run (F4)."""

    status: Status
    epochs: int = 0
    steps: int = 0
    seconds: float = 0.0
    error: str | None = None
    best_epoch: int | None = None
    stopped_early: bool = False
    test: dict[str, float] = field(default_factory=dict)
    confusion: list[list[int]] | None = None
    per_class_accuracy: list[float] | None = None
    summary: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Hooks:
    """Receives reports; subclass and override what you need. Set `cancelled` to stop.

    The loop reads `cancelled` once per step, so a cancel takes effect within one step.
    """

    cancelled: bool = False

    def tick(self) -> float:
        """Called by the training loop once before every step (and before validating each
        epoch); returns the seconds it held the loop (a pause), which the time limit and the
        reported times leave out."""
        return 0.0

    def on_start(self, start: RunStart) -> None:
        """Training is about to begin."""

    def on_step(self, report: StepReport) -> None:
        """Every `log_every` steps."""

    def on_epoch(self, report: EpochReport) -> None:
        """After every epoch (and once for epoch 0, before training)."""

    def on_boundary(self, grid: BoundaryGrid) -> None:
        """Every `boundary_every` epochs, for 2-D data sets."""

    def on_snapshot(self, epoch: int, model: nn.Module) -> None:
        """The weights after `epoch` are worth keeping (about SNAPSHOTS per run, always the
        first and the last epoch, and the restored best one); e.g. save them."""

    def on_snapshot_state(
        self, epoch: int, state: dict[str, Tensor], model: Callable[[], nn.Module]
    ) -> None:
        """on_snapshot for a caller that has the weights as a state_dict already: `state`
        holds CPU tensors, in state_dict order, that nobody writes to again (the hooks may
        keep them; they may be views of one shared copy); `model()` builds the module.

        A sweep group calls this: copying its stacked weights to the CPU once per epoch is
        cheaper than a module per trial (~0.3 ms a snapshot, 64 trials x 20 snapshots).
        By default: on_snapshot(epoch, model()), so hooks that want a module need nothing.
        """
        self.on_snapshot(epoch, model())

    def on_model(self, model: nn.Module) -> None:
        """The trained model (best weights when early stopping restores them), e.g. to save it."""

    def on_end(self, result: RunResult) -> None:
        """Always called last, whatever the outcome."""


class GroupTicks:
    """What a group of trials (ml/vectorized) may be given to call once before each of its
    steps instead of every trial's `Hooks.tick()`: the per-step work of all its trials'
    hooks in one call. Ticking 64 trials' hooks one by one before every step cost about a
    sixth of a small group's time. A group does not pause."""

    def tick(self) -> Collection[int]:
        """Before every step of the group: the positions (in the order the trials were
        given) of the trials asked to stop; trials that have ended already are ignored."""
        return ()
