"""CUDA graphs for tiny nets: one training step recorded once, then replayed with one call.

A tiny net's step on a GPU is a few dozen kernels of a few microseconds each, so Python
and the kernel launches set the pace, not the GPU. A CUDA graph records the launches of
one step (forward, loss, backward, clipping, optimizer step) and replays them all at once.

A graph replays at the addresses it recorded: batches are copied into static input
buffers, gradients are zeroed in place (never set to None, so eager steps and replays use
the same tensors), and what the host would change between steps is frozen at capture. So
only runs whose step is the same every time are eligible (`ineligible`): a constant
learning rate, an optimizer with capturable state (SGD, Adam, AdamW, RMSprop), no augmentation
(it draws from the run's own generator, which a graph would replay unchanged). Batches of
another size (the ragged last one) and the last step of each epoch (whose gradients and
weights the layer statistics read between backward and update) step eagerly. Anything
unexpected while capturing is logged once and the run trains eagerly from there on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

import torch
from torch import Tensor

from playground.ml.optimizers import SGD, Adam, AdamW, Perceptron, RMSprop
from playground.ml.schedulers import Constant
from playground.ml.spec import TrainingSpec

log = logging.getLogger(__name__)

WARMUP_STEPS = 3  # eager steps on a side stream before capture (cuBLAS/cuDNN lazy setup)
MIN_REPLAYS = 8  # fewer full-size steps after warm-up than this: capture costs more than it saves
# cuDNN's recurrent kernels are left eager until a GPU run has checked them under capture.
EAGER_LAYERS = frozenset({"RNN", "LSTM", "GRU"})
# torch keeps Adam's, AdamW's and RMSprop's step count on the device when "capturable";
# SGD (and the Perceptron, plain SGD) has none. Adagrad's stays on the host.
GRAPH_OPTIMIZERS = (SGD, Adam, AdamW, RMSprop, Perceptron)


class Backward(Protocol):
    def __call__(self, xb: Tensor, yb: Tensor) -> tuple[Tensor, Tensor]:
        """Forward, loss and backward of one batch, gradients accumulated into p.grad;
        returns the detached (outputs, loss)."""
        ...


Update = Callable[[bool], None]  # update(measure): layer stats if measure, clip, optimizer step
Step = Callable[[], tuple[Tensor, Tensor]]  # a step on the static buffers: (outputs, loss)
Capture = Callable[[Step], Step]  # records a step; returns what replays it


def ineligible(
    t: TrainingSpec,
    device: torch.device,
    batches: list[tuple[int, int]],
    layer_types: set[str],
) -> str | None:
    """Why this run's steps cannot be replayed as a CUDA graph, or None when they can."""
    if t.cuda_graphs == "off":
        return "training.cuda_graphs is off"
    if device.type != "cuda":
        return "CUDA graphs are for GPUs"
    if t.augment is not None:
        return "augmentation draws new random numbers every step on the host's schedule"
    if not isinstance(t.optimizer, GRAPH_OPTIMIZERS):
        return f"{t.optimizer.type} keeps its step count on the host"
    if not isinstance(t.scheduler, Constant):
        return "a learning-rate schedule changes the rate that a graph would freeze"
    eager = sorted(layer_types & EAGER_LAYERS)
    if eager:
        return f"{', '.join(eager)} layers train eagerly"
    # Replayed: full-size batches but the last of each epoch (it measures layer stats).
    size = batches[0][1] - batches[0][0]
    full = sum(1 for lo, hi in batches[:-1] if hi - lo == size) * t.epochs
    if full - WARMUP_STEPS < MIN_REPLAYS:
        return "too few steps for a capture to pay off"
    return None


def make_capturable(optimizer: torch.optim.Optimizer) -> None:
    """Adam, AdamW and RMSprop keep their step count on the device (a graph can advance it); set
    before the first step, when the state is created."""
    for group in optimizer.param_groups:
        if "capturable" in group:
            group["capturable"] = True
    # The warm-up and odd batches step eagerly on purpose: torch's one-time warning that
    # capturable state slows eager steps says nothing the run can act on.
    optimizer._warned_capturable_if_run_uncaptured = True


def capture_graph(record: Step) -> Step:
    """Record `record()` into a CUDA graph; returns a function that replays it and gives
    the tensors the graph writes its (outputs, loss) into.

    "thread_local": a worker's other threads (snapshot writing) may use the GPU meanwhile.
    """
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph, capture_error_mode="thread_local"):
        outputs = record()

    def replay() -> tuple[Tensor, Tensor]:
        graph.replay()
        return outputs

    return replay


class GraphSteps:
    """Training steps of one run: eager first and for odd batches, then replays."""

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        backward: Backward,
        update: Update,
        batch: int,
        *,
        capture: Capture | None = None,
        warmup: int = WARMUP_STEPS,
    ) -> None:
        self.optimizer, self.backward, self.update = optimizer, backward, update
        self.batch, self.warmup = batch, warmup
        self.capture = capture or capture_graph  # read here: tests stand in a fake capture
        self.graph: Step | None = None  # replays the captured step
        self.failed = False  # a capture failed: eager from here on
        self.eager_steps = self.replays = 0
        self._static: tuple[Tensor, Tensor] | None = None  # the graph's (x, y) input buffers
        self._side: torch.cuda.Stream | None = None

    def __call__(self, xb: Tensor, yb: Tensor, *, measure: bool) -> tuple[Tensor, Tensor]:
        """One optimizer step on (xb, yb); returns the detached (outputs, loss)."""
        if measure or self.failed or xb.shape[0] != self.batch:
            return self._eager(xb, yb, measure)
        if self.graph is None:
            if self.eager_steps < self.warmup:
                return self._warm(xb, yb)
            if not self._capture(xb, yb):
                return self._eager(xb, yb, measure)
        return self._replay(xb, yb)

    def _eager(self, xb: Tensor, yb: Tensor, measure: bool) -> tuple[Tensor, Tensor]:
        self.eager_steps += 1
        self.optimizer.zero_grad(set_to_none=False)  # keep p.grad where the graph wrote it
        out, loss = self.backward(xb, yb)
        self.update(measure)
        return out, loss

    def _warm(self, xb: Tensor, yb: Tensor) -> tuple[Tensor, Tensor]:
        """An eager step on a side stream, as torch's CUDA graph recipe warms up."""
        if not xb.is_cuda:  # a test's stand-in capture on the CPU: no streams there
            return self._eager(xb, yb, False)
        main = torch.cuda.current_stream()
        if self._side is None:
            self._side = torch.cuda.Stream()  # type: ignore[no-untyped-call]
        self._side.wait_stream(main)
        with torch.cuda.stream(self._side):
            out, loss = self._eager(xb, yb, False)
        main.wait_stream(self._side)
        for t in (out, loss):  # made on the side stream, read and freed on the main one
            t.record_stream(main)
        return out, loss

    def _capture(self, xb: Tensor, yb: Tensor) -> bool:
        """Record the step on static buffers holding this batch; False (logged) on failure."""
        x, y = xb.clone(), yb.clone()

        def record() -> tuple[Tensor, Tensor]:
            self.optimizer.zero_grad(set_to_none=False)
            out, loss = self.backward(x, y)
            self.update(False)
            return out, loss

        try:
            self.graph = self.capture(record)
        except Exception as e:  # any surprise: train on eagerly, results unchanged
            # A capture records kernels without running them: weights and optimizer
            # state are as before, and this step runs eagerly instead.
            log.warning("CUDA graph capture failed, training eagerly: %s: %s", type(e).__name__, e)
            self.failed, self.graph = True, None
            return False
        self._static = (x, y)
        log.info(
            "CUDA graph captured after %d eager steps (batch %d)", self.eager_steps, self.batch
        )
        return True

    def _replay(self, xb: Tensor, yb: Tensor) -> tuple[Tensor, Tensor]:
        assert self._static is not None
        assert self.graph is not None
        x, y = self._static
        x.copy_(xb)
        y.copy_(yb)
        out, loss = self.graph()
        self.replays += 1
        return out.clone(), loss.clone()  # the next replay overwrites the graph's outputs
