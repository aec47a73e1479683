"""Train a group of sweep trials that share structure together, as one batched model.

`group_key` says which trials may share a group; `train_group` trains a group and reports
per trial through each trial's own hooks, exactly as `train()` does for a run alone.

The parts: key.py (what may be grouped), stack.py (T models as one stacked parameter
tensor and its batched forward), optim.py (SGD/Adam/AdamW with per-trial settings,
clipping, penalties, schedules), group.py (the loop and each trial's reports).
"""

from playground.ml.vectorized.group import train_group
from playground.ml.vectorized.key import group_key

__all__ = ["group_key", "train_group"]
