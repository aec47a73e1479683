"""Which trials can train together: the group key of a spec."""

from __future__ import annotations

import json
from typing import Any

from playground.ml.layers.activations import ActivationSpec, PReLU
from playground.ml.layers.dense import Linear
from playground.ml.optimizers import SGD, Adam, AdamW
from playground.ml.spec import RunSpec

# What may differ between trials of one group: everything else must be equal. These are
# read per trial (seeds, init, optimizer settings, penalties, clipping limits, schedules).
PER_TRIAL_TRAINING = {
    "seed", "init", "optimizer", "scheduler", "l1", "l2", "grad_clip", "boundary_every",
}  # fmt: skip
PER_TRIAL_OPTIMIZER = {"lr", "momentum", "dampening", "weight_decay", "betas", "eps"}


def group_key(spec: RunSpec) -> str | None:
    """Trials with equal keys can be trained together in one `train_group` call; None: this
    spec cannot be trained in a group (it runs alone, as an ordinary run).

    Groupable: a stack of Linear layers and element-wise activations (PReLU, whose slope
    is a parameter, excluded), none copied from a stored run or frozen, trained by SGD,
    Adam or AdamW without amsgrad, early stopping or augmentation. Trials of a group share the data, layer widths, epochs,
    batch size, loss, optimizer type (and Nesterov on or off), the kind of gradient
    clipping and device; seeds, init, learning rates, momenta, betas, weight decay, l1/l2,
    clipping limits and schedules may differ.
    """
    t = spec.training
    if not isinstance(t.optimizer, SGD | Adam | AdamW) or t.early_stopping or t.augment:
        return None
    if isinstance(t.optimizer, Adam | AdamW) and t.optimizer.amsgrad:
        return None
    layers = [_layer_key(layer) for layer in spec.model.layers]
    if any(k is None for k in layers) or not any(isinstance(x, Linear) for x in spec.model.layers):
        return None
    optimizer = t.optimizer.model_dump(mode="json", exclude=PER_TRIAL_OPTIMIZER)
    clip = None
    if t.grad_clip is not None:
        clip = "max_norm" if t.grad_clip.max_norm is not None else "value"
    training = t.model_dump(mode="json", exclude=PER_TRIAL_TRAINING)
    key = {
        "data": spec.data.model_dump(mode="json"),
        "layers": layers,
        "training": training,
        "optimizer": optimizer,
        "grad_clip": clip,
    }
    return json.dumps(key, sort_keys=True, separators=(",", ":"))


def _layer_key(layer: Any) -> Any | None:
    """The layer's structure (its init may differ per trial); None if it cannot be stacked."""
    if layer.from_run is not None or layer.freeze:  # transfer learning trains alone
        return None
    if isinstance(layer, Linear):
        act = layer.activation
        if act is not None and _layer_key(act) is None:
            return None
        return layer.model_dump(mode="json", exclude={"init"})
    if isinstance(layer, ActivationSpec) and not isinstance(layer, PReLU):
        return layer.model_dump(mode="json")
    return None
