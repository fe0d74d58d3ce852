"""`make bench`: latency and throughput of the organisations and bodies APIs, a body's accountability
graph, a place page, a body page, the decision-rights API and the functions and decisions map on
national-scale synthetic data, against floors (plain `.values()` JSON views of the same rows); and,
in-process, the decision-rights resolver and the map's selector against their floors.

    python -m ics_registry.embedded exec -- python -m tests.bench.run [--rebuild] [--profile]

Steps: (1) create or reuse a separate database (`ics_registry_bench` on DATABASE_URL's server),
migrate it and load the dataset (tests/bench/dataset.py) when it is new; (2) count the queries of
each endpoint in-process at page sizes 10, 100 and 500 (pages and graphs: a small, a median and the
largest); time the resolver and the map's selector in-process; (3) serve the app with gunicorn (2 sync
workers) and time each endpoint from 2 client threads; (4) print the tables. It exits 0 even when a
target is missed; such rows say MISSED. See tests/bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import http.client
import itertools
import json
import math
import os
import platform
import pstats
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS = "tests.bench.settings"
BENCH_DATABASE = os.environ.get("BENCH_DATABASE_NAME", "ics_registry_bench")
COMMENT_PREFIX = "ics-registry-bench"
AS_OF = "2022-06-30"
BODIES_AS_OF = "2023-03-31"  # most bodies existed; some were still in shadow form or proposed
PAGE_SIZES = (10, 100, 500)
MAX_QUERIES = 8
API_TARGET = 1.5  # organisations and bodies API lists: p50 ≤ 1.5 × their floor's p50
AS_OF_TOLERANCE = 0.10  # "as_of costs the same": p50 within ±10 % of the current list's
GRAPH_DEPTH = 2
GRAPH_TARGET_MS = 20.0  # a body's graph at depth 2 in the 200-body system: p50 ≤ 20 ms


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- The bench database --------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def server_connection(url: str):
    import dj_database_url
    import psycopg

    params = dj_database_url.parse(url)
    return psycopg.connect(
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def prepare_database(url: str, version: str, rebuild: bool) -> bool:
    """Create the bench database, or keep it when it holds this dataset version. True if reused."""
    from psycopg import sql

    with server_connection(url) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [BENCH_DATABASE],
        ).fetchone()
        if row is not None and row[0] == f"{COMMENT_PREFIX} {version}" and not rebuild:
            return True
        if row is not None:
            log(f"dropping {BENCH_DATABASE} (dataset {row[0] or 'incomplete'}; wanted {version})")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(BENCH_DATABASE)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DATABASE)))
    return False


def mark_built(version: str) -> None:
    from django.db import connection
    from psycopg import sql

    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(BENCH_DATABASE), sql.Literal(f"{COMMENT_PREFIX} {version}")
            )
        )


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True, cwd=BASE_DIR)


def dataset_counts() -> dict[str, int]:
    from django.db.models import Count

    from delegations.models import (
        Delegation,
        DelegationFunction,
        Function,
        PlaceLeadArrangement,
        ReservedMatter,
        StatutoryHolding,
    )
    from governance.models import (
        AccountabilityRelation,
        Body,
        BodyStatus,
        Seat,
        SeatHolding,
        TermsOfReference,
    )
    from organisations.choices import Tier
    from organisations.models import (
        Area,
        Organisation,
        OrganisationArea,
        PartnershipMembership,
        Person,
        Post,
        PostHolding,
        Succession,
        System,
    )

    tiers = dict(Area.objects.values_list("tier").annotate(n=Count("pk")).order_by())
    return {
        "systems": System.objects.count(),
        "places": tiers.get(Tier.LOCALITY, 0),
        "neighbourhoods": tiers.get(Tier.NEIGHBOURHOOD, 0),
        "organisations": Organisation.objects.count(),
        "org-area links": OrganisationArea.objects.count(),
        "successions": Succession.objects.count(),
        "memberships": PartnershipMembership.objects.count(),
        "people": Person.objects.count(),
        "posts": Post.objects.count(),
        "holdings": PostHolding.objects.count(),
        "bodies": Body.objects.count(),
        "body statuses": BodyStatus.objects.count(),
        "accountability relations": AccountabilityRelation.objects.count(),
        "terms of reference": TermsOfReference.objects.count(),
        "seats": Seat.objects.count(),
        "seat holdings": SeatHolding.objects.count(),
        "functions": Function.objects.count(),
        "statutory holdings": StatutoryHolding.objects.count(),
        "reserved matters": ReservedMatter.objects.count(),
        "delegations": Delegation.objects.count(),
        "delegated functions": DelegationFunction.objects.count(),
        "place-based lead arrangements": PlaceLeadArrangement.objects.count(),
    }


def pick_graph_bodies() -> tuple[int, list[tuple[int, int, int]]]:
    """In the system with the most bodies: (system's body count, [(body, bodies, links)]) for the
    body whose depth-2 graph today is the smallest (with at least one link), a median and the largest."""
    from django.db.models import Count

    from governance.models import Body
    from governance.selectors import body_graph
    from ics_registry.as_at import today

    system_id, n = Body.objects.values_list("system").annotate(n=Count("pk")).order_by("-n", "system").first()
    sizes = []
    for body in Body.objects.filter(system_id=system_id).order_by("pk"):
        graph = body_graph(body, on=today(), depth=GRAPH_DEPTH)
        if graph.edges:
            sizes.append((len(graph.nodes), len(graph.edges), body.pk))
    sizes.sort()
    picks = [sizes[0], sizes[len(sizes) // 2], sizes[-1]]
    return n, [(pk, nodes, edges) for nodes, edges, pk in picks]


def pick_bodies() -> list[tuple[int, str, int, int]]:
    """Bodies (id, name, seats, holdings) for the body page: the busiest, a median and the smallest."""
    from django.db.models import Count, F

    from governance.models import Body

    rows = list(
        Body.objects.annotate(
            n_seats=Count("seats", distinct=True), n_holdings=Count("seats__holdings", distinct=True)
        )
        .order_by((F("n_seats") + F("n_holdings")).desc(), "pk")
        .values_list("pk", "name", "n_seats", "n_holdings")
    )
    return [rows[0], rows[len(rows) // 2], rows[-1]]


def pick_places() -> list[tuple[int, str, int, int]]:
    """Places (id, name, organisations, neighbourhoods): the largest first, then a median and the smallest."""
    from django.db.models import Count, F

    from organisations.choices import Tier
    from organisations.models import Area

    rows = list(
        Area.objects.filter(tier=Tier.LOCALITY)
        .annotate(orgs=Count("organisation_links", distinct=True), hoods=Count("children", distinct=True))
        .order_by((F("orgs") + F("hoods")).desc(), "pk")
        .values_list("pk", "name", "orgs", "hoods")
    )
    return [rows[0], rows[len(rows) // 2], rows[-1]]


# --- In-process query counts ---------------------------------------------------------------


@dataclass
class Endpoint:
    key: str
    label: str
    path: str
    accept: str
    sized: bool = True  # takes ?page_size=
    variants: list[tuple[str, str]] = field(default_factory=list)  # unsized: (tag, path), small to large
    floor: Endpoint | None = None  # the floor its ratios are taken against
    max_queries: int | None = MAX_QUERIES
    samples: list[float] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=dict)
    wall: float = 0.0
    queries: dict[str, int] = field(default_factory=dict)
    path_for_load: str = ""
    inprocess: dict[str, float] = field(default_factory=dict)

    def url(self, size: int | None = None) -> str:
        if size is None or not self.sized:
            return self.path
        sep = "&" if "?" in self.path else "?"
        return f"{self.path}{sep}page_size={size}"


def count_queries(endpoints: list[Endpoint]) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(raise_request_exception=False)

    def measure(path, accept):
        client.get(path, HTTP_ACCEPT=accept)  # warm: one-time caches are not per-request costs
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, HTTP_ACCEPT=accept)
        return response.status_code, len(ctx.captured_queries)

    for ep in endpoints:
        if ep.sized:
            for size in PAGE_SIZES:
                status, n = measure(ep.url(size), ep.accept)
                ep.queries[str(size)] = n if status == 200 else -status
        else:
            for tag, path in ep.variants:
                status, n = measure(path, ep.accept)
                ep.queries[tag] = n if status == 200 else -status


def same_rows_check(api: Endpoint, floor: Endpoint) -> str:
    """Whether the floor returns the same 100 rows as the API page, in the same order."""
    from django.test import Client

    client = Client(raise_request_exception=False)
    a = client.get(api.url(100), HTTP_ACCEPT="application/json")
    f = client.get(floor.url(100), HTTP_ACCEPT="application/json")
    if a.status_code != 200 or f.status_code != 200:
        return f"could not compare (API {a.status_code}, floor {f.status_code})"
    ids_a = [row["id"] for row in a.json()["results"]]
    ids_f = [row["id"] for row in f.json()["results"]]
    return (
        "same 100 rows as the API page" if ids_a == ids_f else "MISMATCH: floor rows differ from the API page"
    )


# --- Serving and load -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HttpClient:
    """One keep-alive connection (http.client); reconnects when the server closes it (gunicorn's
    sync workers close every connection after its response)."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str, accept: str) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request("GET", path, headers={"Accept": accept})
                response = self.conn.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self.close()
            return response.status, body
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def start_gunicorn(port: int, log_path: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn",
        "--workers", "2",
        "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}",
        "--no-control-socket",
        "--log-level", "warning",
        "--timeout", "60",
        "ics_registry.wsgi:application",
    ]  # fmt: skip
    logfile = log_path.open("wb")
    return subprocess.Popen(command, cwd=BASE_DIR, stdout=logfile, stderr=subprocess.STDOUT)


def wait_ready(proc: subprocess.Popen, port: int, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    client = HttpClient(port)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({proc.returncode}):\n{log_path.read_text()[-3000:]}")
        try:
            status, _ = client.get("/bench/floor/?page_size=1", "application/json")
            if status == 200:
                return
        except OSError:
            client.close()
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer in {timeout:.0f}s:\n{log_path.read_text()[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_batch(ep: Endpoint, clients: list[HttpClient], count: int, record: bool, time_left: float) -> None:
    """`count` requests from len(clients) threads, stopping early after `time_left` seconds."""
    counter = itertools.count()
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + time_left

    def worker(client: HttpClient) -> None:
        while True:
            with lock:
                i = next(counter)
            if i >= count or time.perf_counter() > deadline:
                return
            t0 = time.perf_counter()
            try:
                status, _body = client.get(ep.path_for_load, ep.accept)
            except OSError:
                client.close()
                status = 0  # no answer: reported as an error, not a sample of the endpoint
            elapsed = time.perf_counter() - t0
            if record:
                with lock:
                    if status:
                        ep.samples.append(elapsed)
                    if status != 200:
                        ep.errors[status] = ep.errors.get(status, 0) + 1

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if record:
        ep.wall += time.perf_counter() - started


def load(
    endpoints: list[Endpoint],
    port: int,
    *,
    warmup: int,
    requests: int,
    seconds: float,
    threads: int,
    batch: int,
) -> None:
    """Warm every endpoint, then measure them in rotating batches so that drift (other load on the
    machine, cache warming) is spread over all of them alike."""
    clients = [HttpClient(port) for _ in range(threads)]
    for ep in endpoints:
        run_batch(ep, clients, warmup, record=False, time_left=seconds)
    while True:
        pending = [ep for ep in endpoints if len(ep.samples) < requests and ep.wall < seconds]
        if not pending:
            break
        for ep in pending:
            run_batch(
                ep, clients, min(batch, requests - len(ep.samples)), record=True, time_left=seconds - ep.wall
            )
    for c in clients:
        c.close()


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# --- In-process breakdown and profile ---------------------------------------------------------


class SqlTimer:
    """execute_wrapper that adds up the time spent in the database calls (round trips included)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def breakdown(endpoints: list[Endpoint], n: int = 30) -> None:
    """Per endpoint, in-process (test client, no HTTP): wall time, of which SQL, and Python CPU."""
    from django.db import connection
    from django.test import Client

    client = Client(raise_request_exception=False)
    for ep in endpoints:
        for _ in range(5):
            client.get(ep.path_for_load, HTTP_ACCEPT=ep.accept)
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(n):
                client.get(ep.path_for_load, HTTP_ACCEPT=ep.accept)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        ep.inprocess = {"wall": wall / n * 1000, "sql": timer.seconds / n * 1000, "cpu": cpu / n * 1000}


CATEGORIES = [
    ("SQL round trips (psycopg, Django DB backend)", ("psycopg", "django/db/backends", "django/db/utils")),
    ("ORM: SQL compiling, model instances, prefetch", ("django/db/models",)),
    (
        "DRF serializers and fields (incl. inspect.signature via is_simple_callable)",
        ("rest_framework/serializers", "rest_framework/fields", "rest_framework/relations",
         "rest_framework/utils/serializer_helpers"),
    ),
    ("URL reversing + build_absolute_uri", ("django/urls", "django/http/request", "rest_framework/reverse")),
    ("JSON rendering", ("rest_framework/renderers", "rest_framework/utils/encoders", "/json/")),
    ("filtering, pagination", ("django_filters", "rest_framework/pagination", "django/core/paginator",
                               "django/forms")),
    ("app code (ics_registry, organisations, governance, delegations)",
     ("/ics_registry/", "/organisations/", "/governance/", "/delegations/")),
    ("request, middleware, views (other Django / DRF)", ("django/", "rest_framework/", "whitenoise",
                                                        "pghistory", "drf_spectacular")),
]  # fmt: skip


def _category(filename: str) -> str | None:
    filename = filename.replace("\\", "/")
    return next((label for label, keys in CATEGORIES if any(k in filename for k in keys)), None)


def profile_api(path: str, n: int = 100) -> str:
    """cProfile the API list in-process (see `profile_call`)."""
    from django.test import Client

    client = Client(raise_request_exception=False)
    return profile_call(lambda: client.get(path, HTTP_ACCEPT="application/json"), n)


def profile_call(call, n: int = 100) -> str:
    """cProfile `call` in-process, n times. Own time of stdlib and builtin functions (getattr,
    isinstance, inspect, asgiref.local …) is charged to the callers that spent it."""
    for _ in range(10):
        call()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        call()
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    memo: dict = {}

    def shares(func, depth=0, seen=frozenset()):
        label = _category(func[0])
        if label:
            return {label: 1.0}
        if func in memo:
            return memo[func]
        callers = {c: edge for c, edge in stats[func][4].items() if c not in seen and c in stats}
        weight = sum(edge[3] for edge in callers.values())
        out: dict[str, float] = {}
        if depth < 12 and callers and weight > 0:
            for caller, edge in callers.items():
                for lab, share in shares(caller, depth + 1, seen | {func}).items():
                    out[lab] = out.get(lab, 0.0) + edge[3] / weight * share
        out = out or {"other": 1.0}
        memo[func] = out
        return out

    total = sum(row[2] for row in stats.values())
    grouped: dict[str, float] = {}
    for func, row in stats.items():
        for label, share in shares(func).items():
            grouped[label] = grouped.get(label, 0.0) + row[2] * share
    lines = [f"cProfile, in-process, {n} calls; own time by area (profiling inflates Python-heavy parts):"]
    for label, tt in sorted(grouped.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {tt / total * 100:5.1f} %  {label}")

    def where(func):
        filename, line, name = func
        short = filename.split("site-packages/")[-1].replace(str(BASE_DIR) + "/", "")
        return f"{name}  ({short}:{line})" if line else name

    lines.append("Calls in each request (or selector call) and cumulative share of the main steps:")
    steps = [
        ("to_representation", "rest_framework/serializers.py"),
        ("get_attribute", "rest_framework/fields.py"),
        ("is_simple_callable", "rest_framework/fields.py"),
        ("signature", "inspect.py"),
        ("reverse", "django/urls/base.py"),
        ("build_absolute_uri", "django/http/request.py"),
        ("paginate_queryset", "rest_framework/pagination.py"),
        ("prefetch_related_objects", "django/db/models/query.py"),
        ("from_db", "django/db/models/base.py"),
        ("render", "rest_framework/renderers.py"),
        ("filter_queryset", "rest_framework/generics.py"),
        ("as_sql", "django/db/models/sql/compiler.py"),
        ("execute", "psycopg/cursor.py"),
        ("area_and_containers", "delegations/selectors/rights.py"),
        ("_link_of", "delegations/selectors/rights.py"),
        ("party_of", "delegations/selectors/rights.py"),
        ("function_tree", "delegations/selectors/maps.py"),
    ]
    for name, file_part in steps:
        found = [(f, row) for f, row in stats.items() if f[2] == name and file_part in f[0]]
        if not found:
            continue
        func, row = max(found, key=lambda fr: fr[1][3])
        lines.append(f"  {row[3] / total * 100:5.1f} %  {row[1] / n:>7.0f}/call  {where(func)}")
    return "\n".join(lines)


# --- Delegations: the resolver and the functions and decisions map ----------------------------

RIGHTS_TARGET_MS = 10.0  # decision_rights(function, area, on), in-process, the deep case: p50 ≤ 10 ms
CALL_RUNS = 200  # in-process timed calls per row (fewer if CALL_SECONDS runs out first)
CALL_SECONDS = 10.0
RIGHTS_API = "/api/v1/decision-rights/"
CANDIDATES = 40  # cases tried when choosing the shallow and the deep resolver question


@dataclass
class RightsCase:
    """One resolver question: a function for an area on the day, and what its answer holds."""

    tag: str
    function_id: int
    function_name: str
    level: int  # 1 = a top-level function
    area_id: int
    area_name: str
    holders: int = 0
    longest: int = 0  # links in the longest chain of the answer
    read: int = 0  # delegations in force that the resolver reads (the floor's rows)

    def describe(self) -> str:
        return (
            f'{self.tag}: "{self.function_name}" (level {self.level}) in {self.area_name}: {self.holders} '
            f"holders, chains up to {self.longest} link{'s' if self.longest != 1 else ''}, "
            f"{self.read} delegation{'s' if self.read != 1 else ''} read"
        )


def chain_depths(on: dt.date) -> tuple[dict[int, int], dict[int, tuple]]:
    """Each delegation's links from the statutory holder on the day, counting only chains in force
    all the way up (0 when it or a delegation above it is not in force that day); and the rows."""
    from delegations.models import Delegation

    rows = {
        r[0]: r
        for r in Delegation.objects.values_list(
            "pk", "parent_id", "status", "start_date", "end_date", "area_id"
        )
    }

    def in_force(row) -> bool:
        _pk, _parent, status, start, end, _area = row
        ok = status == "in_force" or (status == "revoked" and end is not None)
        return ok and (start is None or start <= on) and (end is None or on <= end)

    depths: dict[int, int] = {}
    for pk in rows:
        path, cur = [], pk
        while cur is not None and cur not in depths:
            path.append(cur)
            cur = rows[cur][1]
        depth = depths.get(cur, 0) if cur is not None else 0
        base_ok = cur is None or depths.get(cur, 0) > 0
        for node in reversed(path):
            base_ok = base_ok and in_force(rows[node])
            depth = depth + 1 if base_ok else 0
            depths[node] = depth
    return depths, rows


def pick_rights(on: dt.date) -> list[RightsCase]:
    """A shallow and a deep question for the resolver, both in a locality. Shallow: the function of a
    delegation in force with nothing in force below it, whose answer's longest chain is one link.
    Deep: the most specific function covered by the last link of a five-link chain in force in a
    locality; of those tried, the most specific function, then the answer with the most holders."""
    from delegations.models import DelegationFunction, Function
    from delegations.selectors import decision_rights
    from organisations.choices import Tier
    from organisations.models import Area

    from .floor import rights_floor_rows

    depths, rows = chain_depths(on)
    longest = max(depths.values())
    with_children = {rows[pk][1] for pk, d in depths.items() if d and rows[pk][1]}
    localities = set(Area.objects.filter(tier=Tier.LOCALITY).values_list("pk", flat=True))

    def spread(pks):
        pks = sorted(pk for pk in pks if rows[pk][5] in localities)
        return pks[:: max(1, len(pks) // CANDIDATES)][:CANDIDATES]

    def case(tag: str, pk: int, deepest: bool) -> RightsCase:
        first = (
            DelegationFunction.objects.filter(delegation_id=pk)
            .order_by("function_id")
            .values_list("function_id", flat=True)[0]
        )
        functions = list(Function.objects.within(first)) if deepest else [Function.objects.get(pk=first)]
        function = max(functions, key=lambda f: (len(f.ancestor_ids), -f.pk))
        area = Area.objects.get(pk=rows[pk][5])
        answer = decision_rights(function=function, area=area, on=on)
        return RightsCase(
            tag,
            function.pk,
            function.name,
            len(function.ancestor_ids) + 1,
            area.pk,
            area.name,
            holders=len(answer.holders),
            longest=max((len(h.chain) for h in answer.holders), default=0),
            read=len(rights_floor_rows(function.pk, area.pk, on)),
        )

    shallow = [
        case("shallow", pk, False)
        for pk in spread(pk for pk, d in depths.items() if d == 1 and pk not in with_children)
    ]
    deep = [case("deep", pk, True) for pk in spread(pk for pk, d in depths.items() if d == longest)]
    shallow = [c for c in shallow if c.longest == 1] or shallow
    deep = [c for c in deep if c.longest == longest] or deep
    return [
        min(shallow, key=lambda c: (c.holders, c.read, c.function_id)),
        max(deep, key=lambda c: (c.level, c.holders, c.read, -c.function_id)),
    ]


def pick_map_systems(on: dt.date) -> list[tuple[int, str, int]]:
    """Systems (id, name, delegations in force on the day): the fewest, a median and the most."""
    from django.db.models import Count

    from delegations.models import Delegation

    rows = list(
        Delegation.objects.in_force(on)
        .values_list("area__system", "area__system__name")
        .annotate(n=Count("pk"))
        .order_by("n", "area__system")
    )
    return [rows[0], rows[len(rows) // 2], rows[-1]]


def route(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return True


def map_page_path(system_id: int) -> str | None:
    """The functions and decisions map page of a system, when the app has one."""
    from django.urls import NoReverseMatch, reverse

    for name in (
        "delegations:functions_map",
        "delegations:functions-map",
        "delegations:system_functions_map",
    ):
        for kwarg in ("pk", "system", "system_pk", "system_id"):
            try:
                return reverse(name, kwargs={kwarg: system_id})
            except NoReverseMatch:
                continue
    path = f"/systems/{system_id}/functions-map/"
    return path if route(path) else None


@dataclass
class Call:
    """A selector timed in-process, next to its floor."""

    key: str
    label: str
    call: object
    floor: Call | None = None
    samples: list[float] = field(default_factory=list)
    sql: float = 0.0
    cpu: float = 0.0


def time_calls(calls: list[Call], runs: int = CALL_RUNS, seconds: float = CALL_SECONDS) -> None:
    """Each call `runs` times (or for `seconds`), in rotating batches of 10 so that a burst of other
    load hits every row alike; wall time per call, SQL time and Python CPU per call."""
    from django.db import connection

    for c in calls:
        for _ in range(5):
            c.call()
    totals = {c.key: [0.0, 0.0] for c in calls}
    spent = {c.key: 0.0 for c in calls}
    while True:
        pending = [c for c in calls if len(c.samples) < runs and spent[c.key] < seconds]
        if not pending:
            break
        for c in pending:
            timer = SqlTimer()
            cpu = time.process_time()
            with connection.execute_wrapper(timer):
                for _ in range(10):
                    t = time.perf_counter()
                    c.call()
                    c.samples.append(time.perf_counter() - t)
            totals[c.key][0] += timer.seconds
            totals[c.key][1] += time.process_time() - cpu
            spent[c.key] += sum(c.samples[-10:])
    for c in calls:
        c.sql = totals[c.key][0] / len(c.samples) * 1000
        c.cpu = totals[c.key][1] / len(c.samples) * 1000


def count_call(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def outermost_table(sql: str) -> str:
    """The table after the FROM of the outermost SELECT (not one inside a subquery)."""
    depth = 0
    for i, char in enumerate(sql):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and sql.startswith(' FROM "', i):
            return sql[i + 7 : sql.index('"', i + 7)]
    return "?"


def explain_call(call, repeat: int = 9) -> str:
    """Each query of `call` with its planning and execution time on the server (EXPLAIN ANALYZE,
    median of `repeat`), the rows it returned and the relations it joins."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()
    with CaptureQueriesContext(connection) as ctx:
        call()
    lines = [f"Its queries on the server (EXPLAIN ANALYZE, median of {repeat}):"]
    with connection.cursor() as cursor:
        for n, query in enumerate(ctx.captured_queries, 1):
            sql = query["sql"]
            runs = []
            for _ in range(repeat):
                cursor.execute("EXPLAIN (ANALYZE, SUMMARY, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
                runs.append(
                    (plan["Planning Time"], plan["Execution Time"], plan["Plan"].get("Actual Rows", 0))
                )
            runs.sort(key=lambda r: r[0] + r[1])
            planning, execution, rows = runs[len(runs) // 2]
            table = outermost_table(sql)
            joins = len(re.findall(r"\bJOIN\b", sql))
            subqueries = sql.count("SELECT") - 1
            lines.append(
                f"  {n}. plan {planning:6.2f} ms  execute {execution:6.2f} ms  {rows:>5} rows  "
                f"{table}: {joins} joins, {subqueries} subqueries, "
                f"{len(sql):,} characters"
            )
    return "\n".join(lines)


@dataclass
class DelegationsBench:
    on: dt.date
    cases: list[RightsCase]
    systems: list[tuple[int, str, int]]
    calls: list[Call] = field(default_factory=list)
    queries: dict[str, dict[str, int]] = field(default_factory=dict)
    api: Endpoint | None = None
    page: Endpoint | None = None
    check: str = ""
    rights: object = None  # the deep case's call
    map: object = None  # the largest system's map call


def delegation_endpoints(bench: DelegationsBench, number: itertools.count) -> list[Endpoint]:
    """The decision-rights API and the map page with their floors, for the load, when the app routes
    them (they are measured in-process either way)."""
    json_type = "application/json"
    on = bench.on
    out: list[Endpoint] = []
    if route(RIGHTS_API):
        floor = Endpoint(
            "rights_floor",
            f"({next(number)}) rights floor: .values() JSON, deep case",
            "",
            json_type,
            sized=False,
            variants=[
                (c.tag, f"/bench/rights-floor/?function={c.function_id}&area={c.area_id}&on={on}")
                for c in bench.cases
            ],
            max_queries=None,
        )
        floor.floor = floor
        bench.api = Endpoint(
            "rights_api",
            f"({next(number)}) {RIGHTS_API}?function=&area=&on= (deep case)",
            "",
            json_type,
            sized=False,
            variants=[
                (c.tag, f"{RIGHTS_API}?function={c.function_id}&area={c.area_id}&on={on}")
                for c in bench.cases
            ],
            floor=floor,
            max_queries=None,
        )
        out += [floor, bench.api]
    pages = [map_page_path(pk) for pk, _name, _n in bench.systems]
    if all(pages):
        floor = Endpoint(
            "map_floor",
            f"({next(number)}) map floor: .values() JSON, largest system",
            "",
            json_type,
            sized=False,
            variants=[
                (f"{tag}:{n}", f"/bench/map-floor/?system={pk}&as_of={on}")
                for (pk, _name, n), tag in zip(bench.systems, "SML", strict=True)
            ],
            max_queries=None,
        )
        floor.floor = floor
        bench.page = Endpoint(
            "map_page",
            f"({next(number)}) {pages[-1]}?as_of={on} (HTML, {bench.systems[-1][2]} delegations in force)",
            "",
            "text/html",
            sized=False,
            variants=[
                (f"{tag}:{n}", f"{path}?as_of={on}")
                for (_pk, _name, n), tag, path in zip(bench.systems, "SML", pages, strict=True)
            ],
            floor=floor,
            max_queries=None,
        )
        out += [floor, bench.page]
    for ep in out:
        ep.path = ep.variants[-1][1]  # the deep case, the largest system
    return out


def measure_delegations(bench: DelegationsBench, number: itertools.count) -> None:
    """In-process: the resolver and the map selector, timed next to their floors, and their query counts."""
    import re

    from delegations.models import Function
    from delegations.selectors import decision_rights, functions_map
    from organisations.models import Area, System

    from .floor import map_floor_rows, rights_floor_rows

    on = bench.on

    def rights(case: RightsCase):
        function, area = Function.objects.get(pk=case.function_id), Area.objects.get(pk=case.area_id)
        return lambda: decision_rights(function=function, area=area, on=on)

    def mapping(system_id: int):
        system = System.objects.get(pk=system_id)
        return lambda: functions_map(system, on)

    shallow, deep = bench.cases
    large = bench.systems[-1]
    bench.rights, bench.map = rights(deep), mapping(large[0])
    rights_floor = Call(
        "rights_floor",
        f"({next(number)}) floor: the deep case's {deep.read} delegations, .values()",
        lambda: rights_floor_rows(deep.function_id, deep.area_id, on),
    )
    rights_floor.floor = rights_floor
    rights_call = Call(
        "rights", f"({next(number)}) decision_rights(), the deep case", bench.rights, floor=rights_floor
    )
    map_floor = Call(
        "map_floor",
        f"({next(number)}) floor: the largest system's {large[2]} delegations, .values()",
        lambda: map_floor_rows(large[0], on),
    )
    map_floor.floor = map_floor
    map_call = Call(
        "map", f"({next(number)}) functions_map(), the largest system", bench.map, floor=map_floor
    )
    bench.calls = [rights_floor, rights_call, map_floor, map_call]
    bench.queries = {
        "decision_rights(): shallow / deep": {c.tag: count_call(rights(c)) for c in bench.cases},
        "functions_map(): S / M / L": {
            f"{tag}:{n}": count_call(mapping(pk))
            for (pk, _name, n), tag in zip(bench.systems, "SML", strict=True)
        },
    }
    answer = bench.rights()
    used = {h.chain[-1].delegation_id for h in answer.holders if h.chain}
    used |= {int(pk) for pk in re.findall(r"Delegation (\d+) to", " ".join(answer.notes))}
    floor_ids = {row["id"] for row in rights_floor_rows(deep.function_id, deep.area_id, on)}
    bench.check = (
        f"resolver (deep case) vs its floor: the same {len(used)} delegations"
        if used == floor_ids
        else f"resolver (deep case) vs its floor: MISMATCH ({len(used)} vs {len(floor_ids)} delegations)"
    )
    time_calls(bench.calls)


def report_delegations(bench: DelegationsBench) -> set[str]:
    """Print the delegations tables; return "rights" if the resolver missed its target."""
    missed: set[str] = set()
    on = bench.on
    print()
    print(
        f"Delegations on {on:%-d %B %Y} (the dataset's day): the resolver and the functions and decisions map"
    )
    for case in bench.cases:
        print(f"Resolver, {case.describe()}.")
    print(
        "Map, systems by delegations in force that day: "
        + ", ".join(f"{tag}: {name} ({n})" for (_pk, name, n), tag in zip(bench.systems, "SML", strict=True))
        + "."
    )
    print(f"Floor check: {bench.check}")
    if bench.api is None:
        print(f"API: {RIGHTS_API} is not routed in this checkout; the resolver is measured in-process only.")
    else:
        print(f"API: {RIGHTS_API} measured through gunicorn above, as {bench.api.label.split()[0]}.")
    if bench.page is None:
        print(
            "Map page: no functions-map page is routed in this checkout; the functions_map selector is measured "
            "in-process only."
        )
    else:
        print(f"Map page: measured through gunicorn above, as {bench.page.label.split()[0]}.")
    print()
    print(
        f"In-process, no HTTP (the selector called directly; up to {CALL_RUNS} calls or {CALL_SECONDS:.0f} s "
        "each, in rotating batches of 10)"
    )
    width = max(len(c.label) for c in bench.calls)
    head = (
        f"{'call':<{width}} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'SQL ms':>7} {'CPU ms':>7} "
        f"{'p50/floor':>9}  target"
    )
    print(head)
    print("-" * (len(head) + 24))
    for c in bench.calls:
        p50, p95, p99 = (percentile(c.samples, q) * 1000 for q in (50, 95, 99))
        ratio = p50 / (percentile(c.floor.samples, 50) * 1000)
        if c.floor is c:
            target = "(the floor)"
        elif c.key == "rights":
            ok = p50 <= RIGHTS_TARGET_MS
            target = f"p50 ≤ {RIGHTS_TARGET_MS:.0f} ms: " + ("ok" if ok else "MISSED")
            if not ok:
                missed.add(c.key)
        else:
            target = "(no latency target)"
        print(
            f"{c.label:<{width}} {len(c.samples):>4} {p50:>7.1f} {p95:>7.1f} {p99:>7.1f} {c.sql:>7.1f} {c.cpu:>7.1f} "
            f"{ratio:>8.2f}×  {target}"
        )
    print(
        "SQL ms: time in database calls, round trips included (mean); CPU ms: Python CPU time of the process (mean)."
    )
    print()
    print("Queries per call (in-process, CaptureQueriesContext; target: constant)")
    width = max(len(k) for k in bench.queries)
    for label, counts in bench.queries.items():
        cells = " / ".join(f"{n} ({tag})" for tag, n in counts.items())
        verdict = "ok" if len(set(counts.values())) == 1 else "MISSED (not constant)"
        print(f"{label:<{width}} {cells:<48} {verdict}")
    return missed


# --- Report ----------------------------------------------------------------------------------


def machine() -> str:
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        nproc = str(len(os.sched_getaffinity(0)))
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return (
        f"Machine: nproc={nproc} ({platform.machine()}, {platform.system()} {platform.release()}); "
        f"Python {platform.python_version()}, Django {django.get_version()}, PostgreSQL {pg}"
    )


def _p(ep: Endpoint | None, q: float) -> float:
    return percentile(ep.samples, q) if ep is not None and ep.samples else float("nan")


def latency_target(ep: Endpoint, by_key: dict[str, Endpoint]) -> tuple[str, bool]:
    """The target text of an endpoint's row, and whether it was missed."""
    p50 = _p(ep, 50)
    if ep.floor is ep:
        return "(the floor)", False
    if ep.key in ("api", "bodies", "bodies_as_of"):
        ok = p50 <= API_TARGET * _p(ep.floor, 50)
        return f"p50 ≤ {API_TARGET}× floor: " + ("ok" if ok else "MISSED"), not ok
    if ep.key == "as_of":
        ratio = p50 / _p(by_key["api"], 50)
        ok = abs(ratio - 1) <= AS_OF_TOLERANCE
        return f"p50 = (1) ±{AS_OF_TOLERANCE:.0%}: {ratio:.2f}× " + ("ok" if ok else "MISSED"), not ok
    if ep.key == "graph":
        ok = p50 * 1000 <= GRAPH_TARGET_MS
        return f"p50 ≤ {GRAPH_TARGET_MS:.0f} ms: " + ("ok" if ok else "MISSED"), not ok
    return "(no latency target)", False


def report(endpoints: list[Endpoint], ctx, args) -> set[str]:
    """Print the tables; return the keys of the endpoints that missed their latency target."""
    by_key = {ep.key: ep for ep in endpoints}
    missed: set[str] = set()
    print()
    print("ICS Registry benchmark")
    print(machine())
    print("Dataset: " + ", ".join(f"{k} {v:,}" for k, v in ctx["counts"].items()))
    print(ctx["build_line"])
    print(ctx["server_line"])
    print(
        f"Load: {args.threads} client threads (http.client; sync workers close each connection), "
        f"warm-up {args.warmup} requests, then up to {args.requests} requests or {args.seconds:.0f} s per "
        f"endpoint, in rotating batches of {args.batch}. Load average before/after: "
        f"{ctx['load_before']:.2f} / {ctx['load_after']:.2f}"
    )
    for line in ctx["check_lines"]:
        print(f"Floor check: {line}")
    print(ctx["graph_line"])
    print()
    width = max(len(ep.label) for ep in endpoints)
    head = (
        f"{'endpoint':<{width}} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'req/s':>6} "
        f"{'p50/floor':>9} {'p95/floor':>9} {'p99/floor':>9}  target"
    )
    print(head)
    print("-" * (len(head) + 30))
    for ep in endpoints:
        if not ep.samples:
            print(f"{ep.label:<{width}} {'—':>4}  no samples")
            continue
        p50, p95, p99 = _p(ep, 50), _p(ep, 95), _p(ep, 99)
        rps = len(ep.samples) / ep.wall if ep.wall else float("nan")
        target, miss = latency_target(ep, by_key)
        if miss:
            missed.add(ep.key)
        if ep.errors:
            target += "  ERRORS: " + ", ".join(
                f"{f'HTTP {s}' if s else 'no answer'}×{n}" for s, n in sorted(ep.errors.items())
            )
        print(
            f"{ep.label:<{width}} {len(ep.samples):>4} {p50 * 1000:>7.1f} {p95 * 1000:>7.1f} {p99 * 1000:>7.1f} "
            f"{rps:>6.0f} {p50 / _p(ep.floor, 50):>8.2f}× {p95 / _p(ep.floor, 95):>8.2f}× "
            f"{p99 / _p(ep.floor, 99):>8.2f}×  {target}"
        )
    print(
        "Ratios: (1)–(4) against the organisations floor (4); (5)–(10) against the bodies floors (9) and (10)"
        + (
            "; the decision-rights API and the map page against the floor just above each."
            if len(endpoints) > 10
            else "."
        )
    )
    print()
    print(
        f"Queries per request (in-process, CaptureQueriesContext; target: constant, and ≤ {MAX_QUERIES} "
        "for the lists and the place page)"
    )
    head = f"{'endpoint':<{width}} {'page_size=10 / 100 / 500; pages and graphs: S / M / L':<62} target"
    print(head)
    print("-" * (len(head) + 10))
    for ep in endpoints:
        values = list(ep.queries.values())
        cells = [f"HTTP {-v}" if v < 0 else str(v) for v in values]
        if not ep.sized:
            cells = [f"{cell} ({key})" for cell, key in zip(cells, ep.queries, strict=True)]
        if not values or any(v < 0 for v in values):
            verdict = "MISSED (error responses)"
        else:
            problems = [*([] if len(set(values)) == 1 else ["not constant"])]
            if ep.max_queries is not None and max(values) > ep.max_queries:
                problems.append(f"> {ep.max_queries}")
            verdict = "ok" if not problems else f"MISSED ({', '.join(problems)})"
        print(f"{ep.label:<{width}} {' / '.join(cells):<62} {verdict}")
    print()
    print("In-process, no HTTP (test client, 30 requests each, before the load): mean per request")
    head = f"{'endpoint':<{width}} {'wall ms':>8} {'SQL ms':>8} {'Python CPU ms':>14}"
    print(head)
    print("-" * len(head))
    for ep in endpoints:
        b = ep.inprocess
        print(f"{ep.label:<{width}} {b['wall']:>8.1f} {b['sql']:>8.1f} {b['cpu']:>14.1f}")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the bench database")
    parser.add_argument("--requests", type=int, default=400, help="measured requests per endpoint")
    parser.add_argument("--seconds", type=float, default=20.0, help="time limit per endpoint")
    parser.add_argument("--warmup", type=int, default=50, help="warm-up requests per endpoint")
    parser.add_argument("--threads", type=int, default=2, help="concurrent client threads")
    parser.add_argument("--batch", type=int, default=25, help="requests per endpoint per rotation")
    parser.add_argument(
        "--profile", action="store_true", help="profile the API list even if it meets its target"
    )
    args = parser.parse_args(argv)

    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        print(
            "DATABASE_URL is not set: run `make bench` (which starts the embedded services).", file=sys.stderr
        )
        return 2
    if urlsplit(base_url).path.lstrip("/") == BENCH_DATABASE:
        print(f"DATABASE_URL already names {BENCH_DATABASE}; point it at the main database.", file=sys.stderr)
        return 2

    static_root = Path(tempfile.mkdtemp(prefix="ics-bench-static-"))
    os.environ.update(
        DATABASE_URL=with_database(base_url, BENCH_DATABASE),
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DJANGO_DEBUG="0",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
    )
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    sys.path.insert(0, str(BASE_DIR))

    import django

    django.setup()  # reads the settings only; nothing connects yet
    from tests.bench import dataset

    try:
        build_started = time.perf_counter()
        version = dataset.dataset_version()
        reused = prepare_database(base_url, version, args.rebuild)
        t = time.perf_counter()
        log(f"migrate {BENCH_DATABASE}")
        manage("migrate", "--noinput", "--verbosity", "0")
        migrate_s = time.perf_counter() - t
        if reused:
            build_line = (
                f"Build: reused {BENCH_DATABASE} (dataset {version}); migrate {migrate_s:.1f} s, "
                f"total {time.perf_counter() - build_started:.1f} s"
            )
        else:
            log("loading the dataset")
            timings = dataset.load(progress=log)
            mark_built(version)
            build_line = (
                f"Build: created {BENCH_DATABASE} (dataset {version}) in "
                f"{time.perf_counter() - build_started:.1f} s: migrate {migrate_s:.1f} s, generate "
                f"{timings['generate']:.1f} s, COPY {timings['copy']:.1f} s (history row triggers ignored), "
                f"history events set-based {timings['history']:.1f} s, VACUUM ANALYZE {timings['analyze']:.1f} s"
            )
        log(build_line)
        t = time.perf_counter()
        manage("collectstatic", "--noinput", "--verbosity", "0")
        log(f"collectstatic into {static_root} in {time.perf_counter() - t:.1f} s")

        counts = dataset_counts()
        places = pick_places()
        big = places[0]
        system_bodies, graph_bodies = pick_graph_bodies()
        busiest = pick_bodies()
        graph_pk, graph_nodes, graph_edges = graph_bodies[-1]
        body = busiest[0]
        json = "application/json"
        org_floor = Endpoint("floor", "(4) floor: .values() JSON, same 100 rows", "/bench/floor/", json)
        body_floor = Endpoint(
            "bodies_floor", "(9) bodies floor: .values() JSON, same 100 rows", "/bench/bodies-floor/", json
        )
        body_floor_as_of = Endpoint(
            "bodies_floor_as_of",
            f"(10) bodies floor … ?as_of={BODIES_AS_OF}",
            f"/bench/bodies-floor/?as_of={BODIES_AS_OF}",
            json,
        )
        endpoints = [
            org_floor,
            Endpoint("api", "(1) /api/v1/organisations/?page_size=100", "/api/v1/organisations/", json),
            Endpoint("as_of", f"(2) … &as_of={AS_OF}", f"/api/v1/organisations/?as_of={AS_OF}", json),
            Endpoint(
                "place",
                f"(3) place page /areas/{big[0]}/ ({big[2]} orgs, {big[3]} nbhds)",
                f"/areas/{big[0]}/",
                "text/html",
                sized=False,
                variants=[
                    (f"{tag}:{orgs} orgs", f"/areas/{pk}/")
                    for (pk, _name, orgs, _hoods), tag in zip(places[::-1], "SML", strict=True)
                ],
                # the registry's eight, one for the governance bodies covering the place, and two
                # for the delegations applying to it and its place-based lead arrangement
                max_queries=MAX_QUERIES + 3,
            ),
            body_floor,
            Endpoint(
                "bodies", "(5) /api/v1/bodies/?page_size=100", "/api/v1/bodies/", json, floor=body_floor
            ),
            body_floor_as_of,
            Endpoint(
                "bodies_as_of",
                f"(6) … &as_of={BODIES_AS_OF}",
                f"/api/v1/bodies/?as_of={BODIES_AS_OF}",
                json,
                floor=body_floor_as_of,
            ),
            Endpoint(
                "graph",
                f"(7) /api/v1/bodies/{graph_pk}/graph/?depth={GRAPH_DEPTH} ({graph_nodes} bodies, {graph_edges} links)",
                f"/api/v1/bodies/{graph_pk}/graph/?depth={GRAPH_DEPTH}",
                json,
                sized=False,
                variants=[
                    (f"{tag}:{nodes} bodies", f"/api/v1/bodies/{pk}/graph/?depth={GRAPH_DEPTH}")
                    for (pk, nodes, _edges), tag in zip(graph_bodies, "SML", strict=True)
                ],
                floor=body_floor,
                max_queries=None,
            ),
            Endpoint(
                "body",
                f"(8) body page /bodies/{body[0]}/ ({body[2]} seats, {body[3]} holdings)",
                f"/bodies/{body[0]}/",
                "text/html",
                sized=False,
                variants=[
                    (f"{tag}:{seats} seats", f"/bodies/{pk}/")
                    for (pk, _name, seats, _holdings), tag in zip(busiest[::-1], "SML", strict=True)
                ],
                floor=body_floor,
                max_queries=None,
            ),
        ]
        log("choosing the resolver's questions and the map's systems")
        number = itertools.count(len(endpoints) + 1)
        delegations = DelegationsBench(
            on=dataset.TODAY, cases=pick_rights(dataset.TODAY), systems=pick_map_systems(dataset.TODAY)
        )
        endpoints += delegation_endpoints(delegations, number)
        for ep in endpoints:
            ep.floor = ep.floor or org_floor
            ep.path_for_load = ep.url(100)
        by_key = {ep.key: ep for ep in endpoints}

        log("counting queries in-process")
        count_queries(endpoints)
        breakdown(endpoints)
        log("timing the resolver and the map in-process")
        measure_delegations(delegations, number)
        check_lines = [
            f"{label}: {same_rows_check(by_key[api], by_key[floor])}"
            for label, api, floor in (
                ("organisations (1) vs (4)", "api", "floor"),
                ("bodies (5) vs (9)", "bodies", "bodies_floor"),
                ("bodies as_of (6) vs (10)", "bodies_as_of", "bodies_floor_as_of"),
            )
        ]
        graph_line = (
            f"Graph: system {system_bodies} bodies; bodies within {GRAPH_DEPTH} links today — "
            + ", ".join(f"body {pk}: {nodes} bodies, {edges} links" for pk, nodes, edges in graph_bodies)
            + f"; measured under load: body {graph_pk}. Body page: the busiest body, {body[1]}."
        )

        port = free_port()
        log_path = static_root / "gunicorn.log"
        proc = start_gunicorn(port, log_path)
        try:
            wait_ready(proc, port, log_path)
            log(f"gunicorn on 127.0.0.1:{port}; measuring")
            load_before = os.getloadavg()[0]
            load(
                endpoints,
                port,
                warmup=args.warmup,
                requests=args.requests,
                seconds=args.seconds,
                threads=args.threads,
                batch=args.batch,
            )
            load_after = os.getloadavg()[0]
        finally:
            stop(proc)
            server_errors = [
                line for line in log_path.read_text(errors="replace").splitlines() if line.strip()
            ]
        server_line = (
            f"Server: gunicorn 2 sync workers, 127.0.0.1:{port}, --no-control-socket, settings {SETTINGS} "
            f"(local: DEBUG off, CONN_MAX_AGE {os.environ.get('DATABASE_CONN_MAX_AGE', '600')} s)"
        )
        ctx = {
            "counts": counts,
            "build_line": build_line,
            "server_line": server_line,
            "check_lines": check_lines,
            "graph_line": graph_line,
            "load_before": load_before,
            "load_after": load_after,
        }
        missed = report(endpoints, ctx, args)
        missed |= report_delegations(delegations)
        if server_errors:
            print("\nServer log (last lines):")
            print("\n".join(server_errors[-15:]))
        for key, title in (
            ("api", "the organisations list, page_size=100"),
            ("bodies", "the bodies list, page_size=100"),
            ("bodies_as_of", f"the bodies list, page_size=100, as_of={BODIES_AS_OF}"),
            ("graph", f"body {graph_pk}'s graph, depth={GRAPH_DEPTH}"),
        ):
            if key in missed or args.profile:
                print(f"\nWhere the time goes ({title}):")
                print(profile_api(by_key[key].path_for_load))
        for key, title, call in (
            ("rights", "decision_rights(), the deep case", delegations.rights),
            ("map", "functions_map(), the largest system", delegations.map),
        ):
            if key in missed or args.profile:
                print(f"\nWhere the time goes ({title}):")
                print(profile_call(call))
                print(explain_call(call))
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
