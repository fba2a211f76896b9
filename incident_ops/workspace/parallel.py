"""Two-phase work over chunks of files in forked worker processes.

`validate` parses every file (phase 1, which yields the cross-file index entries), then
runs the rules with the merged index (phase 2). A worker keeps its parsed documents
between the phases, so only small results cross process boundaries: index entries one
way, the index the other, findings back. Workers are forked, so the phase functions may
be closures over the policy and need no pickling. Failures in a worker re-raise here.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # multiprocessing is imported only when workers are started
    from multiprocessing.connection import Connection

T = TypeVar("T")
MIN_PER_WORKER = 100  # below this a fork costs more than it saves
JOBS_VARIABLE = "INCIDENT_OPS_JOBS"


def worker_count(items: int) -> int:
    """How many processes to use for `items` files: 1 (in-process) unless it pays off."""
    if items <= 2 * MIN_PER_WORKER:
        return 1
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    wanted = os.environ.get(JOBS_VARIABLE, "")
    if wanted.isdigit() and int(wanted) > 0:
        cores = int(wanted)
    else:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
        cores = cores or os.cpu_count() or 1
    return max(1, min(cores, items // MIN_PER_WORKER))


def chunks(items: Sequence[T], count: int) -> list[list[T]]:
    """`count` contiguous, near-equal slices, in order."""
    size, extra = divmod(len(items), count)
    out, start = [], 0
    for k in range(count):
        end = start + size + (1 if k < extra else 0)
        out.append(list(items[start:end]))
        start = end
    return out


class _Failure:
    """An exception raised in a worker, shipped back to be raised again."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def _serve(
    conn: Connection, chunk: list[Any], first: Callable[[list[Any]], Any], second: Callable
) -> None:
    # A worker lives for one run and keeps thousands of documents alive: the cyclic
    # collector would re-scan them all again and again for garbage they do not make.
    gc.disable()
    try:
        state, result = first(chunk)
        conn.send(result)
        shared = pickle.loads(_bytes(conn))
        conn.send(second(state, shared))
    except BaseException as error:
        _send_failure(conn, error)
    finally:
        conn.close()
    # Done: leave without freeing thousands of documents one by one (~0.1 s that the
    # parent would wait for); nothing is buffered, the results were sent.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _send_failure(conn: Connection, error: BaseException) -> None:
    try:
        conn.send(_Failure(error))
    except OSError:
        pass  # the parent is gone or gave up: nobody to tell
    except Exception:
        with contextlib.suppress(OSError):
            conn.send(_Failure(RuntimeError(f"{type(error).__name__}: {error}")))


def _bytes(conn: Connection) -> bytes:
    try:
        return conn.recv_bytes()
    except EOFError:
        raise RuntimeError("the parent process went away") from None


def _receive(conn: Connection) -> Any:
    try:
        value = conn.recv()
    except EOFError:
        raise RuntimeError("a worker process died") from None
    if isinstance(value, _Failure):
        raise value.error
    return value


def two_phase(
    parts: list[list[Any]],
    first: Callable[[list[Any]], tuple[Any, Any]],
    combine: Callable[[list[Any]], Any],
    second: Callable[[Any, Any], Any],
) -> tuple[Any, list[Any]]:
    """Run `first(part) -> (state, result)` in one worker per part, `combine(results)`
    here, then `second(state, combined)` in the same workers; return (combined, seconds)
    with results in the order of `parts`."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    sys.stdout.flush()
    sys.stderr.flush()
    workers: list[tuple[Any, Connection]] = []
    try:
        for part in parts:
            mine, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs, part, first, second))
            process.start()
            theirs.close()
            workers.append((process, mine))
        combined = combine([_receive(conn) for _, conn in workers])
        payload = pickle.dumps(combined, protocol=pickle.HIGHEST_PROTOCOL)  # once, not per worker
        for _, conn in workers:
            conn.send_bytes(payload)
        return combined, [_receive(conn) for _, conn in workers]
    finally:
        for process, conn in workers:
            conn.close()
            process.join(timeout=5)
            if process.is_alive():  # pragma: no cover - only after a failure elsewhere
                process.kill()
                process.join()
