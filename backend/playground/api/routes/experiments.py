"""/api/lr-find and /api/sanity: short experiments on a spec before a real run."""

from __future__ import annotations

from fastapi import APIRouter

from playground.api.auth import CurrentUser
from playground.api.deps import ExperimentsDep
from playground.api.experiment_schemas import LrFindIn, LrFindOut, SanityIn, SanityOut

router = APIRouter(prefix="/api", tags=["experiments"])


@router.post("/lr-find")
def lr_find(body: LrFindIn, experiments: ExperimentsDep, user: CurrentUser) -> LrFindOut:
    """Train a fresh copy of the model while the learning rate grows exponentially from
    min_lr to max_lr; suggests the rate where the smoothed loss falls fastest."""
    return LrFindOut.model_validate(
        experiments.lr_find(
            spec=body.spec,
            min_lr=body.min_lr,
            max_lr=body.max_lr,
            steps=body.steps,
            user=user,
        )
    )


@router.post("/sanity")
def sanity(body: SanityIn, experiments: ExperimentsDep, user: CurrentUser) -> SanityOut:
    """Checks before a long run: the untrained loss against the expected one (ln C for
    cross-entropy), and whether the network can overfit 20 training samples."""
    return SanityOut.model_validate(
        experiments.sanity(spec=body.spec, checks=body.checks, user=user)
    )
