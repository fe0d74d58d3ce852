"""A national-scale synthetic registry for the benchmark: 42 systems, ~210 places, ~1,250
neighbourhoods, ~10,000 organisations with successions, ~30,000 posts and their holdings.

Deterministic (fixed seed). Rows are generated in Python with explicit ids and streamed into
PostgreSQL with COPY (one COPY per table, inside one transaction), then the id sequences are reset.
History: the pghistory "created" row triggers are ignored for the COPY and their events written
afterwards set-based (see `load`); foreign-key and exclusion constraints are checked as usual.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import time
from collections import defaultdict
from pathlib import Path

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import AutoField
from psycopg import sql

from ics_registry.models import SourceDocument
from organisations.choices import AreaKind, MembershipCategory, OrganisationKind, Tier
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

# Bump when the generator changes meaning; the version also hashes this file and the migrations.
DATASET_REVISION = 1
SEED = 20220701
TODAY = dt.date(2025, 6, 1)  # generated periods are relative to this date, not the clock

N_SYSTEMS = 42
PLACES_PER_SYSTEM = 5  # 210 places
NEIGHBOURHOODS_PER_PLACE = (3, 9)  # ~1,260 neighbourhoods
PRACTICES_PER_NEIGHBOURHOOD = (3, 9)  # ~7,400 GP practices → ~10,000 organisations in all

MODELS = [
    SourceDocument,
    System,
    Area,
    Organisation,
    OrganisationArea,
    Succession,
    PartnershipMembership,
    Person,
    Post,
    PostHolding,
]


def dataset_version() -> str:
    """Changes whenever the generator or the schema's migrations change."""
    digest = hashlib.sha256(f"rev{DATASET_REVISION}:seed{SEED}".encode())
    digest.update(Path(__file__).read_bytes())
    root = Path(__file__).resolve().parents[2]
    for path in sorted(root.glob("*/migrations/0*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"r{DATASET_REVISION}-{digest.hexdigest()[:12]}"


# --- Names ---------------------------------------------------------------------------------

STEMS = (
    "Ash Beck Bram Brook Calder Chester Cole Crane Dun Elm Fair Fen Glen Hale Harrow Hazel Holm Kings "
    "Lang Lea Marsh Mill Moor Nether Oak Pen Queens Red Rother Sand Shaw Stan Stone Thorn Wal Wey Whit "
    "Wick Wind Wolver Wood Yar Alder Birch Cross Down Ever Frog Gold Heath Iron Knot Lark Mead North "
    "Orch Pine Rook Salt Tam Under Vale Willow"
).split()
SUFFIXES = (
    "bury by caster chester dale den field ford gate ham hampton hurst ley minster mouth port stead "
    "stoke thorpe ton well wick worth"
).split()
STREETS = (
    "Abbey Albion Beech Bridge Castle Cedar Chapel Church Clarence Dale Elms Forest Grange Grove Hall "
    "High Hill Lime Manor Market Meadow Mill Park Priory Queen Station Tower Valley Victoria Water"
).split()
PRACTICE_SUFFIXES = ("Medical Centre", "Surgery", "Health Centre", "Medical Practice", "Family Practice")
FIRST = (
    "Aisha Alan Amelia Andrew Anna Ben Carol Chloe Claire David Deborah Emma Fatima Gareth Grace Hannah "
    "Ian Imran James Jane Joanne John Karen Kate Liam Lucy Mark Mary Michael Nadia Neil Olivia Paul Priya "
    "Rachel Raj Richard Ruth Sam Sarah Simon Sophie Steve Susan Tom Yusuf Zoe"
).split()
LAST = (
    "Ahmed Ali Allen Baker Bell Brown Clarke Davies Edwards Evans Green Hall Harris Hughes Jackson "
    "Jones Khan King Lee Lewis Martin Moore Morris Patel Roberts Robinson Shah Smith Taylor Thomas "
    "Thompson Turner Walker Ward White Williams Wilson Wood Wright Young"
).split()

POSTS_BY_KIND = {
    OrganisationKind.ICB: [
        ("Chair", 1),
        ("Chief Executive", 1),
        ("Chief Finance Officer", 1),
        ("Chief Medical Officer", 1),
        ("Chief Nurse", 1),
        ("Director of Strategy", 1),
        ("Director of Place", 2),
        ("Non-executive Member", 4),
        ("Partner Member (local authorities)", 2),
        ("Partner Member (NHS trusts)", 2),
        ("Partner Member (primary care)", 1),
        ("Board Secretary", 1),
    ],
    OrganisationKind.CCG: [
        ("Accountable Officer", 1),
        ("Clinical Chair", 1),
        ("Chief Finance Officer", 1),
        ("Lay Member", 3),
    ],
    OrganisationKind.NHS_TRUST: [
        ("Chair", 1),
        ("Chief Executive", 1),
        ("Medical Director", 1),
        ("Director of Nursing", 1),
        ("Director of Finance", 1),
        ("Chief Operating Officer", 1),
        ("Non-executive Director", 5),
        ("Director of Workforce", 1),
    ],
    OrganisationKind.LOCAL_AUTHORITY: [
        ("Leader of the Council", 1),
        ("Chief Executive", 1),
        ("Director of Adult Social Services", 1),
        ("Director of Public Health", 1),
        ("Director of Children's Services", 1),
        ("Cabinet Member for Health and Care", 1),
    ],
    OrganisationKind.PCN: [("Clinical Director", 1), ("PCN Manager", 1)],
    OrganisationKind.GP_PRACTICE: [("Senior Partner", 1), ("Practice Manager", 1), ("Caldicott Guardian", 1)],
}
POSTS_BY_KIND[OrganisationKind.NHS_FOUNDATION_TRUST] = POSTS_BY_KIND[OrganisationKind.NHS_TRUST]
OTHER_POSTS = [("Chief Executive", 1), ("Chair", 1)]
PLACE_POSTS = [("Place-based Lead", 1), ("Place Director", 1), ("Locality Clinical Lead", 1)]
NEIGHBOURHOOD_POSTS = [("Neighbourhood Lead", 1)]

DOCUMENTS = [
    ("B01", "Synthetic ICS constitution (benchmark data)"),
    ("B02", "Synthetic board papers (benchmark data)"),
    ("B03", "Synthetic partnership memorandum (benchmark data)"),
    ("ODS", "NHS organisation data service"),
    ("ONS", "Register of geographic codes (local authority districts)"),
]


class Builder:
    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.rows: dict[type, list[tuple]] = defaultdict(list)
        self.ids: dict[type, int] = defaultdict(int)
        self.used_names: set[str] = set()
        self.ods_counter = 0

    # helpers ------------------------------------------------------------------------------
    def next_id(self, model) -> int:
        self.ids[model] += 1
        return self.ids[model]

    def town(self) -> str:
        for _ in range(1000):
            name = self.rng.choice(STEMS) + self.rng.choice(SUFFIXES)
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("ran out of town names")

    def ods(self, prefix: str) -> str:
        self.ods_counter += 1
        return f"{prefix}{self.ods_counter:05d}"

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def month_start(self, start: dt.date, end: dt.date) -> dt.date:
        return self.date_between(start, end).replace(day=1)

    def sources(self, *docs: str) -> str:
        return json.dumps([{"document": d, "section": f"§{self.rng.randint(1, 12)}"} for d in docs])

    # records ------------------------------------------------------------------------------
    def org(self, name, kind, ods="", start=None, end=None, incomplete=False) -> int:
        pk = self.next_id(Organisation)
        docs = ("ODS", "B01") if ods else ("B02",)
        note = "Start date not given by the source." if incomplete else ""
        self.rows[Organisation].append(
            (pk, name, kind, ods, start, end, self.sources(*docs), incomplete, note)
        )
        self.org_info[pk] = {"kind": kind, "start": start, "end": end}
        return pk

    def serve(self, org_id: int, *area_ids: int) -> None:
        for area_id in area_ids:
            self.rows[OrganisationArea].append(
                (self.next_id(OrganisationArea), org_id, area_id, "[]", False, "")
            )
            self.area_orgs[area_id].append(org_id)

    def succeed(self, pred: int, succ: int, effective: dt.date, note: str) -> None:
        self.rows[Succession].append(
            (self.next_id(Succession), pred, succ, effective, note, self.sources("B02"), False, "")
        )

    def area(self, name, system_id, tier, kind, parent=None, ons="", population=None) -> int:
        pk = self.next_id(Area)
        self.rows[Area].append(
            (
                pk,
                name,
                system_id,
                tier,
                parent,
                kind,
                population,
                ons,
                None,
                None,
                self.sources("B01"),
                False,
                "",
            )
        )
        return pk

    def build(self) -> dict[type, list[tuple]]:
        rng = self.rng
        self.org_info: dict[int, dict] = {}
        self.area_orgs: dict[int, list[int]] = defaultdict(list)
        for code, title in DOCUMENTS:
            self.rows[SourceDocument].append((self.next_id(SourceDocument), code, title, "", None))

        national = [
            self.org("NHS England", OrganisationKind.NHS_ENGLAND, "X24", dt.date(2013, 4, 1)),
            self.org("Care Quality Commission", OrganisationKind.REGULATOR, "", dt.date(2009, 4, 1)),
        ]
        area_posts: list[tuple[int, list]] = []
        icb_start = dt.date(2022, 7, 1)

        for s in range(1, N_SYSTEMS + 1):
            sys_name = f"{self.town()} and {self.town()}"
            system_id = self.next_id(System)
            self.rows[System].append(
                (
                    system_id,
                    sys_name,
                    f"S{s:02d}",
                    f"QS{s:02d}",
                    rng.randint(600_000, 3_000_000),
                    icb_start,
                    self.sources("B01"),
                    False,
                    "",
                )
            )
            system_area = self.area(sys_name, system_id, Tier.SYSTEM, AreaKind.SYSTEM)
            icb = self.org(
                f"NHS {sys_name} Integrated Care Board", OrganisationKind.ICB, self.ods("Q"), icb_start
            )
            self.serve(icb, system_area)
            members = [(icb, MembershipCategory.NHS_COMMISSIONERS, icb_start, None)]

            places = []
            for p in range(PLACES_PER_SYSTEM):
                place_name = self.town()
                place = self.area(
                    place_name,
                    system_id,
                    Tier.LOCALITY,
                    AreaKind.LOCAL_AUTHORITY_PLACE,
                    system_area,
                    ons=f"E08{s:03d}{p:03d}",
                    population=rng.randint(90_000, 600_000),
                )
                places.append(place)
                area_posts.append((place, PLACE_POSTS))
                ccg = self.org(
                    f"NHS {place_name} CCG",
                    OrganisationKind.CCG,
                    self.ods("0"),
                    dt.date(2013, 4, 1),
                    icb_start - dt.timedelta(days=1),
                )
                self.serve(ccg, place)
                self.succeed(ccg, icb, icb_start, "Commissioning functions passed to the ICB")
                members.append(
                    (
                        ccg,
                        MembershipCategory.NHS_COMMISSIONERS,
                        dt.date(2020, 11, 1),
                        icb_start - dt.timedelta(days=1),
                    )
                )
                la = self.org(
                    f"{place_name} Council", OrganisationKind.LOCAL_AUTHORITY, "", dt.date(1974, 4, 1)
                )
                self.serve(la, place)
                members.append((la, MembershipCategory.LOCAL_AUTHORITIES, dt.date(2020, 11, 1), None))
                for kind, label in (
                    (OrganisationKind.HEALTHWATCH, "Healthwatch {}"),
                    (OrganisationKind.GP_FEDERATION, "{} GP Federation"),
                ):
                    other = self.org(
                        label.format(place_name),
                        kind,
                        "",
                        self.date_between(dt.date(2008, 1, 1), dt.date(2019, 1, 1)),
                    )
                    self.serve(other, place)
                for n in range(rng.randint(*NEIGHBOURHOODS_PER_PLACE)):
                    hood_name = f"{place_name} {rng.choice(STREETS)} {n + 1}"
                    kind = AreaKind.PCN if rng.random() < 0.8 else AreaKind.INTEGRATED_NEIGHBOURHOOD_TEAM
                    hood = self.area(
                        hood_name,
                        system_id,
                        Tier.NEIGHBOURHOOD,
                        kind,
                        place,
                        population=rng.randint(30_000, 60_000),
                    )
                    area_posts.append((hood, NEIGHBOURHOOD_POSTS))
                    pcn = self.org(
                        f"{hood_name} PCN", OrganisationKind.PCN, self.ods("U"), dt.date(2019, 7, 1)
                    )
                    self.serve(pcn, hood)
                    practices = []
                    for _ in range(rng.randint(*PRACTICES_PER_NEIGHBOURHOOD)):
                        start = (
                            None
                            if rng.random() < 0.15
                            else self.date_between(dt.date(1948, 7, 5), dt.date(2016, 1, 1))
                        )
                        name = f"{rng.choice(STREETS)} {rng.choice(STEMS)}{rng.choice(SUFFIXES)} {rng.choice(PRACTICE_SUFFIXES)}"
                        practice = self.org(
                            name, OrganisationKind.GP_PRACTICE, self.ods("P"), start, incomplete=start is None
                        )
                        self.serve(practice, hood, place)
                        practices.append(practice)
                    # mergers within the neighbourhood, and the odd closure
                    if len(practices) >= 3 and rng.random() < 0.35:
                        pred, succ = practices[0], practices[1]
                        self._end(pred, self.month_start(dt.date(2016, 4, 1), dt.date(2024, 10, 1)))
                        self.succeed(
                            pred,
                            succ,
                            self.org_info[pred]["end"] + dt.timedelta(days=1),
                            "Practices merged; list transferred",
                        )
                    if rng.random() < 0.12:
                        self._end(practices[-1], self.month_start(dt.date(2015, 1, 1), dt.date(2025, 1, 1)))

            # NHS trusts serving one to three places, with mergers
            trusts = []
            for _ in range(6):
                town = self.town()
                kind = (
                    OrganisationKind.NHS_FOUNDATION_TRUST
                    if rng.random() < 0.6
                    else OrganisationKind.NHS_TRUST
                )
                label = rng.choice(
                    ("Hospitals", "Teaching Hospitals", "Community Health", "Mental Health", "Care")
                )
                suffix = (
                    "NHS Foundation Trust" if kind == OrganisationKind.NHS_FOUNDATION_TRUST else "NHS Trust"
                )
                trust = self.org(
                    f"{town} {label} {suffix}",
                    kind,
                    self.ods("R"),
                    self.date_between(dt.date(1991, 4, 1), dt.date(2012, 4, 1)),
                )
                self.serve(trust, *rng.sample(places, rng.randint(1, 3)))
                trusts.append(trust)
            if rng.random() < 0.5:  # two trusts form a new one
                a, b = trusts[0], trusts[1]
                formed = dt.date(2021, 4, 1)
                new = self.org(
                    f"{self.town()} and {self.town()} NHS Foundation Trust",
                    OrganisationKind.NHS_FOUNDATION_TRUST,
                    self.ods("R"),
                    formed,
                )
                self.serve(new, *rng.sample(places, 2))
                for old in (a, b):
                    self._end(old, formed)
                    self.succeed(old, new, formed, "Trusts merged")
                trusts = [new, *trusts[2:]]
            if rng.random() < 0.3:  # one trust taken over by another
                absorbed, by = trusts[-1], trusts[-2]
                taken = dt.date(2023, 4, 1)
                self._end(absorbed, taken)
                self.succeed(absorbed, by, taken, "Acquisition")
            for trust in trusts:
                members.append((trust, MembershipCategory.NHS_SERVICE_PROVIDERS, dt.date(2020, 11, 1), None))

            # other partners
            for kind, label, count in (
                (OrganisationKind.VCFSE, "{} Community Voluntary Service", 4),
                (OrganisationKind.HOUSING_PROVIDER, "{} Homes", 2),
                (OrganisationKind.SOCIAL_ENTERPRISE, "{} Community Care CIC", 2),
                (OrganisationKind.UNIVERSITY, "University of {}", 1),
                (OrganisationKind.POLICE, "{} Police", 1),
                (OrganisationKind.FIRE, "{} Fire and Rescue Service", 1),
            ):
                for _ in range(count):
                    org = self.org(
                        label.format(self.town()),
                        kind,
                        "",
                        self.date_between(dt.date(1960, 1, 1), dt.date(2018, 1, 1)),
                    )
                    self.serve(org, rng.choice([system_area, *places]))
                    if kind == OrganisationKind.VCFSE:
                        members.append((org, MembershipCategory.OTHER_PARTNERS, dt.date(2021, 4, 1), None))
            for org in national:
                members.append(
                    (
                        org,
                        MembershipCategory.NONMEMBER_REGULATOR
                        if org == national[1]
                        else MembershipCategory.NONMEMBER_NATIONAL,
                        dt.date(2020, 11, 1),
                        None,
                    )
                )
            for org, category, start, end in members:
                self.rows[PartnershipMembership].append(
                    (
                        self.next_id(PartnershipMembership),
                        system_id,
                        org,
                        category,
                        start,
                        end,
                        "",
                        self.sources("B03"),
                        False,
                        "",
                    )
                )

        self._posts(list(self.org_info), area_posts)
        return self.rows

    def _end(self, org_id: int, first_day_after: dt.date) -> None:
        info = self.org_info[org_id]
        end = first_day_after - dt.timedelta(days=1)
        if info["start"] is not None and info["start"] >= end:
            info["start"] = end - dt.timedelta(days=3650)
        info["end"] = end
        rows = self.rows[Organisation]
        row = rows[org_id - 1]
        assert row[0] == org_id
        rows[org_id - 1] = (*row[:4], info["start"], end, *row[6:])

    def _posts(self, org_ids: list[int], area_posts: list[tuple[int, list]]) -> None:
        people: list[int] = []
        for org_id in org_ids:
            info = self.org_info[org_id]
            for title, capacity in POSTS_BY_KIND.get(info["kind"], OTHER_POSTS):
                self._post(title, org_id, None, capacity, info["start"], info["end"], people)
        for area_id, titles in area_posts:
            for title, capacity in titles:
                self._post(title, None, area_id, capacity, dt.date(2019, 4, 1), None, people)

    def _post(self, title, org_id, area_id, capacity, start, end, people) -> None:
        rng = self.rng
        post_id = self.next_id(Post)
        post_start = start if start is None or start >= dt.date(2000, 1, 1) else None
        self.rows[Post].append(
            (post_id, title, org_id, area_id, capacity, post_start, end, self.sources("B02"), False, "")
        )
        last_day = end or TODAY
        for position in range(1, capacity + 1):
            if rng.random() < 0.12:
                continue  # vacant place
            held_from = self.date_between(max(start or dt.date(2014, 1, 1), dt.date(2014, 1, 1)), last_day)
            while held_from <= last_day:
                tenure_days = rng.randint(4 * 365, 14 * 365)
                held_to = held_from + dt.timedelta(days=tenure_days)
                closed = held_to < last_day or end is not None
                if people and rng.random() < 0.15:
                    person = rng.choice(people)
                else:
                    person = self.next_id(Person)
                    self.rows[Person].append(
                        (person, f"{rng.choice(FIRST)} {rng.choice(LAST)}", self.sources("B02"), False, "")
                    )
                    people.append(person)
                self.rows[PostHolding].append(
                    (
                        self.next_id(PostHolding),
                        post_id,
                        person,
                        position,
                        rng.random() < 0.05,
                        held_from,
                        min(held_to, last_day) if closed else None,
                        self.sources("B02"),
                        False,
                        "",
                    )
                )
                if not closed:
                    break
                held_from = held_to + dt.timedelta(days=rng.randint(1, 120))
                if held_from > last_day:
                    break


SOURCED = ("sources", "is_incomplete", "incomplete_note")
COLUMNS = {
    SourceDocument: ("id", "code", "title", "publisher", "published_on"),
    System: ("id", "name", "short_name", "ods_code", "population_estimate", "icb_statutory_from", *SOURCED),
    Area: (
        "id",
        "name",
        "system_id",
        "tier",
        "parent_id",
        "kind",
        "population_estimate",
        "ons_code",
        "start_date",
        "end_date",
        *SOURCED,
    ),
    Organisation: ("id", "name", "kind", "ods_code", "start_date", "end_date", *SOURCED),
    OrganisationArea: ("id", "organisation_id", "area_id", *SOURCED),
    Succession: ("id", "predecessor_id", "successor_id", "effective_date", "note", *SOURCED),
    PartnershipMembership: (
        "id",
        "system_id",
        "organisation_id",
        "category",
        "start_date",
        "end_date",
        "note",
        *SOURCED,
    ),
    Person: ("id", "name", *SOURCED),
    Post: ("id", "title", "organisation_id", "area_id", "capacity", "start_date", "end_date", *SOURCED),
    PostHolding: ("id", "post_id", "person_id", "position", "is_acting", "start_date", "end_date", *SOURCED),
}


def _copy(cursor, model, rows) -> None:
    columns = [model._meta.get_field(name).column for name in COLUMNS[model]]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _history_insert_triggers() -> list[tuple[type, object]]:
    """The pghistory "created" triggers of the models loaded here."""
    import pgtrigger

    return [
        (model, trigger)
        for model, trigger in pgtrigger.registered()
        if model in MODELS and trigger.operation == pgtrigger.Insert and hasattr(trigger, "event_model")
    ]


def _backfill_created_events(cursor, model, trigger) -> None:
    """Write the "created" events the (ignored) row trigger would have written, in one statement."""
    event = trigger.event_model
    tracked = {f.name for f in model._meta.fields}
    columns = [
        f.column
        for f in event._meta.concrete_fields
        if f.name in tracked and not f.name.startswith("pgh_") and not isinstance(f, AutoField)
    ]
    statement = sql.SQL(
        "INSERT INTO {event} ({cols}, pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id) "
        "SELECT {cols}, NOW(), {label}, {pk}, NULL FROM {table} ORDER BY {pk}"
    ).format(
        event=sql.Identifier(event._meta.db_table),
        cols=sql.SQL(", ").join(map(sql.Identifier, columns)),
        label=sql.Literal(trigger.label),
        pk=sql.Identifier(model._meta.pk.column),
        table=sql.Identifier(model._meta.db_table),
    )
    cursor.execute(statement.as_string(cursor.cursor.connection))


def load(*, seed: int = SEED, progress=lambda message: None) -> dict[str, float]:
    """Generate the dataset and COPY it into the (empty, migrated) current database.

    The history row triggers are ignored during the COPY (pgtrigger's `pgtrigger.ignore` setting,
    for this transaction only): fired row by row next to the foreign-key checks they cost ~50×
    the COPY itself. The same "created" events are then written set-based, one INSERT … SELECT per
    table, so the event tables hold what the triggers would have written. Returns timings (s)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    rows = Builder(seed).build()
    timings["generate"] = time.perf_counter() - started
    triggers = _history_insert_triggers()
    with transaction.atomic():
        for model in MODELS:
            if model._default_manager.exists():
                raise RuntimeError(f"{model._meta.label} is not empty: the bench database must be fresh")
        with connection.cursor() as cursor:
            ignored = "{" + ",".join(trigger.get_pgid(model) for model, trigger in triggers) + "}"
            cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", [ignored])
            t = time.perf_counter()
            raw = cursor.cursor  # the psycopg cursor, for COPY
            for model in MODELS:
                _copy(raw, model, rows[model])
            timings["copy"] = time.perf_counter() - t
            progress(f"COPY {sum(len(r) for r in rows.values()):,} rows in {timings['copy']:.1f} s")
            t = time.perf_counter()
            cursor.execute("SELECT set_config('pgtrigger.ignore', '', true)")
            for model, trigger in triggers:
                _backfill_created_events(cursor, model, trigger)
            timings["history"] = time.perf_counter() - t
            for statement in connection.ops.sequence_reset_sql(no_style(), MODELS):
                cursor.execute(statement)
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["analyze"] = time.perf_counter() - t
    return timings
