"""The item processor on a Ray cluster: `uncover ingest CASE PATHS --ray auto|local|ADDRESS`.

Needs `pip install 'uncover[cluster]'` (Ray, Apache-2.0) on the machine that runs the ingest and on
every node, at the same uncover version. The ingest itself does not change: the machine that runs
it scans and hashes the inputs, owns the case database and the search index, and commits every
result (the single committer); only `process_item` (extraction, OCR, withholdings) runs on the
cluster, in batches of a few items sent to node workers: one Ray actor per CPU, each holding
its child process (one per ingest settings, two at most), kept running between ingests (for
KEEP_SECONDS idle) so that only the first ingest on a cluster pays for starting them. Results
come back as batches finish, in any order, pickled once by the child that made them, and are
committed one document per transaction as before.

Isolation is the local pool's: on each node a worker hands its items to a `LocalPool` of one child
process (started from a fork server, with the same time and memory limits), kept for the life of
the worker, so a file that segfaults, hangs or eats memory becomes that file's `crash`, `timeout`
or `too-large` exception and a fresh child takes its place. A batch whose worker or node is lost
is retried once, one item per Ray task on a live node, then reported as crashed; the lost worker
is replaced.

The shared-path contract: every node must see the case folder at the same absolute path as the
machine that runs the ingest (an NFS, SMB or cluster file-system mount): nodes read the stored
originals from CASE/originals/ (hashed and copied there before any parsing) and write container
members to CASE/derived/scratch/, which the committer then hashes into originals/. The paths
given to `uncover ingest` are read only by the committer.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import math
import os
import pickle
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..errors import ClusterError
from .workers import LocalPool, Outcome, WorkerLimits

T = TypeVar("T")
R = TypeVar("R")

BATCH = 32  # most items per batch: amortizes the per-call overhead (about 4 ms) over small items
TASK_SECONDS = 0.5  # batches are sized to take about this long: one slow item (an OCR page) goes alone
READY_TIMEOUT = 120.0  # seconds a node's child process may take to start (imports) before its first item
SYSTEM_RETRIES = 1  # a batch lost with its worker or node is run again once, item by item
JOIN_SECONDS = 60.0  # the most an ingest waits for the cluster to accept it before saying so
KEEP_SECONDS = 300.0  # a node worker left idle this long exits, handing its CPU back to the cluster
NAMESPACE = "uncover"  # the Ray namespace of the node workers, found by name by the next ingest
KEPT_POOLS = 2  # child processes a node worker keeps, one per ingest settings; the least recently used goes
_POOLS: OrderedDict[str, LocalPool[Any, Any]] = OrderedDict()  # per Ray worker process: its child-process pools


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise ClusterError("--ray needs the cluster extra: pip install 'uncover[cluster]' (on this machine and every node).") from exc
    return ray


class PickledResult:
    """`fn` whose result is pickled in the child process that computed it. The node worker then
    passes the bytes on to the committer as they are, instead of unpickling each result and
    pickling it again for Ray (pages, boxes, marks: thousands of small objects per document)."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn

    def __call__(self, task: Any) -> bytes:
        return pickle.dumps(self.fn(task), protocol=pickle.HIGHEST_PROTOCOL)


def run_batch(fn: Callable[[Any], Any], limits: WorkerLimits, tasks: list[Any]) -> list[Outcome[Any, Any]]:
    """On a node: the items of one Ray task, each in this worker's child process, with the limits.
    A result comes back pickled (PickledResult); `unpickled` reads it where it is committed."""
    pool = _pool(fn, limits)
    for task in tasks:
        pool.submit(task)
    outcomes = []
    where = _node_name()
    while (outcome := pool.next_outcome()) is not None:
        outcome.where = where
        outcomes.append(outcome)
    return outcomes


def warm(fn: Callable[[Any], Any], limits: WorkerLimits) -> str:
    """On a node: start this worker's child process (imports, fork server) before items arrive."""
    _pool(fn, limits)
    return _node_name()


class NodeWorker:
    """One CPU of the cluster: a Ray actor holding its child process between batches and between
    ingests. Starting a Ray worker, its fork server and its child costs seconds of CPU (about 4 s
    on a loaded 2-core machine), as much as a small production's whole processing; a worker kept
    for the next ingest makes that a cost of the first ingest on a cluster, not of every one.
    Idle for `keep_seconds` (set by the latest ingest), it closes its child and exits, handing its
    CPU back."""

    def __init__(self) -> None:
        self.keep_seconds = KEEP_SECONDS
        self.last = time.monotonic()
        self.busy = 0
        threading.Thread(target=self._expire, daemon=True).start()

    def run(self, fn: Callable[[Any], Any], limits: WorkerLimits, tasks: list[Any]) -> list[Outcome[Any, Any]]:
        self.busy += 1
        try:
            return run_batch(fn, limits, tasks)
        finally:
            self.busy -= 1
            self.last = time.monotonic()

    def warm(self, fn: Callable[[Any], Any], limits: WorkerLimits, keep_seconds: float) -> str:
        self.keep_seconds = keep_seconds
        self.last = time.monotonic()
        return warm(fn, limits)

    def _expire(self) -> None:
        while True:
            time.sleep(min(5.0, self.keep_seconds / 2))
            if not self.busy and time.monotonic() - self.last > self.keep_seconds:
                for pool in _POOLS.values():
                    pool.close()
                os._exit(0)  # Ray frees the actor's name and CPU; the next ingest starts a new one


def _pool(fn: Callable[[Any], Any], limits: WorkerLimits) -> LocalPool[Any, Any]:
    try:
        key = hashlib.sha256(pickle.dumps((fn, limits))).hexdigest()
    except (pickle.PicklingError, AttributeError, TypeError):
        key = f"{id(fn)}-{limits}"
    pool = _POOLS.pop(key, None)
    if pool is None:  # two ingests with other settings (OCR on and off) take turns without restarting each other's
        while len(_POOLS) >= KEPT_POOLS:
            _POOLS.popitem(last=False)[1].close()
        pool = LocalPool(PickledResult(fn), workers=1, limits=limits, start_method="forkserver",
                         preload=["uncover.ingest.process"], ready_timeout=READY_TIMEOUT,
                         main_in_children=False)  # the Ray worker's main is Ray's own script
    _POOLS[key] = pool
    return pool


def unpickled(outcome: Outcome[Any, Any]) -> Outcome[Any, Any]:
    """The outcome with its result read back from the bytes its child process pickled."""
    if isinstance(outcome.result, bytes):
        outcome.result = pickle.loads(outcome.result)
    return outcome


@functools.cache
def code_tag() -> str:
    """The version and a digest of uncover's source: kept node workers are found by this name, so
    an ingest never hands its items to workers left running by other code (an upgrade, or a
    checkout edited between two ingests on a development cluster). About 15 ms, once a process."""
    from .. import __version__

    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{__version__}-{digest.hexdigest()[:12]}"


STALE_PING_SECONDS = 0.5  # how long an idle node worker of other code takes to answer


def retire_stale_workers(ray: Any) -> list[str]:
    """Stop the idle node workers of other uncover code (left by an ingest before an upgrade, or
    before the checkout was edited). Each holds a CPU until it has been idle KEEP_SECONDS, and this
    ingest's own workers need those CPUs: without this, the first ingest after an upgrade waited
    up to five minutes before its first document. A worker that does not answer at once is busy
    with an ingest of its own code, and is left to finish it. Returns the names stopped."""
    mine = f"node-worker-{code_tag()}-"
    stale: dict[Any, tuple[str, Any]] = {}  # ping -> (name, worker)
    for entry in ray.util.list_named_actors(all_namespaces=True):
        name = entry["name"]
        if entry["namespace"] == NAMESPACE and name.startswith("node-worker-") and not name.startswith(mine):
            try:
                worker = ray.get_actor(name, namespace=NAMESPACE)
            except ValueError:
                continue  # gone meanwhile
            stale[worker.__ray_ready__.remote()] = (name, worker)
    if not stale:
        return []
    # a sync actor answers only between its batches; an idle one at once
    idle, _ = ray.wait(list(stale), num_returns=len(stale), timeout=STALE_PING_SECONDS)
    for ref in idle:
        ray.kill(stale[ref][1])  # killing one that has exited meanwhile is no error
    return [stale[ref][0] for ref in idle]


def _no_cluster(address: str, why: str) -> str:
    return (f"No Ray cluster at {address!r} ({why}). Start one with `ray start --head` (then `ray start --address "
            "HEAD:6379` on each node), or use --ray local to run one on this machine only.")


def _check_reachable(address: str) -> None:
    """Ray retries an address where nothing listens for ever, logging every 5 s: a mistyped
    HOST:PORT would hang the ingest. A refused or unanswered connection is said at once instead."""
    import socket

    if address in ("auto", "local") or "://" in address:
        return  # found by Ray from RAY_ADDRESS or the running cluster's file, or started here
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ClusterError(f"--ray {address!r} is not an address: give HOST:PORT (the head node's, port 6379 by default), "
                           "auto, or local.")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5.0).close()
    except OSError as exc:
        raise ClusterError(_no_cluster(address, f"nothing answers there: {exc.strerror or exc}")) from exc


def _node_name() -> str:
    import socket

    try:
        import ray

        node = ray.get_runtime_context().get_node_id()[:12]
    except Exception:  # noqa: BLE001 - outside Ray (a test calling run_batch directly)
        node = ""
    return f"{socket.gethostname()}/{node}" if node else socket.gethostname()


def _absolute(task: Any) -> Any:
    """Paths in a task as every node must see them (Ray workers run in their own folders)."""
    if not dataclasses.is_dataclass(task):
        return task
    changes = {f.name: Path(v).absolute() for f in dataclasses.fields(task) if isinstance(v := getattr(task, f.name), Path)}
    return dataclasses.replace(task, **changes) if changes else task


class ClusterJoin(Generic[T, R]):
    """The cluster's executor, built in a thread while the committer scans and hashes the inputs:
    importing Ray and joining the cluster take 0.6 to 1.5 s before the first item. The overlap
    pays where the scan waits on the disk (large originals on a shared mount); where both need the
    interpreter (a few hundred small files on a local disk) it hides little. A failure (no
    cluster at the address) is kept and raised by `raise_failure` or `executor`, whichever the
    committer reaches first."""

    def __init__(self, connect: Callable[[], RayExecutor[T, R]]) -> None:
        self._executor: RayExecutor[T, R] | None = None
        self._failure: BaseException | None = None
        self._gave_up = False
        self._thread = threading.Thread(target=self._connect, args=(connect,), name="uncover-ray-join", daemon=True)
        self._thread.start()

    def _connect(self, connect: Callable[[], RayExecutor[T, R]]) -> None:
        try:
            self._executor = connect()
        except BaseException as exc:  # noqa: BLE001 - handed to the committer's thread
            self._failure = exc

    def raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    def executor(self) -> RayExecutor[T, R]:
        self._thread.join(JOIN_SECONDS)
        if self._thread.is_alive():  # something answers at the address, but not a Ray cluster that accepts us
            self._gave_up = True
            raise ClusterError(f"The Ray cluster did not accept this ingest within {JOIN_SECONDS:.0f} s: check that the "
                               "address is the head node's (`ray status` there) and that this machine runs the same Ray "
                               "version. The inputs are hashed and kept; run the ingest again to go on.")
        self.raise_failure()
        assert self._executor is not None
        return self._executor

    def close(self) -> None:
        if not self._gave_up:
            self._thread.join(JOIN_SECONDS)
        if self._thread.is_alive():
            return  # still waiting on the cluster (see executor); nothing of ours runs there yet
        if self._executor is not None:
            self._executor.close()


@dataclasses.dataclass
class _Sent(Generic[T]):
    """A batch on its way: its items (with their system failures so far), and where and when it went."""

    batch: list[tuple[T, int]]
    slot: int  # the node worker; -1: a retry, as a plain Ray task
    sent: float
    deadline: float


class RayExecutor(Generic[T, R]):
    """Runs `fn(task)` in batches on the cluster's node workers; the same Executor interface as LocalPool.

    One `NodeWorker` per CPU, named by slot and uncover's code (`code_tag`), so the next ingest (from any
    machine) finds them running. Each gets at most two batches at a time: one running, one
    waiting, as the local pool does with its workers."""

    def __init__(self, fn: Callable[[T], R], address: str = "auto", limits: WorkerLimits | None = None,
                 batch: int = BATCH, cpus_per_task: float = 1.0, keep_seconds: float = KEEP_SECONDS) -> None:
        ray = self.ray = _ray()
        self.fn = fn
        self.limits = limits or WorkerLimits()
        self.batch = max(1, batch)
        self.cpus_per_task = cpus_per_task
        self.keep_seconds = keep_seconds
        self.started_ray = False
        if not ray.is_initialized():
            _check_reachable(address)
            # Ray's own messages are not the user's (a joining thread is told its SIGTERM handler is not set).
            logging.getLogger("ray").setLevel(max(logging.getLogger("ray").level, logging.ERROR))
            try:
                ray.init(address=None if address == "local" else address, log_to_driver=False, logging_level="ERROR",
                         include_dashboard=False, configure_logging=False)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ClusterError(_no_cluster(address, str(exc))) from exc
            self.started_ray = True
        cpus = float(ray.cluster_resources().get("CPU", 1.0))
        self.slots = max(1, int(cpus / cpus_per_task))
        self.fn_ref = ray.put(fn)
        self.node_worker = ray.remote(NodeWorker)
        retire_stale_workers(ray)
        # A retry runs as a plain task, which Ray places on a live node: a node that died with several
        # workers must not take an item's one retry with another of its dead workers. It reserves no
        # CPU (the node workers hold them all): retries are rare, one item each.
        self.retry_task = ray.remote(num_cpus=0, max_retries=0, scheduling_strategy="SPREAD")(run_batch)
        self.workers = [self._worker(i, named=True) for i in range(self.slots)]
        # A new worker starts now (its Ray process and child): that overlaps the committer's scan.
        self.warming = [w.warm.remote(self.fn_ref, self.limits, keep_seconds) for w in self.workers]
        self.queue: deque[tuple[T, int]] = deque()  # (task, system failures so far)
        self.in_flight: dict[Any, _Sent[T]] = {}
        self.item_seconds: float | None = None  # a moving average of the items' round trips
        self.ready: deque[Outcome[T, R]] = deque()

    def _worker(self, slot: int, named: bool) -> Any:
        """The slot's node worker: the running one of that name, else a new one; a replacement for a
        lost one is this ingest's own (unnamed), so it never collides with the dying one's name."""
        options: dict[str, Any] = {"num_cpus": self.cpus_per_task, "max_restarts": 0, "scheduling_strategy": "SPREAD"}
        if named:
            options.update(name=f"node-worker-{code_tag()}-{self.cpus_per_task:g}-{slot}", namespace=NAMESPACE,
                           lifetime="detached", get_if_exists=True)
        worker = self.node_worker.options(**options).remote()
        if not named:
            worker.warm.remote(self.fn_ref, self.limits, self.keep_seconds)
        return worker

    @property
    def size(self) -> int:
        return self.slots

    def submit(self, task: T) -> None:
        self.queue.append((_absolute(task), 0))

    def _batch_size(self) -> int:
        """Items per batch: one until the first batches have come back, then as many as take about
        TASK_SECONDS, up to `batch`; at the tail, few enough that every worker gets a share."""
        if self.item_seconds is None:
            return 1
        return max(1, min(self.batch, round(TASK_SECONDS / max(self.item_seconds, 1e-6))))

    def _dispatch(self) -> None:
        capacity = 2 * self.slots  # one running and one waiting per worker, as the local pool does
        while self.queue and len(self.in_flight) < capacity:
            free = capacity - len(self.in_flight)
            size = max(1, min(self._batch_size(), math.ceil(len(self.queue) / free)))
            batch: list[tuple[T, int]] = []
            while self.queue and len(batch) < size:
                task, failures = self.queue.popleft()
                if failures and batch:  # a retried item runs alone
                    self.queue.appendleft((task, failures))
                    break
                batch.append((task, failures))
                if failures:
                    break
            tasks = [t for t, _ in batch]
            if batch[0][1]:
                slot, ref = -1, self.retry_task.remote(self.fn_ref, self.limits, tasks)
            else:
                loads = [0] * self.slots
                for sent in self.in_flight.values():
                    if sent.slot >= 0:
                        loads[sent.slot] += 1
                slot = loads.index(min(loads))
                ref = self.workers[slot].run.remote(self.fn_ref, self.limits, tasks)
            now = time.monotonic()
            self.in_flight[ref] = _Sent(batch, slot, now, now + len(batch) * (self.limits.seconds + 30) + 120)

    def next_outcome(self) -> Outcome[T, R] | None:
        ray = self.ray
        while True:
            if self.ready:
                return unpickled(self.ready.popleft())
            self._dispatch()
            if not self.in_flight:
                return None
            done, _ = ray.wait(list(self.in_flight), num_returns=1, timeout=5.0)
            for ref in done:
                if ref not in self.in_flight:  # lost with its worker, already queued again
                    continue
                sent = self.in_flight.pop(ref)
                try:
                    self.ready.extend(ray.get(ref))
                except ray.exceptions.RayTaskError as exc:  # run_batch itself failed: report, never stop
                    self.ready.extend(Outcome(t, failure="crash", detail=f"the cluster task failed: {exc}") for t, _ in sent.batch)
                except ray.exceptions.RayError as exc:  # the worker or its node was lost
                    self._lost(sent, f"{type(exc).__name__}")
                else:
                    per_item = (time.monotonic() - sent.sent) / len(sent.batch)
                    self.item_seconds = per_item if self.item_seconds is None else 0.7 * self.item_seconds + 0.3 * per_item
            now = time.monotonic()
            for ref, sent in list(self.in_flight.items()):
                if ref in self.in_flight and now > sent.deadline:  # a node that stopped answering
                    del self.in_flight[ref]
                    if sent.slot < 0:
                        ray.cancel(ref, force=True)
                    self._lost(sent, "no answer from its node")

    def _lost(self, lost: _Sent[T], why: str) -> None:
        if lost.slot >= 0:  # a node worker: replace it; its other batches were lost with it
            self.ray.kill(self.workers[lost.slot])
            self.workers[lost.slot] = self._worker(lost.slot, named=False)
            for ref, other in list(self.in_flight.items()):
                if other.slot == lost.slot:
                    del self.in_flight[ref]
                    self._requeue(other.batch, why)
        self._requeue(lost.batch, why)

    def _requeue(self, batch: list[tuple[T, int]], why: str) -> None:
        for task, failures in batch:
            if failures < SYSTEM_RETRIES:
                self.queue.append((task, failures + 1))
            else:
                self.ready.append(Outcome(task, failure="crash", detail=f"the cluster worker processing it was lost ({why})"))

    def close(self) -> None:
        """The node workers stay for the next ingest; this ingest's batches still queued are dropped."""
        for ref in [*self.in_flight, *self.warming]:
            try:
                self.ray.cancel(ref)
            except (ValueError, self.ray.exceptions.RayError):
                pass  # already finished, or its worker is gone
        self.in_flight.clear()
        if self.started_ray:
            self.ray.shutdown()

    def __enter__(self) -> RayExecutor[T, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
