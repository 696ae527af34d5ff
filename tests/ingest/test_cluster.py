"""The item processor on a Ray cluster (a head and a worker node on 127.0.0.1, started here):
the same isolation as the local pool, and the same case as an ingest through the local pool."""

from __future__ import annotations

import hashlib
import os
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # every Ray address on 127.0.0.1, none on the network

try:
    import ray
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("Ray is not installed (pip install -e '.[cluster]')", allow_module_level=True)

from uncover import Case  # noqa: E402
from uncover.ingest.cluster import RayExecutor  # noqa: E402
from uncover.ingest.pipeline import IngestOptions, ingest, reconcile  # noqa: E402
from uncover.ingest.workers import WorkerLimits  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    from ray.cluster_utils import Cluster

    # Ray workers import the fault-injecting function of test_workers.py by name.
    os.environ["PYTHONPATH"] = os.pathsep.join([str(HERE), *filter(None, [os.environ.get("PYTHONPATH")])])
    node = {"num_cpus": 1, "object_store_memory": 80 * 1024**2}
    cluster = Cluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
    cluster.add_node(**node)
    cluster.wait_for_nodes()
    try:
        yield cluster.address
    finally:
        cluster.shutdown()


def test_each_failure_becomes_its_outcome_and_both_nodes_work(cluster: str) -> None:
    sys.path.insert(0, str(HERE))
    from test_workers import assert_each_failure_isolated, misbehave

    tasks = ["a", "segfault", "b", "hang", "c", "memory", "raise", "d"]
    started = time.monotonic()
    with RayExecutor(misbehave, cluster, WorkerLimits(seconds=3, memory_bytes=512 * 1024**2), batch=2) as executor:
        assert executor.size == 2
        for t in tasks:
            executor.submit(t)
        outcomes = {}
        while (o := executor.next_outcome()) is not None:
            outcomes[o.task] = o
    assert_each_failure_isolated(outcomes, tasks)
    assert len({o.where for o in outcomes.values()}) == 2, "the batches ran on both nodes"
    assert time.monotonic() - started < 120  # a 3 s hang and a crash cost seconds, not minutes


def production(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for i in range(30):
        (folder / f"memo-{i:02d}.txt").write_text(f"Memo {i} about the detainer program and county {i % 7}.\n", "utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> garbage")
    with zipfile.ZipFile(folder / "bundle.zip", "w") as archive:
        for i in range(6):
            archive.writestr(f"inner/member-{i}.txt", f"Member {i} of the bundle.\n")
    return folder


def signature(case: Case) -> list[tuple[str, str, str]]:
    rows = []
    for doc in case.store.iter_documents():
        text = "\f".join(p.text for p in case.store.pages(doc.id))
        rows.append((doc.path, doc.sha256, hashlib.sha256(text.encode()).hexdigest()))
    return sorted(rows)


def test_ingest_through_ray_equals_the_local_pool(cluster: str, tmp_path: Path) -> None:
    source = production(tmp_path / "PROD")
    local = Case.init(tmp_path / "local")
    ingest(local, [source], IngestOptions(production="P", ocr="never", workers=1))
    remote = Case.init(tmp_path / "remote")
    report = ingest(remote, [source], IngestOptions(production="P", ocr="never", ray=cluster))
    assert not ray.is_initialized(), "the ingest left the cluster (beside the case passes) before it returned"
    assert report.counts.documents == 37 and report.counts.exceptions == 2
    assert signature(remote) == signature(local)
    assert reconcile(remote) == reconcile(local) and reconcile(remote)["difference"] == 0
    assert sorted(i.category for i in remote.store.issues(exceptions_only=True)) == \
        sorted(i.category for i in local.store.issues(exceptions_only=True))
    assert remote.index.count() == 37
    local.close()
    remote.close()


def child_pids(cluster: str, keep_seconds: float = 300, seconds: float = 30) -> set[str]:
    """The process ids of the children that ran four items through a new executor on the cluster."""
    sys.path.insert(0, str(HERE))
    from test_workers import misbehave

    with RayExecutor(misbehave, cluster, WorkerLimits(seconds=seconds), batch=1, keep_seconds=keep_seconds) as executor:
        for t in "abcd":
            executor.submit(t)
        pids = set()
        while (o := executor.next_outcome()) is not None:
            assert o.result is not None
            pids.add(o.result.rsplit(" ", 1)[1])
    return pids


def test_node_workers_are_kept_for_the_next_ingest_then_exit_when_idle(cluster: str) -> None:
    first = child_pids(cluster)
    assert len(first) == 2
    assert child_pids(cluster, keep_seconds=1) == first, "a second executor found the same workers and their children running"
    time.sleep(10)  # idle past keep_seconds: they exited (Ray has their CPUs back)
    assert not child_pids(cluster) & first


def test_two_ingests_with_other_settings_keep_their_own_children(cluster: str) -> None:
    """Node workers shared by two ingests with different settings (here, time limits) keep a child
    for each, so taking turns restarts neither (a child's start is seconds of imports)."""
    first, other = child_pids(cluster, seconds=30), child_pids(cluster, seconds=31)
    assert len(first) == 2 and not first & other, "other settings: children of their own"
    assert child_pids(cluster, seconds=30) == first and child_pids(cluster, seconds=31) == other


def test_a_lost_node_worker_is_replaced_and_its_batch_retried(cluster: str) -> None:
    import threading

    import ray

    sys.path.insert(0, str(HERE))
    from test_workers import misbehave

    killed = []

    def kill_the_workers() -> None:
        time.sleep(1.5)  # "hang" is running, under its 4 s limit
        for name in ray.util.list_named_actors(all_namespaces=True):
            if name["namespace"] == "uncover":
                ray.kill(ray.get_actor(name["name"], namespace="uncover"))
                killed.append(name["name"])

    started = time.monotonic()
    with RayExecutor(misbehave, cluster, WorkerLimits(seconds=4), batch=2) as executor:
        for t in ["hang", "a", "b", "c"]:
            executor.submit(t)
        killer = threading.Thread(target=kill_the_workers)
        killer.start()
        outcomes = {}
        while (o := executor.next_outcome()) is not None:
            outcomes[o.task] = o
        killer.join()
    assert len(killed) == 2
    assert outcomes["hang"].failure == "timeout", "retried alone on a live node, it met its own limit there"
    assert time.monotonic() - started > 1.5 + 4, "the retry ran it again from the start"
    assert all(outcomes[t].result and outcomes[t].result.startswith(f"{t} done") for t in "abc"), "each was retried once"


def test_a_wrong_cluster_address_is_said_at_once_and_the_scan_is_kept(tmp_path: Path) -> None:
    """Ray itself retries an address where nothing listens for ever: a typo must not hang the ingest."""
    import socket

    from uncover.errors import ClusterError

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{probe.getsockname()[1]}"
    source = production(tmp_path / "PROD")
    case = Case.init(tmp_path / "case")
    started = time.monotonic()
    with pytest.raises(ClusterError, match=f"No Ray cluster at '{address}'.*nothing answers there"):
        ingest(case, [source], IngestOptions(production="P", ocr="never", ray=address))
    assert time.monotonic() - started < 30
    assert len(case.store.pending_inputs()) == 33, "every file was hashed and kept, none processed"
    with pytest.raises(ClusterError, match="not an address"):
        ingest(case, [source], IngestOptions(production="P", ocr="never", ray="head-node"))
    report = ingest(case, [source], IngestOptions(production="P", ocr="never", workers=1))
    assert report.counts.documents == 37, "the run without the cluster went on from the kept scan"
    case.close()


def test_idle_node_workers_of_other_code_give_their_cpus_to_the_next_ingest(cluster: str) -> None:
    """After an upgrade, the old version's kept workers hold every CPU for minutes; the next
    ingest stops the idle ones instead of waiting for them to expire."""
    from uncover.ingest.cluster import NAMESPACE, NodeWorker

    def names() -> set[str]:
        return {e["name"] for e in ray.util.list_named_actors(all_namespaces=True) if e["namespace"] == NAMESPACE}

    ray.init(address=cluster, log_to_driver=False, logging_level="ERROR")
    try:
        for name in names():  # start from an empty cluster
            ray.kill(ray.get_actor(name, namespace=NAMESPACE))
        old = [ray.remote(NodeWorker).options(name=f"node-worker-0.0-oldcode-1-{slot}", namespace=NAMESPACE,
                                              lifetime="detached", num_cpus=1).remote() for slot in range(2)]
        ray.get([w.__ray_ready__.remote() for w in old])  # both CPUs of the cluster are theirs
        started = time.monotonic()
        assert len(child_pids(cluster)) == 2
        assert time.monotonic() - started < 60, "the old workers stopped; they were not waited for"
        assert not any("oldcode" in n for n in names()) and len(names()) == 2
    finally:
        ray.shutdown()
