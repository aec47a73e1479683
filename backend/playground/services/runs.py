"""Run use cases: create, cancel, rerun, delete, list, read, replay. No HTTP here."""

from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass, fields
from typing import Any, Literal

from playground.config import Settings
from playground.executors.base import Executor, ExecutorStatus
from playground.executors.control import Hold
from playground.ml.datasets import DataSpec
from playground.ml.errors import SpecError
from playground.ml.layers.base import FromRun
from playground.ml.preview import preview as preview_data
from playground.ml.snapshots import run_dir, snapshot_path
from playground.ml.spec import RunSpec
from playground.ml.transfer import Job, Loc, Transfer, check_source, model_shapes, sources
from playground.ml.validate import Summary, validate
from playground.services.access import (
    LOCAL_ADMIN,
    can_change,
    can_see,
    check_upload_use,
    owner_filter,
)
from playground.services.manager import RunManager
from playground.services.messages import StreamMessage, frames, render
from playground.services.replay import stored_rows
from playground.store.errors import RunNotFoundError
from playground.store.records import Page, Point, RunRecord, SnapshotRecord
from playground.store.repo import RunStore
from playground.store.states import ACTIVE, TERMINAL, RunStatus
from playground.store.uploads import UploadStore
from playground.store.users import UserRecord


def _layer_at(raw: dict[str, Any], loc: Loc) -> dict[str, Any]:
    """The dumped spec's layer at JSON path `loc`."""
    node: Any = raw
    for part in loc:
        node = node[part]
    return node  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class RunView(RunRecord):
    """A stored run with its place in the executor's queue, as clients see it."""

    queue_position: int | None  # 0 = next to start; None unless queued


@dataclass(frozen=True, slots=True)
class Replay:
    """What a new viewer of a run gets first: every stored message after its seq."""

    messages: list[StreamMessage]
    last_seq: int  # the newest batch committed when the replay was read
    finished: bool  # the run had ended: nothing more will follow


@dataclass(frozen=True, slots=True)
class EncodedReplay:
    """A replay as websocket frames (JSON arrays of messages), ready to send."""

    frames: list[str]
    sent_seq: int  # the newest seq in the frames (the viewer's after when there are none)
    final: bool  # the run's final status is in the frames
    last_seq: int  # the newest batch committed when the replay was read
    finished: bool  # the run had ended: nothing more will follow


class NotRunningError(Exception):
    """Pause, resume and step need a running run."""


class QueueFullError(Exception):
    """A member has as many runs queued as max_queued_per_user allows."""


def check_queue_room(runs: Runs, user: UserRecord, adding: int) -> None:
    """QueueFullError when `user` (a member; admins are not limited) would have more than
    max_queued_per_user runs waiting after queueing `adding` more."""
    if user.is_admin:
        return
    limit = runs.settings.max_queued_per_user
    queued = runs.store.queued_count(user.id)
    if queued + adding > limit:
        raise QueueFullError(
            f"you have {queued} runs waiting and this adds {adding}: at most {limit} may wait "
            f"at once (setting max_queued_per_user); wait for some to start, or cancel some"
        )


HOLDS = {"pause": Hold.PAUSE, "resume": Hold.RUN, "step": Hold.STEP}


@dataclass(frozen=True, slots=True)
class SystemStatus:
    """The executor's counts and the snapshot files kept for all runs."""

    executor: ExecutorStatus
    snapshots: int
    snapshot_bytes: int


@dataclass
class Runs:
    """The service the routes call; built once per app in the lifespan."""

    store: RunStore
    executor: Executor
    manager: RunManager
    settings: Settings
    uploads: UploadStore  # whose each upload is: a member trains only on their own

    def check(self, spec: RunSpec, user: UserRecord = LOCAL_ADMIN) -> Summary:
        """Shape inference, limits, the upload and layers copied from stored runs (that
        `user` may use); raises SpecError with JSON paths."""
        check_upload_use(self.uploads, spec.data, user)
        summary = validate(spec, limits=self.settings.limits, ctx=self.settings.data_context())
        self._transfers(spec, summary, user)
        return summary

    def _transfers(
        self, spec: RunSpec, summary: Summary, user: UserRecord
    ) -> tuple[RunSpec, list[Transfer]]:
        """The spec with each `from_run` epoch "last" replaced by its number, and the
        copies the worker makes; SpecError at the `from_run` that cannot be met."""
        wanted = sources(spec)
        if not wanted:
            return spec, []
        shapes = model_shapes(spec, summary.data.input)
        raw = spec.model_dump(mode="json")
        transfers = []
        for loc, layer in wanted:
            origin = layer.from_run
            assert origin is not None
            source = self.store.get_run(origin.run)
            if source is None or not can_see(user, source):
                raise SpecError.at((*loc, "from_run", "run"), f"no run {origin.run}")
            epoch = self._source_epoch(loc, origin)
            _layer_at(raw, loc)["from_run"]["epoch"] = epoch
            transfers.append(
                check_source(
                    loc=loc, target_spec=spec, target_shapes=shapes,
                    source_spec=RunSpec.model_validate(source.spec),
                    # Built from the two integers only: no user text reaches a path.
                    source_file=snapshot_path(self.settings.artifacts_dir(), origin.run, epoch),
                )
            )  # fmt: skip
        return RunSpec.model_validate(raw), transfers

    def _source_epoch(self, loc: Loc, origin: FromRun) -> int:
        """The snapshot epoch `origin` names ("last": the newest so far)."""
        epochs = [s.epoch for s in self.store.snapshots(origin.run)]
        at = (*loc, "from_run", "epoch")
        if not epochs:
            raise SpecError.at(at, f"run {origin.run} has no saved weights (snapshots) yet")
        if origin.epoch == "last":
            return epochs[-1]
        if origin.epoch not in epochs:
            shown = ", ".join(map(str, epochs[:12])) + (", ..." if len(epochs) > 12 else "")
            raise SpecError.at(
                at, f"run {origin.run} has no snapshot at epoch {origin.epoch}; it has {shown}"
            )
        return origin.epoch

    def prepare(self, spec: RunSpec, user: UserRecord = LOCAL_ADMIN) -> tuple[RunSpec, str]:
        """Check a spec as `check` does; the spec to store ("last" resolved) and the job
        text for the worker."""
        check_upload_use(self.uploads, spec.data, user)
        summary = validate(spec, limits=self.settings.limits, ctx=self.settings.data_context())
        resolved, transfers = self._transfers(spec, summary, user)
        if not transfers:
            return resolved, resolved.model_dump_json()
        return resolved, Job(spec=resolved, transfers=transfers).model_dump_json()

    def preview(self, *, data: DataSpec, user: UserRecord = LOCAL_ADMIN) -> dict[str, Any]:
        """A sample of the data set to draw; raises SpecError with JSON paths, like check."""
        check_upload_use(self.uploads, data, user)
        ctx, limits = self.settings.data_context(), self.settings.limits
        return preview_data(data, ctx, max_samples=limits.max_samples)

    def create(
        self, *, spec: RunSpec, tags: list[str] | None = None, user: UserRecord = LOCAL_ADMIN
    ) -> RunView:
        """Validate, store as queued (owned by `user`), hand to the executor (an invalid
        spec never reaches it); QueueFullError when the user has too many waiting."""
        spec, job = self.prepare(spec, user)
        check_queue_room(self, user, 1)
        resolved = spec.model_dump(mode="json")  # the full spec, defaults filled in
        rec = self.store.create_run(
            name=spec.name.strip() or f"{spec.data.dataset} run", spec=resolved,
            dataset=spec.data.dataset, seed=spec.training.seed, tags=tags or (),
            owner_id=user.id,
        )  # fmt: skip
        self.manager.publish_status(rec)
        self.executor.submit(rec.id, job, owner=user.id)
        return self.view(rec)

    def _requeued(self, spec: RunSpec) -> str:
        """The job text of a stored queued run, as `create` made it."""
        try:
            return self.prepare(spec)[1]
        except SpecError:  # e.g. its source run went away: the worker fails it, saying why
            return spec.model_dump_json()

    def get(self, run_id: int, user: UserRecord = LOCAL_ADMIN, change: bool = False) -> RunRecord:
        """The stored run; RunNotFoundError when there is none, or `user` may not see it
        (`change`: may not change it; a shared run is read-only to others)."""
        rec = self.store.get_run(run_id)
        if rec is None or not (can_change if change else can_see)(user, rec):
            raise RunNotFoundError(run_id)
        return rec

    def view(self, rec: RunRecord) -> RunView:
        """The run as clients see it: the record and, while queued, its queue position."""
        position = self.executor.queue_position(rec.id) if rec.status == RunStatus.QUEUED else None
        values = {f.name: getattr(rec, f.name) for f in fields(RunRecord)}
        return RunView(**values, queue_position=position)

    def update(
        self,
        *,
        run_id: int,
        name: str | None = None,
        tags: list[str] | None = None,
        notes: str | None = None,
        shared: bool | None = None,
    ) -> RunView:
        """Rename, retag, annotate or share (None leaves a field as it is)."""
        rec = self.store.update_meta(run_id, name=name, tags=tags, notes=notes, shared=shared)
        return self.view(rec)

    def cancel(self, *, run_id: int) -> RunView:
        """Ask the executor to stop the run; the status follows when the worker confirms."""
        rec = self.get(run_id)
        if rec.status in ACTIVE:
            self.executor.cancel(run_id)
        return self.view(rec)

    def hold(self, *, run_id: int, action: Literal["pause", "resume", "step"]) -> RunView:
        """Pause a running run before its next step, resume it, or train one more epoch
        and pause again; the stream says when it holds ("paused" messages)."""
        rec = self.get(run_id)
        if rec.status == RunStatus.RUNNING and self.executor.in_group(run_id):
            raise NotRunningError(
                f"run {run_id} is a trial of a sweep group: trials of a sweep group train "
                f"together and cannot be paused one by one"
            )
        if rec.status != RunStatus.RUNNING or not self.executor.hold(run_id, HOLDS[action]):
            raise NotRunningError(f"run {run_id} is {rec.status}: only a running run can {action}")
        return self.view(rec)

    def delete(self, *, run_id: int) -> None:
        """Cancel if active, then remove the run and everything stored for it."""
        rec = self.get(run_id)
        if rec.status in ACTIVE:
            self.executor.cancel(run_id)
        self.store.delete_run(run_id)
        # Files after rows: a listed snapshot always exists. A worker still cancelling may
        # write one more; the manager removes files that arrive for a deleted run.
        shutil.rmtree(run_dir(self.settings.artifacts_dir(), run_id), ignore_errors=True)
        self.manager.publish_deleted(run_id)

    def rerun(
        self, *, run_id: int, seed: int | None = None, user: UserRecord = LOCAL_ADMIN
    ) -> RunView:
        """A new run of `user`'s with the same spec (of a run they may see), optionally with
        another seed."""
        raw: dict[str, Any] = dict(self.get(run_id, user).spec)
        if seed is not None:
            raw["training"] = {**raw["training"], "seed": seed}
        return self.create(spec=RunSpec.model_validate(raw), user=user)

    def page(self, user: UserRecord = LOCAL_ADMIN, **filters: Any) -> Page[RunView]:
        """A page of the runs `user` owns (an admin: all; filters as in
        RunStore.list_runs)."""
        page = self.store.list_runs(owner_id=owner_filter(user), **filters)
        return Page([self.view(r) for r in page.items], page.next_cursor)

    def metrics(self, *, run_id: int, **query: Any) -> dict[str, list[Point]]:
        """Stored series keyed 'split/name' (query as in RunStore.metrics)."""
        self.get(run_id)
        return self.store.metrics(run_id, **query)

    def replay(self, *, run_id: int, after: int, user: UserRecord = LOCAL_ADMIN) -> Replay | None:
        """Every stored message with seq > after, rendered as live viewers saw it (None:
        there is no such run); a long history downsampled up to its tail (services/replay.py).

        Holds exactly the batches committed when the run was read (seq <= last_seq): the
        metric and event reads are two queries, and a batch committed between them would
        otherwise be half replayed. Later batches reach a viewer through the hub, to which
        it must subscribe before calling this, so nothing falls between the two.
        """
        rec = self.store.get_run(run_id)
        if rec is None or not can_see(user, rec):
            return None
        metrics, events = stored_rows(self.store, run_id, after=after)
        messages = [m for m in render(run_id, metrics, events) if m["seq"] <= rec.last_seq]
        return Replay(messages, rec.last_seq, rec.status in TERMINAL)

    def replay_frames(
        self, *, run_id: int, after: int, max_bytes: int, user: UserRecord = LOCAL_ADMIN
    ) -> EncodedReplay | None:
        """`replay`, encoded as the websocket frames to send (messages.frames); None: there
        is no such run. Reads, renders and encodes: call it off the event loop."""
        replay = self.replay(run_id=run_id, after=after, user=user)
        if replay is None:
            return None
        texts, sent, final = frames(replay.messages, after, max_bytes)
        return EncodedReplay(texts, sent, final, replay.last_seq, replay.finished)

    def sees(self, user: UserRecord, run_id: int) -> bool:
        """Whether `user` may see run `run_id` (False: there is none)."""
        if user.is_admin:
            return True
        rec = self.store.get_run(run_id)
        return rec is not None and can_see(user, rec)

    def snapshots(self, *, run_id: int) -> list[SnapshotRecord]:
        """The run's saved weights by epoch (so far, while it trains)."""
        self.get(run_id)
        return self.store.snapshots(run_id)

    def system(self) -> SystemStatus:
        """Workers busy/idle, queue length and devices; snapshot files kept."""
        count, size = self.store.snapshot_totals()
        return SystemStatus(self.executor.status(), snapshots=count, snapshot_bytes=size)

    def recover(self) -> tuple[list[int], list[int]]:
        """At start: fail runs a previous process left running; re-queue the queued ones."""
        failed = self.store.fail_interrupted("interrupted by server restart")
        queued = self.store.queued_ids()
        records = [self.get(run_id) for run_id in queued]
        # A sweep's trials go back as one group (in queue order), so that the executor may
        # still train them together; other runs one by one.
        for sweep_id, group in itertools.groupby(records, key=lambda r: r.sweep_id):
            members = list(group)
            jobs = [(r.id, self._requeued(RunSpec.model_validate(r.spec))) for r in members]
            if sweep_id is not None:
                self.executor.submit_group(jobs, owner=members[0].owner_id)
                continue
            for (run_id, job), rec in zip(jobs, members, strict=True):
                self.executor.submit(run_id, job, owner=rec.owner_id)
        return failed, queued
