"""A throwaway PostgreSQL cluster for the tests (and the PostgreSQL benchmark): ``initdb`` into a
temporary folder, ``pg_ctl start`` listening on 127.0.0.1 only, on a free port, with its socket in
that folder and trust authentication; one database; stopped and removed at the end.

initdb and postgres refuse to run as root: as root they run as the ``postgres`` system user
(which the Debian package creates), through ``runuser``.
"""
from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator, Optional

DATABASE = "quotesearch_test"


def find_bin() -> Optional[Path]:
    """The folder of ``initdb`` and ``pg_ctl`` (the newest /usr/lib/postgresql/N/bin, else PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


def missing() -> Optional[str]:
    """Why no cluster can be started here (None when one can)."""
    if find_bin() is None:
        return "PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin or on PATH)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no 'postgres' user to run initdb as"
        if not shutil.which("runuser"):
            return "running as root, and there is no runuser to run initdb as 'postgres'"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(args: list) -> list:
    return ["runuser", "-u", "postgres", "--"] + args if os.geteuid() == 0 else args


@contextlib.contextmanager
def cluster(settings: tuple = (), durable: bool = False) -> Iterator[str]:
    """Start a cluster; yields the URL of its database (postgresql://USER@127.0.0.1:PORT/DB).
    ``settings``: more server settings ('name=value'); not ``durable``: fsync off (tests)."""
    bindir = find_bin()
    folder = Path(tempfile.mkdtemp(prefix="quotesearch-pg-"))
    user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    if os.geteuid() == 0:
        info = pwd.getpwnam("postgres")
        os.chown(folder, info.pw_uid, info.pw_gid)
    data, log = folder / "data", folder / "log"
    run = lambda args, **kw: subprocess.run(_as_owner(args), check=True, capture_output=True, text=True, **kw)  # noqa: E731
    started = False
    try:
        run([str(bindir / "initdb"), "-D", str(data), "-U", user, "-A", "trust", "-E", "UTF8",
             "--locale=C.UTF-8"] + ([] if durable else ["--no-sync"]))
        port = _free_port()
        options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder}"
        options += "" if durable else " -c fsync=off"
        options += "".join(f" -c {s}" for s in settings)
        run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start"])
        started = True
        deadline = time.monotonic() + 30
        while True:  # the server answers on the socket a moment before createdb can connect
            try:
                run([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", user, DATABASE])
                break
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield f"postgresql://{user}@127.0.0.1:{port}/{DATABASE}"
    except subprocess.CalledProcessError as e:
        raise RuntimeError(f"{' '.join(e.cmd)} failed: {e.stderr or e.stdout}") from None
    finally:
        if started:
            subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                           capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
