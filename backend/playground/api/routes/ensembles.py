"""/api/ensembles: score several runs of the same data together."""

from __future__ import annotations

from fastapi import APIRouter

from playground.api.auth import CurrentUser
from playground.api.deps import EnsemblesDep
from playground.api.schemas import EnsembleIn, EnsembleOut

router = APIRouter(prefix="/api/ensembles", tags=["ensembles"])


@router.post("")
def score_ensemble(body: EnsembleIn, ensembles: EnsemblesDep, user: CurrentUser) -> EnsembleOut:
    """Each member's test accuracy and loss beside the ensemble's (422 naming runs[i] for a
    run that does not fit: other data, no snapshots)."""
    result = ensembles.score(runs=body.runs, method=body.method, epoch=body.epoch, user=user)
    return EnsembleOut.model_validate(result)
