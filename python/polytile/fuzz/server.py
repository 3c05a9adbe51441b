"""A preloaded fork server: every fuzz case runs in its own child process.

The parent (the fuzz driver, which never loads MLIR) starts one server with
``python -m polytile.fuzz.server``. The server imports polytile, onnx,
onnxruntime and numpy once, warms up (one small single-threaded compile, JIT
and run, one onnxruntime session, one ``polytile-opt`` run; every context and
engine is gone before the first fork, and no OpenMP thread is started), then
forks a child per case, so a case costs a fork instead of an interpreter
start, imports and one-time initialization.

Protocol (one line per message; the server talks on a private copy of its
standard output, its own fd 1 goes to stderr so warm-up noise cannot mix in):

* parent -> server ``RUN <id> <case.pickle> <result.json> <log.txt>``
* server -> parent ``PID <id> <pid>`` once forked, ``EXIT <id> <wait status>``
  once reaped, ``READY`` after the warm-up.

The child puts itself in its own process group, redirects its fds 1 and 2 to
``log.txt`` (faulthandler too, so a crash leaves a Python stack there), turns
core dumps off, caps its address space, runs the case
(:func:`polytile.fuzz.execute.run_case`) and writes its result as JSON (the
case may write an earlier, partial result first: see ``execute``). The parent
kills a child that runs past its timeout (:class:`ForkServer`).
"""
from __future__ import annotations

import json
import os
import pickle
import select
import signal
import subprocess
import sys
import time
from typing import Optional

# Address space a child may map: polytile + LLVM + onnxruntime take ~1 GB of
# virtual memory; this stops a runaway case long before it hurts the machine.
CHILD_ADDRESS_SPACE = 8 << 30

PRELOAD = ["numpy", "onnx", "onnx.reference", "onnxruntime", "polytile", "polytile.compiler",
           "polytile.importers.onnx.rules", "polytile.runtime.jit", "polytile.passes",
           "polytile.passes.conversion.tg_to_linalg", "polytile.opt_main", "polytile.run_main",
           "polytile.dialects.sched", "polytile.fuzz.execute"]


# --------------------------------------------------------------------------
# Server side
# --------------------------------------------------------------------------
def _warm_up() -> None:
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing optional module only costs time
            pass
    try:
        from polytile.fuzz import execute

        execute.warm_up()
    except Exception:  # noqa: BLE001
        pass


def _child(case_path: str, result_path: str, log_path: str) -> None:
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stdout = os.fdopen(1, "w", buffering=1, closefd=False)
    sys.stderr = os.fdopen(2, "w", buffering=1, closefd=False)
    import faulthandler
    import resource

    faulthandler.enable(file=sys.stderr, all_threads=False)
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = CHILD_ADDRESS_SPACE if hard == resource.RLIM_INFINITY else min(hard, CHILD_ADDRESS_SPACE)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass
    code = 0
    try:
        with open(case_path, "rb") as f:
            case = pickle.load(f)
        from polytile.fuzz import execute

        start = time.perf_counter()
        result = execute.run_case(case, result_path)
        result["child_s"] = round(time.perf_counter() - start, 3)
        execute.write_result(result_path, result)
    except BaseException:  # noqa: BLE001 - the parent sees no result: a crash
        import traceback

        traceback.print_exc()
        code = 3
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # no interpreter teardown: MLIR and onnxruntime need none


def serve() -> None:
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    _warm_up()
    proto.write("READY\n")
    ids: dict[int, str] = {}  # pid -> case id
    buffer = b""
    stdin = sys.stdin.fileno()
    eof = False
    while not eof or ids:
        ready, _, _ = select.select([] if eof else [stdin], [], [], 0.02)
        if ready:
            chunk = os.read(stdin, 65536)
            if not chunk:
                eof = True
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                parts = line.decode().split(" ")
                if parts[0] == "RUN" and len(parts) == 5:
                    pid = os.fork()
                    if pid == 0:
                        os.close(proto.fileno())
                        _child(*parts[2:])
                    ids[pid] = parts[1]
                    proto.write(f"PID {parts[1]} {pid}\n")
        while ids:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                ids.clear()
                break
            if pid == 0:
                break
            case_id = ids.pop(pid, None)
            if case_id is not None:
                proto.write(f"EXIT {case_id} {status}\n")
        if eof and ids:
            # The parent went away: stop what is still running.
            for pid in list(ids):
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.05)


# --------------------------------------------------------------------------
# Parent side
# --------------------------------------------------------------------------
class ServerDied(RuntimeError):
    pass


class ForkServer:
    """The parent's handle on a fork server: :meth:`submit` a case, :meth:`poll`
    for finished ones. Children past their deadline are killed (SIGKILL to their
    process group) and reported as timed out."""

    def __init__(self, python: Optional[str] = None, debug: bool = False):
        env = dict(os.environ)
        env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
        env.setdefault("OPENBLAS_NUM_THREADS", "1")  # numpy's BLAS threads only compete with the cases
        self._process = subprocess.Popen(
            [python or sys.executable, "-m", "polytile.fuzz.server"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=None if debug else subprocess.DEVNULL, env=env)
        self._buffer = b""
        self._pids: dict[str, int] = {}
        self._deadline: dict[str, float] = {}
        self._timeout: dict[str, float] = {}
        self._killed: set[str] = set()
        self._started: dict[str, float] = {}
        self._ready = False
        self._pending_exits: list[tuple[str, int, bool, float]] = []
        self._wait_ready()

    def _wait_ready(self, limit: float = 300.0) -> None:
        end = time.monotonic() + limit
        while not self._ready:
            if time.monotonic() > end:
                raise ServerDied("the fuzz fork server did not start")
            self._read(0.5)

    def _read(self, timeout: float) -> None:
        fd = self._process.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], max(0.0, timeout))
        if not ready:
            return
        chunk = os.read(fd, 65536)
        if not chunk:
            raise ServerDied(f"the fuzz fork server exited (code {self._process.poll()})")
        self._buffer += chunk
        while b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            parts = line.decode().split(" ")
            if parts[0] == "READY":
                self._ready = True
            elif parts[0] == "PID":
                self._pids[parts[1]] = int(parts[2])
            elif parts[0] == "EXIT":
                case_id, status = parts[1], int(parts[2])
                elapsed = time.monotonic() - self._started.pop(case_id, time.monotonic())
                killed = case_id in self._killed
                self._killed.discard(case_id)
                self._pids.pop(case_id, None)
                self._deadline.pop(case_id, None)
                self._pending_exits.append((case_id, status, killed, elapsed))

    def submit(self, case_id: str, case_path: str, result_path: str, log_path: str, timeout: float) -> None:
        self._started[case_id] = time.monotonic()
        self._deadline[case_id] = time.monotonic() + timeout
        self._process.stdin.write(f"RUN {case_id} {case_path} {result_path} {log_path}\n".encode())
        self._process.stdin.flush()

    @property
    def running(self) -> int:
        return len(self._started)

    def poll(self, timeout: float) -> list[tuple[str, int, bool, float]]:
        """Finished cases as (id, wait status, killed for its timeout, seconds)."""
        end = time.monotonic() + timeout
        while not self._pending_exits:
            now = time.monotonic()
            for case_id, deadline in list(self._deadline.items()):
                if now >= deadline and case_id in self._pids and case_id not in self._killed:
                    self._killed.add(case_id)
                    pid = self._pids[case_id]
                    for kill in (os.killpg, os.kill):
                        try:
                            kill(pid, signal.SIGKILL)
                            break
                        except OSError:
                            continue
            if now >= end:
                break
            soonest = min(list(self._deadline.values()) + [end])
            self._read(min(end, soonest) - now + 0.01)
        done, self._pending_exits = self._pending_exits, []
        return done

    def close(self) -> None:
        try:
            self._process.stdin.close()
        except OSError:
            pass
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def read_result(path: str) -> Optional[dict]:
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


if __name__ == "__main__":
    serve()
