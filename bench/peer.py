"""Isso 0.14, the peer: its own virtual environment, configuration and seeded database.

The virtual environment (``bench/.isso-venv``) is made on first use with
``pip install 'isso==0.14.*' gunicorn==<ours>``, from PyPI, so both systems run under the same
gunicorn release with the same ``gunicorn.conf.py``. Isso is configured with its rate
limiting ("guard") and moderation off, gravatar off, and ``host`` set to a closed loopback
port, so that its start-up reachability check fails at once instead of leaving the machine.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import venv
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
VENV = BENCH / ".isso-venv"
ISSO_REQUIREMENT = "isso==0.14.*"
APP = "isso.run:application"


@dataclass(frozen=True)
class IssoSetup:
    python: Path
    gunicorn: Path
    version: str
    config: Path
    database: Path


def venv_bin(name: str) -> Path:
    return VENV / "bin" / name


def ensure_venv(*, install: bool = True) -> Path | None:
    """The Isso virtual environment's Python, made and filled when missing (``install``)."""
    python = venv_bin("python")
    ready = python.exists() and venv_bin("gunicorn").exists() and installed_version(python)
    if ready:
        return python
    if not install:
        return None
    print(f"== making {VENV} with {ISSO_REQUIREMENT} from PyPI", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    gunicorn = f"gunicorn=={metadata.version('gunicorn')}"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", ISSO_REQUIREMENT, gunicorn],
        check=True,
    )
    return python


def installed_version(python: Path) -> str | None:
    found = subprocess.run(
        [str(python), "-c", "from importlib.metadata import version; print(version('isso'))"],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.strip() or None if found.returncode == 0 else None


def write_config(path: Path, database: Path, closed_port: int) -> None:
    path.write_text(
        "\n".join(
            [
                "[general]",
                f"dbpath = {database}",
                f"host = http://127.0.0.1:{closed_port}/",
                "notify = stdout",
                "reply-notifications = false",
                "gravatar = false",
                "latest-enabled = false",
                "[admin]",
                "enabled = false",
                "[moderation]",
                "enabled = false",
                "[guard]",
                "enabled = false",
                "[hash]",
                f"salt = {secrets.token_hex(12)}",
                "algorithm = pbkdf2",
                "",
            ]
        )
    )


def prepare(work: Path, threads_json: Path, closed_port: int) -> IssoSetup:
    """A fresh Isso database seeded with the threads of ``threads_json``."""
    python = ensure_venv()
    assert python is not None
    database = work / "isso.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(database) + suffix).unlink(missing_ok=True)
    config = work / "isso.cfg"
    write_config(config, database, closed_port)
    seeded = subprocess.run(
        [str(python), "-I", str(BENCH / "isso_seed.py"), str(config), str(threads_json)],
        capture_output=True,
        text=True,
        check=False,
    )
    if seeded.returncode != 0:
        sys.stderr.write(seeded.stderr)
        raise RuntimeError("seeding Isso's database failed")
    counts = json.loads(seeded.stdout.strip().splitlines()[-1])
    print(f"   Isso threads seeded: {counts}", flush=True)
    return IssoSetup(
        python=python,
        gunicorn=venv_bin("gunicorn"),
        version=installed_version(python) or "?",
        config=config,
        database=database,
    )
