"""Starting or reaching a Dask cluster, and running tasks on it in order.

Why Dask and not Ray: ``dask[distributed]`` is a pure pip install; a ``LocalCluster`` runs as a
few local worker processes (in CI on two cores as well as on a laptop) with no separate head
node to start; and the same code points at a real cluster by giving its scheduler's address.
Ray would bring a large binary wheel, a head node and its own object store for a workload that
is a list of independent numpy tasks.

Identical numbers need identical software on every worker: a remote cluster whose workers run
another version of numpy or jevons is refused, and one whose CPUs dispatch numpy's SIMD loops
differently (exp and log can differ in the last bit) draws a warning. The runs themselves are in
``jevons._simulate.distributed`` (one run) and ``jevons._simulate.sweep`` (a grid of runs).
"""

from __future__ import annotations

import importlib
import logging
import platform
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final, TypeVar

import numpy as np

from jevons.errors import UsageError

if TYPE_CHECKING:
    from distributed import Client, Future, LocalCluster

T = TypeVar("T")

#: Seconds to reach a scheduler (and to see at least one worker) before giving up: long enough
#: for a cluster across a network, short enough that a wrong address fails while one waits.
CONNECT_TIMEOUT: Final = 5.0
#: Tasks kept in flight per worker thread: one running, one queued so the worker never idles
#: while this process accumulates, and a bounded number of results waiting in worker memory.
TASKS_PER_THREAD: Final = 2
_INSTALL_HINT: Final = "pip install 'dask[distributed]'"
#: distributed's own default for its workers' MALLOC_TRIM_THRESHOLD_ (see ``local_cluster``).
_DASK_TRIM_DEFAULT: Final = 65536


def _environment() -> dict[str, Any]:
    """What must match between this process and a worker for the numbers to match."""
    from importlib.metadata import version

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "jevons": version("jevons"),
        "cpu": _cpu_features(),
    }


def _cpu_features() -> list[str]:
    """The SIMD features numpy found and may dispatch to (exp and log differ by target)."""
    for name in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        features: dict[str, bool] = getattr(module, "__cpu_features__", {})
        dispatch: list[str] = list(getattr(module, "__cpu_dispatch__", features))
        return sorted(f for f in dispatch if features.get(f))
    return []


def distributed_module() -> Any:
    """The ``distributed`` module, or a one-line error saying how to install it."""
    try:
        return importlib.import_module("distributed")
    except ImportError:
        raise UsageError(
            f"the dask engine needs Dask, which is not installed: {_INSTALL_HINT} "
            "(or use the local engine)"
        ) from None


def check_workers(workers: int) -> int:
    if isinstance(workers, bool) or not isinstance(workers, int | np.integer) or workers < 1:
        raise UsageError(f"`workers` must be a whole number >= 1, got {workers!r}")
    return int(workers)


@contextmanager
def local_cluster(workers: int = 2) -> Iterator[LocalCluster]:
    """A ``LocalCluster`` of ``workers`` processes with one thread each, closed on exit.

    Processes, because the engine holds the GIL through its Python loop over quarters, so
    threads would queue behind one another. Dask's nannies start workers with glibc's
    ``MALLOC_TRIM_THRESHOLD_`` set (to hand memory back to the system sooner), which also turns
    off glibc's adaptive mmap threshold: every large numpy array is then mapped and unmapped
    afresh, and the engine ran 1.7 times slower on a worker than in this process. Unless the
    Dask configuration sets another value, these workers start without it.
    """
    workers = check_workers(workers)
    dd = distributed_module()
    dask = importlib.import_module("dask")
    key = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
    keep = dask.config.get(key, None) not in (None, _DASK_TRIM_DEFAULT)
    with dask.config.set({} if keep else {key: None}):
        cluster = dd.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            # Its own free port: the default 8787 warns when another cluster holds it.
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )
    try:
        yield cluster
    finally:
        cluster.close()


@contextmanager
def dask_client(workers: int = 2, scheduler: str | None = None) -> Iterator[Client]:
    """A Dask client: on a fresh ``local_cluster(workers)``, or on the cluster at ``scheduler``.

    A remote cluster is used as it is (``workers`` is then not used) and checked for the same
    versions of Python, numpy and jevons as this process, without which its numbers could
    differ.
    """
    workers = check_workers(workers)
    dd = distributed_module()
    if scheduler is None:
        with local_cluster(workers) as cluster:
            client: Client = dd.Client(cluster, set_as_default=False)
            try:
                yield client
            finally:
                client.close()  # type: ignore[no-untyped-call]
        return
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise UsageError(
            f"`scheduler` must be an address such as tcp://host:8786, got {scheduler!r}"
        )
    try:
        client = dd.Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except Exception as exc:  # refused, timed out, malformed, or not a Dask scheduler at all
        raise UsageError(
            f"cannot reach the Dask scheduler at {scheduler} within {CONNECT_TIMEOUT:g} s "
            f"({type(exc).__name__}: {exc})"
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except TimeoutError:
            raise UsageError(
                f"the Dask scheduler at {scheduler} has no workers (waited {CONNECT_TIMEOUT:g} s)"
            ) from None
        _check_environment(client, scheduler)
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]


def _check_environment(client: Client, scheduler: str) -> None:
    here = _environment()
    found: dict[str, dict[str, Any]] = client.run(_environment)
    for worker, env in sorted(found.items()):
        differ = [k for k in ("python", "numpy", "jevons") if env.get(k) != here[k]]
        if differ:
            theirs = ", ".join(f"{k} {env.get(k)}" for k in differ)
            ours = ", ".join(f"{k} {here[k]}" for k in differ)
            raise UsageError(
                f"Dask worker {worker} at {scheduler} runs {theirs} but this process {ours}; "
                "identical numbers need identical versions on every worker"
            )
        if env.get("cpu") != here["cpu"]:
            warnings.warn(
                f"Dask worker {worker} dispatches numpy to other CPU features than this "
                "process; its results may differ from a local run in the last bit",
                RuntimeWarning,
                stacklevel=4,
            )


def worker_threads(client: Client) -> int:
    """The cluster's worker threads in all: how many tasks can run at once."""
    threads: dict[str, int] = client.nthreads()  # type: ignore[no-untyped-call]
    return max(1, sum(threads.values()))


def in_order(
    client: Client, calls: Iterable[tuple[Callable[..., T], tuple[Any, ...]]], window: int
) -> Iterator[T]:
    """Run ``calls`` on the cluster, at most ``window`` at a time, yielding results in order.

    The next task is submitted before a result is handed back, so the workers keep busy while
    the caller accumulates; a result is released from worker memory as soon as it is fetched.
    """
    dd = distributed_module()
    todo = iter(calls)
    running: deque[Future[T]] = deque()

    def submit() -> None:
        call = next(todo, None)
        if call is not None:
            running.append(client.submit(call[0], *call[1], pure=False))

    try:
        for _ in range(window):
            submit()
        while running:
            future = running.popleft()
            try:
                result = future.result()
            except dd.KilledWorker as exc:
                raise UsageError(
                    f"a Dask worker died running a task ({exc}); give the workers more memory "
                    "or make `chunk` smaller"
                ) from None
            future.release()  # type: ignore[no-untyped-call]
            submit()
            yield result
    finally:
        for future in running:
            future.cancel()  # type: ignore[no-untyped-call]
