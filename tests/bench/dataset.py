"""A national-scale synthetic registry for the benchmark: 42 systems, ~210 places, ~1,250
neighbourhoods, ~10,000 organisations with successions, ~30,000 posts and their holdings, and
~3,000 governance bodies with their statuses, accountability relations, terms of reference,
~30,000 seats and their holdings, and (dataset_delegations.py) a catalogue of ~460 functions, their
statutory holders, ~20,000 delegations in chains up to five links deep, reserved matters and the
localities' place-based lead arrangements.

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
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import AutoField
from psycopg import sql

from governance.choices import BodyKind, CompositionRuleKind, HoldingRole, RelationKind, Status, VotingRight
from governance.models import (
    AccountabilityRelation,
    Body,
    BodyArea,
    BodyHost,
    BodyStatus,
    CompositionRule,
    ConstituencyMember,
    Seat,
    SeatHolding,
    TermsOfReference,
)
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

from . import dataset_delegations
from .dataset_delegations import Delegations

# Bump when the generator changes meaning; the version also hashes this file and the migrations.
DATASET_REVISION = 3
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
    Body,
    BodyArea,
    BodyHost,
    BodyStatus,
    AccountabilityRelation,
    TermsOfReference,
    Seat,
    SeatHolding,
    CompositionRule,
    ConstituencyMember,
    *dataset_delegations.MODELS,
]


def dataset_version() -> str:
    """Changes whenever the generator or the schema's migrations change."""
    digest = hashlib.sha256(f"rev{DATASET_REVISION}:seed{SEED}".encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(Path(dataset_delegations.__file__).read_bytes())
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
        self.seed = seed
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
        self.systems: list[dict] = []
        self.post_ids: dict[tuple[str, int, str], int] = {}  # ("org" | "area", id, title) -> post
        self.org_people: dict[int, list[int]] = defaultdict(list)  # organisation -> its post holders
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
            first_org = self.ids[Organisation] + 1
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
            info = {"id": system_id, "name": sys_name, "area": system_area, "icb": icb, "places": []}
            self.systems.append(info)

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
                place_info = {"area": place, "name": place_name, "council": la, "hoods": []}
                info["places"].append(place_info)
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
                    place_info["hoods"].append((hood, hood_name, pcn))
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
            info["org_ids"] = range(first_org, self.ids[Organisation] + 1)
            info["trusts"] = trusts
            info["members"] = [org for org, _c, _s, end in members if end is None and org not in national]
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
        Governance(self).build()
        Delegations(self, TODAY).build()
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
        self.post_ids.setdefault(("org", org_id, title) if org_id else ("area", area_id, title), post_id)
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
                if org_id:
                    self.org_people[org_id].append(person)
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


# --- Governance bodies ----------------------------------------------------------------------

N_BODIES = 3000
BIG_SYSTEM_BODIES = 200  # the first system: its accountability graph is what the bench draws
BIG_ASSEMBLY_SEATS = 90  # the first system's assembly: the busiest body page
SHADOW_FROM = dt.date(2021, 4, 1)  # systems ran their partnerships in shadow form before July 2022
ICS_START = dt.date(2022, 7, 1)

TOPICS = (
    "Digital, Estates, Urgent and Emergency Care, Planned Care, Mental Health, Children and Young People, "
    "Learning Disability and Autism, Medicines Optimisation, Population Health, Workforce, Finance, "
    "Quality and Safety, Health Inequalities, Prevention, Carers, Ageing Well, Cancer, Maternity, "
    "End of Life Care, Communications and Engagement, Data and Intelligence, Research and Innovation, "
    "Community Pharmacy, Dental, Community Services, Discharge, Personalised Care, Safeguarding"
).split(", ")
GROUP_NOUNS = ("Group", "Steering Group", "Delivery Group", "Board", "Oversight Group", "Forum")
ICB_COMMITTEES = [
    ("Audit and Risk Committee", "Audit", BodyKind.OTHER),
    ("Remuneration Committee", "Remuneration", BodyKind.OTHER),
    ("Quality and Performance Committee", "Quality", BodyKind.OTHER),
    ("Finance and Investment Committee", "Finance", BodyKind.FINANCE_GROUP),
    ("People Committee", "People", BodyKind.PEOPLE_BOARD),
    ("Strategic Commissioning Committee", "Commissioning", BodyKind.STRATEGIC_COMMISSIONING_BOARD),
]
SEATS_BY_KIND = {
    BodyKind.ICB_BOARD: 14,
    BodyKind.INTEGRATED_CARE_PARTNERSHIP: 16,
    BodyKind.PARTNERSHIP_ASSEMBLY: 40,
    BodyKind.PARTNERSHIP_BOARD: 16,
    BodyKind.PARTNERSHIP_EXECUTIVE: 12,
    BodyKind.CLINICAL_PROFESSIONAL_SENATE: 14,
    BodyKind.PROVIDER_COLLABORATIVE: 10,
    BodyKind.LOCALITY_BOARD: 14,
    BodyKind.HEALTH_WELLBEING_BOARD: 14,
    BodyKind.SCRUTINY_COMMITTEE: 10,
    BodyKind.PROVIDER_PARTNERSHIP: 11,
    BodyKind.INTEGRATED_COMMISSIONING_BOARD: 9,
    BodyKind.NETWORK: 9,
}
SEAT_GROUPS = {
    OrganisationKind.ICB: "NHS commissioners",
    OrganisationKind.LOCAL_AUTHORITY: "Local authority",
    OrganisationKind.NHS_TRUST: "NHS providers",
    OrganisationKind.NHS_FOUNDATION_TRUST: "NHS providers",
    OrganisationKind.PCN: "Primary care",
    OrganisationKind.GP_PRACTICE: "Primary care",
    OrganisationKind.GP_FEDERATION: "Primary care",
    OrganisationKind.HEALTHWATCH: "Healthwatch",
    OrganisationKind.VCFSE: "Voluntary, community, faith and social enterprise",
    OrganisationKind.SOCIAL_ENTERPRISE: "Voluntary, community, faith and social enterprise",
    OrganisationKind.HOUSING_PROVIDER: "Housing",
    OrganisationKind.UNIVERSITY: "Universities",
    OrganisationKind.POLICE: "Public services",
    OrganisationKind.FIRE: "Public services",
}
UNAFFILIATED_SEATS = (
    ("Independent member", "Independent members"),
    ("Lay member (patient and public involvement)", "Lay members"),
    ("Director of Public Health", "Public health"),
    ("Clinical lead", "Clinical leadership"),
)
FREQUENCIES = (
    ("Monthly", 12),
    ("Every two months", 6),
    ("Quarterly", 4),
    ("About three times a year", 3),
    ("Twice a year", 2),
)


STANDALONE = (BodyKind.HEALTH_WELLBEING_BOARD, BodyKind.SCRUTINY_COMMITTEE)
LIFECYCLE = (Status.PROPOSED, Status.SHADOW, Status.ESTABLISHED, Status.STOOD_DOWN)


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@dataclass
class BenchBody:
    id: int
    system: dict
    name: str
    short: str
    kind: str
    tier: str
    areas: list[int]
    hosts: list[int]
    depth: int
    periods: list[tuple[str, dt.date, dt.date | None]]
    parent: BenchBody | None = None
    parent_kind: str = ""
    seats: int = 0

    @property
    def first_day(self) -> dt.date:
        return self.periods[0][1]

    @property
    def stood_down(self) -> dt.date | None:
        status, start, _end = self.periods[-1]
        return start if status == Status.STOOD_DOWN else None

    @property
    def last_day(self) -> dt.date | None:
        """The last day it met, or None while it still exists."""
        down = self.stood_down
        return down - _days(1) if down else None

    def meets(self, day: dt.date) -> bool:
        return any(
            status in (Status.SHADOW, Status.ESTABLISHED) and start <= day and (end is None or day <= end)
            for status, start, end in self.periods
        )


class Governance:
    """~3,000 bodies over the systems, their statuses, accountability relations, terms of reference,
    seats and seat holdings. The first system has ~200 bodies, linked from its ICB board down to
    neighbourhood partnerships and working groups up to five levels deep; the others ~68 each.
    Uses its own random stream, so the organisations part of the dataset is unchanged."""

    def __init__(self, builder: Builder):
        self.b = builder
        self.rows = builder.rows
        self.rng = random.Random(builder.seed + 1)
        self.bodies: list[BenchBody] = []
        self.relation_keys: set[tuple] = set()

    # helpers ------------------------------------------------------------------------------
    def day(self, start: dt.date, end: dt.date) -> dt.date:
        return start + _days(self.rng.randint(0, max(0, (end - start).days)))

    def sources(self) -> str:
        return self.b.sources(self.rng.choice(("B01", "B02", "B03")))

    def lifecycle(self, start: dt.date, *, can_stand_down: bool = True, shape: str | None = None):
        """Status periods from `start`, moving forward only: proposed → shadow → established, and
        for some bodies stood down later. Nothing starts after TODAY."""
        rng = self.rng
        shape = (
            shape
            or rng.choices(
                ("established", "shadow", "proposed", "still_shadow", "still_proposed"), (55, 27, 10, 5, 3)
            )[0]
        )
        stages = {
            "established": [Status.ESTABLISHED],
            "shadow": [Status.SHADOW, Status.ESTABLISHED],
            "proposed": [Status.PROPOSED, Status.SHADOW, Status.ESTABLISHED],
            "still_shadow": [Status.SHADOW],
            "still_proposed": [Status.PROPOSED],
        }[shape]
        starts, day = [], start
        for status in stages:
            if day > TODAY:
                break
            starts.append((status, day))
            day = day + _days(rng.randint(60, 300))
        if (
            can_stand_down
            and starts[-1][0] == Status.ESTABLISHED
            and starts[-1][1] + _days(240) < TODAY - _days(60)
            and rng.random() < 0.15
        ):
            starts.append((Status.STOOD_DOWN, self.day(starts[-1][1] + _days(240), TODAY - _days(60))))
        return [
            (status, begin, starts[i + 1][1] - _days(1) if i + 1 < len(starts) else None)
            for i, (status, begin) in enumerate(starts)
        ]

    def body(self, system, name, kind, tier, areas, hosts, *, short="", depth=0, start=None, periods=None,
             statutory=None, chair=None, vice=None, purpose="", can_stand_down=True) -> BenchBody:  # fmt: skip
        rng = self.rng
        pk = self.b.next_id(Body)
        periods = periods or self.lifecycle(start, can_stand_down=can_stand_down)
        if statutory is None and rng.random() < 0.6:
            statutory = False
        frequency, per_year = rng.choice(FREQUENCIES) if rng.random() < 0.85 else ("", None)
        self.rows[Body].append(
            (
                pk,
                name,
                short[:60],
                kind,
                tier,
                system["id"],
                statutory,
                purpose or f"{name}: where partners in {system['name']} agree and oversee shared work.",
                frequency,
                Decimal(per_year) if per_year else None,
                chair,
                vice,
                self.sources(),
                False,
                "",
            )
        )
        for area in dict.fromkeys(areas):
            self.rows[BodyArea].append((self.b.next_id(BodyArea), pk, area, self.sources(), False, ""))
        for host in dict.fromkeys(hosts):
            self.rows[BodyHost].append((self.b.next_id(BodyHost), pk, host, self.sources(), False, ""))
        for status, begin, end in periods:
            conflict, conflict_note = "", ""
            if rng.random() < 0.03:
                conflict = rng.choice([s for s in LIFECYCLE if s != status])
                conflict_note = (
                    f"Minutes of a partner's board describe it as {Status(conflict).label.lower()}."
                )
            self.rows[BodyStatus].append(
                (
                    self.b.next_id(BodyStatus),
                    pk,
                    status,
                    "",
                    conflict,
                    conflict_note,
                    begin,
                    end,
                    self.sources(),
                    False,
                    "",
                )
            )
        body = BenchBody(pk, system, name, short, kind, tier, list(areas), list(hosts), depth, periods)
        self.bodies.append(body)
        system["bodies"].append(body)
        return body

    def relate(self, frm: BenchBody, to: BenchBody, kind: str, start=None, end=None, note="") -> None:
        start = start or max(frm.first_day, to.first_day)
        ends = [d for d in (end, frm.last_day, to.last_day) if d is not None]
        end = min(ends) if ends else None
        key = (frm.id, to.id, kind, start)
        if (end is not None and end < start) or key in self.relation_keys:
            return
        self.relation_keys.add(key)
        self.rows[AccountabilityRelation].append(
            (
                self.b.next_id(AccountabilityRelation),
                frm.id,
                to.id,
                kind,
                note,
                start,
                end,
                self.sources(),
                False,
                "",
            )
        )

    def child(
        self, parent: BenchBody, kind: str, name: str, short: str, body_kind: str, **kw
    ) -> BenchBody | None:
        """A body under `parent`, starting while the parent meets, linked to it by `kind`."""
        latest = min(parent.last_day or TODAY, TODAY) - _days(90)
        earliest = max(parent.first_day, SHADOW_FROM)
        if latest < earliest:
            return None
        start = kw.pop("start", None) or self.day(earliest, latest)
        kw.setdefault("areas", parent.areas[:1])
        kw.setdefault("hosts", parent.hosts[:1])
        body = self.body(
            parent.system, name, body_kind, kw.pop("tier", parent.tier), kw.pop("areas"), kw.pop("hosts"),
            short=short, depth=parent.depth + 1, start=start, **kw,
        )  # fmt: skip
        body.parent, body.parent_kind = parent, kind
        self.relate(body, parent, kind)
        return body

    # the systems ------------------------------------------------------------------------------
    def build(self) -> None:
        systems = self.b.systems
        per_system = round((N_BODIES - BIG_SYSTEM_BODIES) / (len(systems) - 1))
        for index, system in enumerate(systems):
            system["bodies"] = []
            self.system(system, BIG_SYSTEM_BODIES if index == 0 else per_system, big=index == 0)
        for body in self.bodies:
            self.seats(body)
            self.terms_of_reference(body)

    def system(self, system: dict, target: int, big: bool) -> None:
        rng, post = self.rng, self.b.post_ids
        icb, area, sys_name = system["icb"], system["area"], system["name"]
        councils = [p["council"] for p in system["places"]]
        shadow = dict(shape="shadow")
        board = self.body(
            system, f"NHS {sys_name} Integrated Care Board", BodyKind.ICB_BOARD, Tier.SYSTEM, [area], [icb],
            short="ICB Board", statutory=True, can_stand_down=False,
            periods=[(Status.SHADOW, dt.date(2022, 4, 1), ICS_START - _days(1)), (Status.ESTABLISHED, ICS_START, None)],
            chair=post.get(("org", icb, "Chair")), vice=post.get(("org", icb, "Non-executive Member")),
            purpose="The statutory board of the integrated care board.",
        )  # fmt: skip
        icp = self.body(
            system, f"{sys_name} Integrated Care Partnership", BodyKind.INTEGRATED_CARE_PARTNERSHIP, Tier.SYSTEM,
            [area], [icb, *councils], short="ICP", statutory=True, can_stand_down=False,
            start=dt.date(2021, 10, 1), periods=None,
        )  # fmt: skip
        self.relate(icp, board, RelationKind.CHECKS_AND_CHALLENGES)
        assembly = self.body(
            system, f"{sys_name} Partnership Assembly", BodyKind.PARTNERSHIP_ASSEMBLY, Tier.SYSTEM, [area], [icb],
            short="Assembly", start=SHADOW_FROM, can_stand_down=False,
        )  # fmt: skip
        assembly.seats = BIG_ASSEMBLY_SEATS if big else 0
        self.relate(assembly, icp, RelationKind.ADVISES)
        partnership = self.body(
            system, f"{sys_name} Partnership Board", BodyKind.PARTNERSHIP_BOARD, Tier.SYSTEM, [area], [icb],
            short="Partnership Board", depth=1, start=SHADOW_FROM, can_stand_down=False,
        )  # fmt: skip
        self.relate(partnership, board, RelationKind.ACCOUNTABLE_TO)
        self.relate(assembly, partnership, RelationKind.CHECKS_AND_CHALLENGES)
        executive = self.child(
            partnership, RelationKind.ACCOUNTABLE_TO, f"{sys_name} Partnership Executive", "Executive",
            BodyKind.PARTNERSHIP_EXECUTIVE, start=SHADOW_FROM, can_stand_down=False,
        )  # fmt: skip
        senate = self.body(
            system, f"{sys_name} Clinical and Professional Senate", BodyKind.CLINICAL_PROFESSIONAL_SENATE,
            Tier.SYSTEM, [area], [icb], short="Senate", depth=1, start=self.day(SHADOW_FROM, ICS_START),
        )  # fmt: skip
        self.relate(senate, board, RelationKind.ADVISES)
        for name, short, kind in ICB_COMMITTEES:
            self.child(board, RelationKind.SUB_COMMITTEE_OF, f"NHS {sys_name} ICB {name}", short, kind,
                       start=ICS_START, periods=[(Status.ESTABLISHED, ICS_START, None)], statutory=True)  # fmt: skip
        for topic in ("Finance", "Workforce"):
            kind = BodyKind.FINANCE_GROUP if topic == "Finance" else BodyKind.PEOPLE_BOARD
            self.child(executive, RelationKind.SUB_COMMITTEE_OF, f"{sys_name} {topic} Group", topic, kind)
        for n in range(rng.randint(1, 2)):
            trusts = rng.sample(system["trusts"], min(len(system["trusts"]), rng.randint(2, 4)))
            label = ("Acute", "Mental Health and Community")[n]
            collaborative = self.body(
                system, f"{sys_name} {label} Provider Collaborative", BodyKind.PROVIDER_COLLABORATIVE, Tier.SYSTEM,
                [area], trusts, short=f"{label} collaborative", depth=1, start=self.day(SHADOW_FROM, ICS_START),
            )  # fmt: skip
            self.relate(collaborative, partnership, RelationKind.ACCOUNTABLE_TO)
        # ~half the systems moved their locality boards from the partnership board to the ICB board
        moved = dt.date(2023, 4, 1) if rng.random() < 0.5 else None
        hoods = []
        for place in system["places"]:
            pa, council, pname = place["area"], place["council"], place["name"]
            locality = self.body(
                system, f"{pname} Locality Board", BodyKind.LOCALITY_BOARD, Tier.LOCALITY, [pa], [council, icb],
                short=f"{pname} Board", depth=1, start=SHADOW_FROM, can_stand_down=False,
                chair=post.get(("area", pa, "Place-based Lead")), vice=post.get(("area", pa, "Place Director")),
                periods=self.lifecycle(SHADOW_FROM, can_stand_down=False, **shadow),
            )  # fmt: skip
            if moved:
                self.relate(locality, partnership, RelationKind.REPORTS_TO, end=moved - _days(1))
                self.relate(locality, board, RelationKind.ACCOUNTABLE_TO, start=moved)
            else:
                self.relate(locality, board, RelationKind.ACCOUNTABLE_TO)
            hwb = self.body(
                system, f"{pname} Health and Wellbeing Board", BodyKind.HEALTH_WELLBEING_BOARD, Tier.LOCALITY,
                [pa], [council], short=f"{pname} HWB", statutory=True, can_stand_down=False,
                periods=[(Status.ESTABLISHED, dt.date(2013, 4, 1), None)],
            )  # fmt: skip
            self.relate(hwb, locality, RelationKind.CHECKS_AND_CHALLENGES)
            scrutiny = self.body(
                system, f"{pname} Council Health Scrutiny Committee", BodyKind.SCRUTINY_COMMITTEE, Tier.LOCALITY,
                [pa], [council], short=f"{pname} Scrutiny", statutory=True, can_stand_down=False,
                periods=[(Status.ESTABLISHED, dt.date(2013, 4, 1), None)],
            )  # fmt: skip
            self.relate(scrutiny, board, RelationKind.HOLDS_TO_ACCOUNT, start=ICS_START)
            providers = self.child(
                locality, RelationKind.REPORTS_TO, f"{pname} Provider Partnership", f"{pname} Providers",
                BodyKind.PROVIDER_PARTNERSHIP, hosts=[place["hoods"][0][2] if place["hoods"] else council],
            )  # fmt: skip
            if rng.random() < 0.5:
                self.child(locality, RelationKind.SUB_COMMITTEE_OF, f"{pname} Integrated Commissioning Board",
                           f"{pname} Commissioning", BodyKind.INTEGRATED_COMMISSIONING_BOARD)  # fmt: skip
            forum = self.child(
                locality, RelationKind.REPORTS_TO, f"{pname} PCN Forum", f"{pname} PCNs", BodyKind.PCN_FORUM,
                hosts=[h[2] for h in place["hoods"][:3]] or [council],
            )  # fmt: skip
            for hood in place["hoods"]:
                hoods.append((hood, providers or forum or locality))
        spare = target - len(system["bodies"])
        for (hood, hname, pcn), parent in sorted(
            rng.sample(hoods, min(len(hoods), max(0, int(spare * 0.6))))
        ):
            self.child(
                parent, RelationKind.REPORTS_TO, f"{hname} Neighbourhood Partnership", hname.split(" ", 1)[-1],
                BodyKind.NETWORK, tier=Tier.NEIGHBOURHOOD, areas=[hood], hosts=[pcn],
            )  # fmt: skip
        weights = {0: 1, 1: 4, 2: 3, 3: 2, 4: 1}
        names = {b.name for b in system["bodies"]}
        while len(system["bodies"]) < target:
            candidates = [b for b in system["bodies"] if b.depth in weights and b.kind not in STANDALONE]
            parent = rng.choices(candidates, [weights[b.depth] for b in candidates])[0]
            topic = rng.choice(TOPICS)
            kind = {"Finance": BodyKind.FINANCE_GROUP, "Workforce": BodyKind.PEOPLE_BOARD}.get(
                topic, rng.choice((BodyKind.ADVISORY_GROUP, BodyKind.OTHER, BodyKind.NETWORK))
            )
            link = rng.choices((RelationKind.SUB_COMMITTEE_OF, RelationKind.REPORTS_TO), (6, 4))[0]
            name = f"{self.b.rows[Area][parent.areas[0] - 1][1]} {topic} {rng.choice(GROUP_NOUNS)}"
            if name in names:
                name = f"{name} ({parent.short})"
            if name in names:
                continue
            names.add(name)
            group = self.child(parent, link, name, topic, kind)
            if group and rng.random() < 0.15:
                others = [b for b in system["bodies"] if b.depth <= 2 and b is not parent and b is not group]
                self.relate(group, rng.choice(others), RelationKind.ADVISES)
        # A body stood down: what answered to it answers to the body above it from then on.
        for body in system["bodies"]:
            parent = body.parent
            if parent and parent.stood_down and parent.parent and not body.stood_down:
                day = parent.stood_down
                if body.first_day <= day and parent.parent.meets(day):
                    self.relate(
                        body,
                        parent.parent,
                        body.parent_kind,
                        start=day,
                        note="Took over the work of a body stood down.",
                    )
        self.rules(system, board, partnership, executive, assembly, big)

    def rules(self, system, board, partnership, executive, assembly, big) -> None:
        def rule(body, kind, other=None, org_kind="", count=None, voting_only=False, description=""):
            self.rows[CompositionRule].append(
                (self.b.next_id(CompositionRule), body.id, kind, other.id if other else None, org_kind, count,
                 voting_only, description, self.sources(), False, "")
            )  # fmt: skip

        if executive:
            rule(partnership, CompositionRuleKind.NOT_MAJORITY_FROM_BODY, executive,
                 description="Members of the Partnership Executive must not form a majority of the Partnership Board.")  # fmt: skip
        rule(board, CompositionRuleKind.MIN_FROM_ORGANISATION_KIND, org_kind=OrganisationKind.LOCAL_AUTHORITY,
             count=1, voting_only=True, description="At least one voting partner member from a local authority.")  # fmt: skip
        rule(assembly, CompositionRuleKind.MIN_FROM_ORGANISATION_KIND, org_kind=OrganisationKind.VCFSE, count=2,
             description="At least two members from the voluntary, community, faith and social enterprise sector.")  # fmt: skip
        # the assembly's wider constituency (partner organisations), some added later by the partnership board
        members = list(system["members"])
        if big:
            members += [hood[2] for place in system["places"] for hood in place["hoods"]]
        for org in members:
            decided = self.rng.random() < 0.12
            on = self.day(dt.date(2022, 1, 1), TODAY - _days(30)) if decided else None
            self.rows[ConstituencyMember].append(
                (self.b.next_id(ConstituencyMember), assembly.id, org, "", on, partnership.id if decided else None,
                 on or SHADOW_FROM, None, self.sources(), False, "")
            )  # fmt: skip
        for label in ("Faith communities", "Carers' forum", "Youth council"):
            self.rows[ConstituencyMember].append(
                (self.b.next_id(ConstituencyMember), assembly.id, None, label, None, None, SHADOW_FROM, None,
                 self.sources(), False, "")
            )  # fmt: skip

    # seats and holders ----------------------------------------------------------------------
    def candidates(self, body: BenchBody) -> list[int]:
        """Organisations a body's seats may represent: those of its areas, then the system's partners."""
        orgs = [o for a in body.areas for o in self.b.area_orgs.get(a, ())]
        orgs += [o for o in body.system["members"] if o not in orgs]
        return [o for o in orgs if self.b.org_info[o]["end"] is None]

    def person_from(self, org: int | None, system: dict) -> int:
        people = self.b.org_people.get(org) if org else None
        if not people or self.rng.random() < 0.2:
            pool = system.get("pool")
            if pool is None:
                pool = system["pool"] = [p for o in system["org_ids"] for p in self.b.org_people.get(o, ())]
            people = pool
        return self.rng.choice(people)

    def seats(self, body: BenchBody) -> None:
        rng = self.rng
        n = body.seats or SEATS_BY_KIND.get(body.kind) or rng.randint(5, 9)
        if not body.seats:
            n = max(3, n + rng.randint(-2, 2))
        orgs = self.candidates(body)
        rng.shuffle(orgs)
        seat_start = body.first_day if rng.random() < 0.9 else None
        for order in range(n):
            if order == 0:
                label, group, org, kind = "Chair", "Chair", None, ""
                holder_org = None
            elif rng.random() < 0.12:
                (label, group), org, kind = rng.choice(UNAFFILIATED_SEATS), None, ""
                holder_org = None
            else:
                org = orgs[(order - 1) % len(orgs)] if orgs else None
                kind = self.b.org_info[org]["kind"] if org else ""
                holder_org = org  # for a seat for a kind of organisation, one of that kind
                group = SEAT_GROUPS.get(kind, "Other partners")
                if org and rng.random() < 0.25:
                    label, org = f"{group} representative", None  # a seat for a kind of organisation
                else:
                    label = self.b.rows[Organisation][org - 1][1] if org else "Partner member"
            start = seat_start
            end = body.last_day
            if end is None and rng.random() < 0.04:
                end = self.day(body.first_day + _days(90), TODAY - _days(30))
            if start is None and end is not None:
                start = body.first_day
            capacity = rng.choices((1, 2, 3), (90, 7, 3))[0]
            voting = rng.choices(
                (VotingRight.VOTING, VotingRight.NON_VOTING, VotingRight.ASSOCIATE_NON_VOTING), (80, 12, 8)
            )[0]
            seat = self.b.next_id(Seat)
            self.rows[Seat].append(
                (seat, body.id, label, group, voting, kind, org, capacity, order,
                 start, end, self.sources(), False, "")
            )  # fmt: skip
            for position in range(1, capacity + 1):
                self.holdings(seat, body, position, start or body.first_day, end, holder_org)
            if rng.random() < 0.2:
                role = HoldingRole.DEPUTY if rng.random() < 0.85 else HoldingRole.SUBSTITUTE
                frm = self.day(start or body.first_day, (end or TODAY) - _days(1))
                to = None if end is None and rng.random() < 0.6 else self.day(frm, end or TODAY)
                self.holding(seat, body, holder_org, role, 1, frm, to)

    def holdings(self, seat, body, position, start, end, org) -> None:
        rng = self.rng
        if rng.random() < 0.06:
            return  # never filled
        last = end or TODAY
        day = start + _days(rng.randint(0, 90))
        while day <= last:
            to = day + _days(rng.randint(1095, 2920))
            if to >= last:
                if end is None and (last - day).days > 90 and rng.random() < 0.10:
                    self.holding(
                        seat,
                        body,
                        org,
                        HoldingRole.PRINCIPAL,
                        position,
                        day,
                        self.day(day + _days(30), last - _days(1)),
                    )
                else:
                    self.holding(seat, body, org, HoldingRole.PRINCIPAL, position, day, end)
                return
            self.holding(seat, body, org, HoldingRole.PRINCIPAL, position, day, to)
            day = to + _days(rng.randint(1, 150))

    def holding(self, seat, body, org, role, position, start, end) -> None:
        self.rows[SeatHolding].append(
            (self.b.next_id(SeatHolding), seat, self.person_from(org, body.system), org, role, position,
             start, end, self.sources(), False, "")
        )  # fmt: skip

    # terms of reference ---------------------------------------------------------------------
    def terms_of_reference(self, body: BenchBody) -> None:
        rng = self.rng
        core = body.depth <= 1 or body.kind in (BodyKind.ICB_BOARD, BodyKind.HEALTH_WELLBEING_BOARD)
        if rng.random() > (0.9 if core else 0.3):
            return
        first_meeting = next((start for status, start, _ in body.periods if status in Status.meeting()), None)
        version = 0
        day = first_meeting + _days(rng.randint(0, 120)) if first_meeting else None
        while day is not None and day <= TODAY and body.meets(day):
            version += 1
            approver = body.parent if body.parent and body.parent.meets(day) and rng.random() < 0.3 else body
            review = day + _days(rng.choice((365, 730)))
            self.rows[TermsOfReference].append(
                (self.b.next_id(TermsOfReference), body.id, f"{version}.0", day, approver.id, review,
                 f"Purpose, membership, quorum and reporting arrangements of the {body.name}.", "",
                 self.sources(), False, "")
            )  # fmt: skip
            if rng.random() < 0.25:
                break  # not reviewed since: overdue once the review date has passed
            day = review + _days(rng.randint(-60, 200))
        if rng.random() < 0.1 and not body.stood_down:
            month = self.day(max(body.first_day, dt.date(2023, 1, 1)), TODAY).strftime("%B %Y")
            self.rows[TermsOfReference].append(
                (self.b.next_id(TermsOfReference), body.id, f"Draft, {month}", None, None, None,
                 "Proposed changes to membership and quorum.", "", self.sources(), False, "")
            )  # fmt: skip


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
    Body: (
        "id",
        "name",
        "short_name",
        "kind",
        "tier",
        "system",
        "is_statutory",
        "purpose",
        "meeting_frequency",
        "meetings_per_year",
        "chair_post",
        "vice_chair_post",
        *SOURCED,
    ),
    BodyArea: ("id", "body", "area", *SOURCED),
    BodyHost: ("id", "body", "organisation", *SOURCED),
    BodyStatus: (
        "id",
        "body",
        "status",
        "note",
        "conflicting_status",
        "conflicting_note",
        "start_date",
        "end_date",
        *SOURCED,
    ),
    AccountabilityRelation: (
        "id",
        "from_body",
        "to_body",
        "kind",
        "note",
        "start_date",
        "end_date",
        *SOURCED,
    ),
    TermsOfReference: (
        "id",
        "body",
        "version",
        "approved_on",
        "approved_by",
        "review_due",
        "text",
        "document_url",
        *SOURCED,
    ),
    Seat: (
        "id",
        "body",
        "label",
        "group",
        "voting",
        "represents_kind",
        "represents_organisation",
        "capacity",
        "order",
        "start_date",
        "end_date",
        *SOURCED,
    ),
    SeatHolding: (
        "id",
        "seat",
        "person",
        "organisation",
        "role",
        "position",
        "start_date",
        "end_date",
        *SOURCED,
    ),
    CompositionRule: (
        "id",
        "body",
        "kind",
        "other_body",
        "organisation_kind",
        "count",
        "voting_only",
        "description",
        *SOURCED,
    ),
    ConstituencyMember: (
        "id",
        "body",
        "organisation",
        "label",
        "decided_on",
        "decided_by",
        "start_date",
        "end_date",
        *SOURCED,
    ),
}
COLUMNS.update(dataset_delegations.COLUMNS)


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
            per_table = []
            for model in MODELS:
                started_table = time.perf_counter()
                _copy(raw, model, rows[model])
                per_table.append((time.perf_counter() - started_table, model._meta.label))
            timings["copy"] = time.perf_counter() - t
            slowest = ", ".join(f"{label} {seconds:.1f} s" for seconds, label in sorted(per_table)[::-1][:4])
            progress(
                f"COPY {sum(len(r) for r in rows.values()):,} rows in {timings['copy']:.1f} s (slowest: {slowest})"
            )
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
