"""``python -m bench.hashing ARGS``: ``marketplace ARGS`` with its password hashing timed.

Figure 5 runs ``marketplace audit --json`` through this module. It is the same CLI in the
same process; before it starts, the Argon2id and bcrypt primitives the app and the
exploits call are wrapped to add up their count and their seconds, and each exploit run
(``marketplace.audit.run_exploit``) writes one JSON line to the file named by
``BENCH_HASH_LOG``: the exploit, its seconds, and the hashes computed meanwhile. The audit
serves its scratch app in this process and runs one exploit at a time, so every hash
computed during a run belongs to that run: the server's (sign-up, log-in, a password
check) and the exploit's own (a cracker's guesses).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable

_lock = threading.Lock()
_totals = {"hashes": 0, "seconds": 0.0}


def _timed(function: Callable) -> Callable:
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            with _lock:
                _totals["hashes"] += 1
                _totals["seconds"] += time.perf_counter() - started

    return timed


def _snapshot() -> tuple[int, float]:
    with _lock:
        return _totals["hashes"], _totals["seconds"]


def install(log_path: str) -> None:
    """Wrap the hashing primitives and the audit's exploit runs (before the CLI starts)."""
    import argon2._password_hasher as argon2_hasher
    import bcrypt

    from marketplace import audit

    # PasswordHasher calls these module globals for hash() and verify().
    argon2_hasher.hash_secret = _timed(argon2_hasher.hash_secret)
    argon2_hasher.verify_secret = _timed(argon2_hasher.verify_secret)
    bcrypt.hashpw, bcrypt.checkpw = _timed(bcrypt.hashpw), _timed(bcrypt.checkpw)
    run_exploit = audit.run_exploit

    def timed_run(exploit, target):
        hashes, seconds = _snapshot()
        started = time.perf_counter()
        outcome = run_exploit(exploit, target)
        elapsed = time.perf_counter() - started
        after_hashes, after_seconds = _snapshot()
        record = {
            "exploit": exploit.name,
            "seconds": elapsed,
            "hashes": after_hashes - hashes,
            "hash_seconds": after_seconds - seconds,
        }
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")
        return outcome

    audit.run_exploit = timed_run


def main() -> None:
    from marketplace.cli import main as marketplace

    install(os.environ["BENCH_HASH_LOG"])
    marketplace(prog_name="marketplace")


if __name__ == "__main__":
    main()
