"""How many torch threads a run trains with: one, unless its steps are large enough to split.

One rule for every process that trains or computes views (the CLI, the workers, the
probes). The caller says how many cores the process may use; this module knows nothing of
the host.
"""

from __future__ import annotations

import contextlib

import torch

from playground.ml.datasets import DataContext
from playground.ml.errors import SpecError
from playground.ml.limits import Limits
from playground.ml.spec import RunSpec
from playground.ml.validate import Summary, validate

# Forward FLOPs in one optimizer step of the model's largest single layer (FLOPs per sample
# x batch; a recurrent layer: one timestep) from which a second intra-op thread pays off,
# and each further thread needs as much again. Threads split one op at a time, so the
# largest op decides, not the total (an MLP of several 1M-FLOP matmuls gains nothing).
# Measured on this 2-core machine (`bench/cli_threads.py --crossover`: one step, fwd + bwd
# + Adam, time with 2 threads / with 1, median of 3 alternating rounds). Calm (load 0.9):
# MLPs 1.00 up to 4M (w128 b128), 0.71-0.89 at 4-5M, 0.75-0.78 at 17M, 0.64-0.70 at 67M;
# CNNs 0.87-0.97 at 9.4M, 0.77-0.86 at 38M, 0.71-0.82 at 75M. Busy (load 6: other work on
# both cores): 2 threads ran 1.6-100x slower at every size up to 75M. The line sits where
# both families gain clearly; below it a wrong 1 costs 1.0-1.4x, a wrong 2 on a busy core
# 5x and more (the CLI also takes busy cores off: executors/host.py free_cores).
PARALLEL_WORK = 16_000_000

RECURRENT = frozenset({"RNN", "LSTM", "GRU"})  # layers that run their timesteps in order
INTEROP_THREADS = 1  # the loop issues no inter-op parallel work (no torch.jit.fork)


def choose_threads(work: int, *, cores: int, override: int | None = None) -> int:
    """Intra-op threads for steps of `work` FLOPs (largest layer) on `cores` usable cores.

    `override` (the CLI's --threads) wins as given; otherwise 1 below PARALLEL_WORK and one
    more thread per PARALLEL_WORK above it, never more than `cores`.
    """
    if override is not None:
        return max(1, override)
    return max(1, min(cores, 1 + work // PARALLEL_WORK))


def step_work(summary: Summary, batch_size: int | str) -> int:
    """Forward FLOPs per optimizer step of the largest leaf layer (a recurrent one per timestep)."""
    n = summary.data.n_train
    batch = n if batch_size == "full" else min(n, int(batch_size))
    rows = summary.rows
    largest = 0
    for i, row in enumerate(rows):
        if i + 1 < len(rows) and rows[i + 1].depth > row.depth:
            continue  # a container (Residual): its inner rows count one by one
        flops = row.flops
        if row.type in RECURRENT and len(row.input.shape) == 2:
            flops //= max(1, row.input.shape[0])  # (L, F): L steps one after another
        largest = max(largest, flops)
    return largest * batch


def threads_for(
    spec: RunSpec,
    *,
    cores: int,
    override: int | None = None,
    limits: Limits | None = None,
    ctx: DataContext | None = None,
    trials: int = 1,
    summary: Summary | None = None,
) -> int:
    """choose_threads for a spec; 1 for a spec that does not validate (training reports why).

    `trials`: how many such specs train together as one batched model (a sweep group):
    each batched op does the work of that many, so the largest op is `trials` times as big.
    `summary`: the spec's validation, when the caller has it (then it is not repeated).
    """
    if override is not None:
        return choose_threads(0, cores=cores, override=override)
    if cores <= 1:  # nothing to choose: spare the validation (it is repeated by training)
        return 1
    if summary is None:
        try:
            summary = validate(spec, limits=limits, ctx=ctx)
        except SpecError:
            return 1
    return choose_threads(trials * step_work(summary, spec.training.batch_size), cores=cores)


def use_threads(threads: int) -> int:
    """Set torch's intra-op threads (any time) and inter-op threads (once); returns the count."""
    torch.set_num_threads(threads)
    # Raises once set, or once parallel work has run: then the pool keeps its size.
    with contextlib.suppress(RuntimeError):
        torch.set_num_interop_threads(INTEROP_THREADS)
    return torch.get_num_threads()
