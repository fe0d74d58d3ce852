"""The delegations part of the benchmark dataset: a function catalogue, statutory holdings, about
20,000 delegations in chains up to five links deep, reserved matters and a place-based lead
arrangement per locality.

Every record would pass the delegation services' rules, and `check` asserts it before anything is
loaded: a sub-delegation stays within its parent's functions, area, limit and period; its delegator
is the parent's delegate; an in-force link sits under a parent in force on all its days; the
delegate exists throughout; a root's delegator holds the function by statute for the area over the
whole period (and is the most specific holder); nothing reserved is delegated; nobody appears twice
in a chain. Uses its own random stream, so the rest of the dataset is unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal

from delegations.choices import (
    ArrangementStatus,
    DelegationStatus,
    PlaceLeadModel,
    PlaceLeadRole,
    SpatialLevel,
)
from delegations.choices import Vehicle as V
from delegations.models import (
    Delegation,
    DelegationFunction,
    Function,
    PlaceLeadArrangement,
    PlaceLeadPost,
    ReservedMatter,
    StatutoryHolding,
)
from governance.choices import BodyKind, Status
from organisations.choices import OrganisationKind
from organisations.models import Area, Organisation, Post

MODELS = [
    Function,
    StatutoryHolding,
    ReservedMatter,
    Delegation,
    DelegationFunction,
    PlaceLeadArrangement,
    PlaceLeadPost,
]
SOURCED = ("sources", "is_incomplete", "incomplete_note")
COLUMNS = {
    Function: ("id", "name", "parent", "ancestor_ids", "description", "spatial_level", "level_rationale", *SOURCED),
    StatutoryHolding: ("id", "function", "holder", "area", "basis", "start_date", "end_date", *SOURCED),
    ReservedMatter: (
        "id", "function", "reserved_to_organisation", "reserved_to_body", "area", "note",
        "start_date", "end_date", *SOURCED,
    ),
    Delegation: (
        "id", "delegator_organisation", "delegator_body", "delegator_post", "delegate_organisation",
        "delegate_body", "delegate_post", "area", "financial_limit", "conditions", "vehicle",
        "statutory_basis", "parent", "onward_delegation_permitted", "status", "start_date", "end_date",
        *SOURCED,
    ),
    DelegationFunction: ("id", "delegation", "function", *SOURCED),
    PlaceLeadArrangement: (
        "id", "area", "model", "models_considered", "host_organisation", "relationship_to_icb", "status",
        "note", "start_date", "end_date", *SOURCED,
    ),
    PlaceLeadPost: ("id", "arrangement", "post", "roles", *SOURCED),
}  # fmt: skip

CCG_START = dt.date(2013, 4, 1)
ICB_START = dt.date(2022, 7, 1)
CCG_LAST_DAY = ICB_START - dt.timedelta(days=1)
SHADOW_FROM = dt.date(2021, 4, 1)
NHSE_TO_ICB_FROM = dt.date(2023, 4, 1)
MAX_DEPTH = 5

# The catalogue: policy areas, each with five functions; each of those has three or four aspects, and
# about half the aspects are split by population group (four levels in all).
CATALOGUE = {
    "Community services": ["District nursing", "Intermediate care", "Community rehabilitation", "Podiatry",
                           "Wheelchair services"],
    "Primary care": ["General practice contracts", "Dental services", "Community pharmacy", "Optometry",
                     "Primary care estates"],
    "Mental health": ["Talking therapies", "Community mental health teams", "Crisis care",
                      "Perinatal mental health", "Dementia services"],
    "Urgent and emergency care": ["Urgent treatment centres", "NHS 111 and clinical assessment",
                                  "Same-day emergency care", "Ambulance handover", "Hospital discharge"],
    "Planned care": ["Outpatient transformation", "Diagnostics", "Elective surgery", "Cancer pathways",
                     "Musculoskeletal services"],
    "Children and young people": ["Children's community nursing", "Special educational needs health",
                                  "Child and adolescent mental health", "Neonatal follow-up",
                                  "Transition to adult services"],
    "Continuing healthcare": ["Eligibility assessment", "Care packages", "Personal health budgets",
                              "Fast-track end of life care", "Funded nursing care"],
    "Medicines optimisation": ["Prescribing budgets", "Formulary management", "Care home medicines",
                               "Antimicrobial stewardship", "Medicines safety"],
    "Learning disability and autism": ["Annual health checks", "Community support", "Autism diagnosis",
                                       "Inpatient discharge", "Short breaks"],
    "Population health": ["Health inequalities programmes", "Screening uptake", "Smoking cessation",
                          "Weight management", "Social prescribing"],
}  # fmt: skip
ASPECTS = (
    "Commissioning",
    "Contract management",
    "Service redesign",
    "Quality assurance",
    "Budget management",
)
GROUPS = (
    "for adults",
    "for children and young people",
    "for older people",
    "in care homes",
    "for people at risk of being left behind",
)
# Held by NHS England nationally and delegated to each ICB from April 2023.
NATIONAL = ("Dental services", "Community pharmacy")
LEVELS = [level.value for level in SpatialLevel]
LIMITS = [Decimal(v) for v in ("50000", "100000", "250000", "500000", "1000000", "2500000", "5000000",
                                "10000000", "25000000")]  # fmt: skip
ROOTS_PER_LOCALITY = (9, 16)  # scaled by a per-system factor, so systems differ in size
CHILDREN = {1: (1, 3), 2: (1, 2), 3: (1, 2), 4: (0, 2)}  # sub-delegations per delegation, by its depth
ROLES = [role.value for role in PlaceLeadRole]


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@dataclass
class Fn:
    id: int
    name: str
    parent: Fn | None
    depth: int
    top: int
    children: list[Fn] = field(default_factory=list)

    @property
    def lineage(self) -> list[int]:
        out, f = [], self
        while f is not None:
            out.append(f.id)
            f = f.parent
        return out[::-1]


@dataclass
class Link:
    id: int
    parent: Link | None
    delegator: tuple[str, int]
    delegate: tuple[str, int]
    role: str  # what the delegate is, for choosing its own delegates
    area: int
    functions: list[Fn]
    limit: Decimal | None
    status: str
    start: dt.date
    end: dt.date | None
    onward: bool = False
    depth: int = 1

    def in_force_on(self, day: dt.date) -> bool:
        if self.status == DelegationStatus.IN_FORCE or (
            self.status == DelegationStatus.REVOKED and self.end is not None
        ):
            return self.start <= day and (self.end is None or day <= self.end)
        return False

    def parties(self) -> set[tuple[str, int]]:
        out, link = set(), self
        while link is not None:
            out |= {link.delegator, link.delegate}
            link = link.parent
        return out

    def effective_limit(self) -> Decimal | None:
        limits, link = [], self
        while link is not None:
            if link.limit is not None:
                limits.append(link.limit)
            link = link.parent
        return min(limits) if limits else None


class Delegations:
    def __init__(self, builder, today: dt.date):
        self.b = builder
        self.rows = builder.rows
        self.rng = random.Random(builder.seed + 2)
        self.today = today
        self.links: list[Link] = []
        self.functions: list[Fn] = []
        self.holdings: list[tuple] = []  # (function id, holder org, area | None, start, end)
        self.reserved: dict[int, set[int]] = {}  # system id -> reserved function ids (whole subtrees)
        self.area_parent = {row[0]: row[4] for row in builder.rows[Area]}
        self.area_system = {row[0]: row[2] for row in builder.rows[Area]}
        self.post_period = {row[0]: (row[5], row[6]) for row in builder.rows[Post]}
        self.org_period = {row[0]: (row[4], row[5]) for row in builder.rows[Organisation]}
        self.body_period: dict[int, tuple[dt.date, dt.date | None]] = {}

    def sources(self) -> str:
        doc = self.rng.choice(("B01", "B02", "B03"))
        return json.dumps([{"document": doc, "section": f"§{self.rng.randint(1, 12)}"}])

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        return start + _days(self.rng.randint(0, max(0, (end - start).days)))

    def build(self) -> None:
        self.catalogue()
        national_org = next(
            pk for pk, info in self.b.org_info.items() if info["kind"] == OrganisationKind.NHS_ENGLAND
        )
        national = [f for f in self.functions if f.name in NATIONAL and f.depth == 2]
        for function in national:
            self.hold(function, national_org, None, CCG_START, None, "NHS England's direct commissioning")
        factors = [1.8] + [self.rng.uniform(0.45, 1.35) for _ in self.b.systems[1:]]
        for system, factor in zip(self.b.systems, factors, strict=True):
            self.system(system, factor, national_org, national)
        self.place_leads()
        self.check()

    # the catalogue and statutory holdings -----------------------------------------------------
    def function(self, name: str, parent: Fn | None) -> Fn:
        rng = self.rng
        pk = self.b.next_id(Function)
        fn = Fn(pk, name, parent, parent.depth + 1 if parent else 1, parent.top if parent else pk)
        if parent:
            parent.children.append(fn)
        level = rng.choice(LEVELS) if rng.random() < 0.7 else ""
        self.rows[Function].append(
            (pk, name, parent.id if parent else None, fn.lineage[:-1], f"{name} (benchmark catalogue).",
             level, "Decided at this footprint by the partners." if level else "", self.sources(), False, "")
        )  # fmt: skip
        self.functions.append(fn)
        return fn

    def catalogue(self) -> None:
        rng = self.rng
        for top_name, names in CATALOGUE.items():
            top = self.function(top_name, None)
            for name in names:
                second = self.function(name, top)
                for aspect in rng.sample(ASPECTS, rng.randint(3, 4)):
                    third = self.function(f"{aspect} of {name[0].lower()}{name[1:]}", second)
                    if rng.random() < 0.5:
                        for group in rng.sample(GROUPS, rng.randint(2, 3)):
                            self.function(f"{third.name} {group}", third)

    def hold(self, function: Fn, holder: int, area: int | None, start, end, basis: str) -> None:
        self.holdings.append((function.id, holder, area, start, end))
        self.rows[StatutoryHolding].append(
            (self.b.next_id(StatutoryHolding), function.id, holder, area, basis, start, end, self.sources(),
             False, "")
        )  # fmt: skip

    # parties ------------------------------------------------------------------------------------
    def exists(self, party: tuple[str, int]) -> tuple[dt.date | None, dt.date | None]:
        kind, pk = party
        if kind == "organisation":
            return self.org_period[pk]
        if kind == "post":
            return self.post_period[pk]
        return self.body_period[pk]

    def body_periods(self, system: dict) -> None:
        """When each body meets (shadow or established), up to the day before it stands down."""
        for body in system["bodies"]:
            meets = [
                start for status, start, _end in body.periods if status in (Status.SHADOW, Status.ESTABLISHED)
            ]
            if meets:
                self.body_period[body.id] = (meets[0], body.last_day)

    def locality_parties(self, system: dict, place: dict) -> dict[str, list[tuple[tuple[str, int], int]]]:
        """For each role, the parties a delegation may go to in this locality, with the area it applies to."""
        posts, pa = self.b.post_ids, place["area"]
        bodies = [b for b in system["bodies"] if b.areas[:1] == [pa] and b.id in self.body_period]
        board = [b for b in bodies if b.kind == BodyKind.LOCALITY_BOARD]
        local_kinds = (
            BodyKind.PROVIDER_PARTNERSHIP,
            BodyKind.PCN_FORUM,
            BodyKind.INTEGRATED_COMMISSIONING_BOARD,
        )
        federation = [
            o for o in self.b.area_orgs[pa] if self.b.org_info[o]["kind"] == OrganisationKind.GP_FEDERATION
        ]
        hoods = place["hoods"]
        return {
            "locality_board": [(("body", b.id), pa) for b in board],
            "place_post": [(("post", posts[("area", pa, t)]), pa) for t in ("Place-based Lead", "Place Director")]
            + [(("post", posts[("org", system["icb"], "Director of Place")]), pa)],
            "locality_body": [(("body", b.id), pa) for b in bodies if b.kind in local_kinds],
            "clinical_lead": [(("post", posts[("area", pa, "Locality Clinical Lead")]), pa)],
            "hood_post": [(("post", posts[("area", h, "Neighbourhood Lead")]), h) for h, _n, _p in hoods],
            "provider": [(("organisation", o), pa) for o in federation]
            + [(("organisation", pcn), h) for h, _n, pcn in hoods],
        }  # fmt: skip

    # delegations --------------------------------------------------------------------------------
    NEXT = {
        "holder": ("locality_board",),
        "icb": ("locality_board",),
        "committee": ("system_post",),
        "system_post": ("locality_board",),
        "locality_board": ("place_post", "place_post", "locality_body"),
        "place_post": ("locality_body", "clinical_lead"),
        "locality_body": ("clinical_lead", "hood_post", "provider"),
        "clinical_lead": ("locality_body", "hood_post", "provider"),
        "hood_post": ("provider",),
        "provider": (),
    }

    def system(self, system: dict, factor: float, national_org: int, national: list[Fn]) -> None:
        rng, posts = self.rng, self.b.post_ids
        self.body_periods(system)
        icb, area = system["icb"], system["area"]
        tops = [f for f in self.functions if f.depth == 1]
        for top in tops:
            self.hold(top, icb, area, ICB_START, None, "Health and Care Act 2022 (benchmark data)")
        for place in system["places"]:
            ccg = next(
                o
                for o in self.b.area_orgs[place["area"]]
                if self.b.org_info[o]["kind"] == OrganisationKind.CCG
            )
            place["ccg"] = ccg
            for top in tops:
                self.hold(top, ccg, place["area"], CCG_START, CCG_LAST_DAY, "NHS Act 2006 (benchmark data)")
        # two functions of each system reserved to the ICB board
        board = next(b for b in system["bodies"] if b.kind == BodyKind.ICB_BOARD)
        candidates = [f for f in self.functions if f.depth == 2 and f not in national]
        reserved = rng.sample(candidates, 2)
        self.reserved[system["id"]] = {f.id for f in reserved}
        for function in reserved:
            self.rows[ReservedMatter].append(
                (self.b.next_id(ReservedMatter), function.id, None, board.id, area,
                 "Reserved to the board in the scheme of reservation and delegation.", ICB_START, None,
                 self.sources(), False, "")
            )  # fmt: skip
        delegable = [
            f for f in self.functions if f.depth == 2 and f not in national and f.id not in self.reserved[system["id"]]
        ]  # fmt: skip
        by_top: dict[int, list[Fn]] = {}
        for f in delegable:
            by_top.setdefault(f.top, []).append(f)

        parties = {place["area"]: self.locality_parties(system, place) for place in system["places"]}
        committees = [b for b in system["bodies"] if b.kind in (BodyKind.FINANCE_GROUP, BodyKind.STRATEGIC_COMMISSIONING_BOARD)
                      and b.areas == [area] and b.id in self.body_period and self.body_period[b.id][1] is None
                      and b.depth == 1 and self.body_period[b.id][0] <= dt.date(2024, 4, 1)]  # fmt: skip
        system_posts = [posts[("org", icb, t)] for t in ("Director of Strategy", "Chief Finance Officer")]

        # NHS England → the ICB for the national functions, then on to each locality
        nhse_links = []
        for function in national:
            link = self.add(None, ("organisation", national_org), ("organisation", icb), "icb", area, [function],
                            None, DelegationStatus.IN_FORCE, NHSE_TO_ICB_FROM, None, V.NHSE_TO_ICB, onward=True)  # fmt: skip
            nhse_links.append(link)
        # the ICB → its committees (system-wide), then to executive posts, then to the locality boards
        for committee in committees:
            top = rng.choice(list(by_top))
            functions = rng.sample(by_top[top], rng.randint(1, 2))
            start = self.day(max(ICB_START, self.body_period[committee.id][0]), dt.date(2024, 4, 1))
            link = self.add(None, ("organisation", icb), ("body", committee.id), "committee", area, functions,
                            rng.choice(LIMITS[-3:]), DelegationStatus.IN_FORCE, start, None, V.SCHEME_OF_DELEGATION,
                            onward=True)  # fmt: skip
            for post in rng.sample(system_posts, 1):
                child = self.child(link, ("post", post), "system_post", area, force=True)
                if child is None:
                    continue
                for place in rng.sample(system["places"], 2):
                    board_party, pa = parties[place["area"]]["locality_board"][0]
                    self.grow(self.child(child, board_party, "locality_board", pa), parties[pa])

        for place in system["places"]:
            pa = place["area"]
            local = parties[pa]
            if not local["locality_board"]:
                continue
            board_party = local["locality_board"][0][0]
            for index, link in enumerate(nhse_links):
                force = index == 0
                self.grow(
                    self.child(link, board_party, "locality_board", pa, force=force), local, force=force
                )
            n_roots = max(1, round(rng.randint(*ROOTS_PER_LOCALITY) * factor))
            for index in range(n_roots):
                force = index == 0  # one chain five links deep, in force today, in every locality
                top = rng.choice(list(by_top))
                functions = rng.sample(by_top[top], 1 if force else rng.randint(1, min(3, len(by_top[top]))))
                if not force and rng.random() < 0.22:
                    # the CCG's delegation to the locality board in shadow form, ended when the CCG closed
                    start = self.day(SHADOW_FROM, dt.date(2021, 12, 1))
                    status = rng.choices((DelegationStatus.IN_FORCE, DelegationStatus.REVOKED), (70, 30))[0]
                    end = (
                        CCG_LAST_DAY
                        if status == DelegationStatus.IN_FORCE
                        else self.day(start + _days(60), CCG_LAST_DAY)
                    )
                    holder = ("organisation", place["ccg"])
                else:
                    status, start, end = self.root_period(force)
                    holder = ("organisation", icb)
                limit = None if rng.random() < 0.2 else rng.choice(LIMITS[3:])
                vehicle = V.SCHEME_OF_DELEGATION if rng.random() < 0.8 else rng.choice(
                    (V.SECTION_75, V.JOINT_COMMITTEE, V.COMMITTEE_IN_COMMON, V.JOINT_ARRANGEMENT))  # fmt: skip
                link = self.add(None, holder, board_party, "locality_board", pa, functions, limit, status, start, end,
                                vehicle, onward=force or rng.random() < 0.85)  # fmt: skip
                self.grow(link, local, force=force)

    def root_period(self, force: bool) -> tuple[str, dt.date, dt.date | None]:
        rng, today = self.rng, self.today
        if force:
            return DelegationStatus.IN_FORCE, self.day(ICB_START, dt.date(2023, 4, 1)), None
        status = rng.choices(
            (DelegationStatus.IN_FORCE, DelegationStatus.REVOKED, DelegationStatus.AGREED, DelegationStatus.PROPOSED),
            (72, 10, 8, 10),
        )[0]  # fmt: skip
        if status == DelegationStatus.IN_FORCE:
            start = self.day(ICB_START, dt.date(2024, 10, 1))
            roll = rng.random()
            end = None if roll < 0.8 else self.day(today + _days(30), today + _days(700))
            if roll > 0.95:
                end = self.day(start + _days(90), today - _days(30))  # expired
            return status, start, end
        if status == DelegationStatus.REVOKED:
            start = self.day(ICB_START, dt.date(2023, 12, 1))
            return status, start, self.day(start + _days(90), today - _days(30))
        if status == DelegationStatus.AGREED:
            return status, self.day(today - _days(60), today + _days(200)), None
        return status, self.day(today, today + _days(365)), None

    def grow(self, link: Link | None, local: dict, force: bool = False) -> None:
        """Sub-delegations below `link`, depth first, up to five links from the statutory holder."""
        if link is None or not link.onward or link.depth >= MAX_DEPTH:
            return
        rng = self.rng
        low, high = CHILDREN[link.depth]
        count = max(1 if force else 0, rng.randint(low, high))
        for index in range(count):
            keep_going = force and index == 0
            roles = self.NEXT[link.role]
            if keep_going and link.depth < MAX_DEPTH - 1:
                roles = [r for r in roles if self.NEXT[r]] or roles  # a delegate that can delegate again
            taken = link.parties()
            options = [
                (role, p, a)
                for role in dict.fromkeys(roles)
                for p, a in local.get(role, [])
                if p not in taken and self.within_area(a, link.area)
            ]
            if not options:
                continue
            role, party, area = rng.choice(options)
            child = self.child(link, party, role, area, force=keep_going)
            self.grow(child, local, force=keep_going)

    def child(self, parent: Link | None, party, role: str, area: int, force: bool = False) -> Link | None:
        """A sub-delegation of `parent` to `party`, within the parent's functions, area, limit and period."""
        if parent is None or party in parent.parties():
            return None
        rng, today = self.rng, self.today
        e_start, e_end = self.exists(party)
        start = max(parent.start, e_start or parent.start)
        ends = [d for d in (parent.end, e_end) if d is not None]
        last = min(ends) if ends else None
        if last is not None and last < start:
            return None
        # functions: some of the parent's, often narrowed to a part of one
        functions = []
        for fn in rng.sample(
            parent.functions, rng.randint(1, min(2, len(parent.functions))) if not force else 1
        ):
            if fn.children and (force or rng.random() < 0.55):
                fn = rng.choice(fn.children)
            if fn not in functions:
                functions.append(fn)
        cap = parent.effective_limit()
        allowed = [v for v in LIMITS if cap is None or v <= cap]
        limit = None if rng.random() < 0.3 or not allowed else rng.choice(allowed[: max(1, len(allowed) - 1)])
        # status and period, given the parent's
        ps = parent.status
        if force:
            status = ps
        elif ps == DelegationStatus.IN_FORCE:
            status = rng.choices(
                (DelegationStatus.IN_FORCE, DelegationStatus.REVOKED, DelegationStatus.AGREED, DelegationStatus.PROPOSED),
                (75, 8, 7, 10),
            )[0]  # fmt: skip
        elif ps == DelegationStatus.REVOKED:
            status = rng.choices((DelegationStatus.REVOKED, DelegationStatus.IN_FORCE), (60, 40))[0]
        elif ps == DelegationStatus.AGREED:
            status = rng.choice((DelegationStatus.AGREED, DelegationStatus.PROPOSED))
        else:
            status = DelegationStatus.PROPOSED
        horizon = last or (today + _days(365))
        if status in (DelegationStatus.IN_FORCE, DelegationStatus.REVOKED):
            latest_start = min(horizon, today - _days(1)) if not force else start + _days(60)
            if latest_start < start:
                return None
            begin = self.day(start, min(latest_start, start + _days(300)))
        else:
            begin = self.day(start, min(horizon, start + _days(200)))
        if status == DelegationStatus.REVOKED:
            stop = min(last or today - _days(1), today - _days(1))
            if stop < begin:
                status, end = DelegationStatus.IN_FORCE, last
            else:
                end = self.day(begin, stop)
        elif status == DelegationStatus.IN_FORCE and last is None and not force and rng.random() < 0.1:
            end = self.day(begin + _days(30), today + _days(700))
        else:
            end = last
        if force and end is not None and end < today:
            return None
        vehicle = V.SCHEME_OF_DELEGATION if rng.random() < 0.75 else rng.choice(
            (V.LEAD_PROVIDER, V.SECTION_75, V.JOINT_ARRANGEMENT, V.OTHER, V.NOT_RECORDED))  # fmt: skip
        onward = bool(self.NEXT[role]) and (force or rng.random() < 0.8)
        return self.add(parent, parent.delegate, party, role, area, functions, limit, status, begin, end, vehicle,
                        onward=onward)  # fmt: skip

    def add(self, parent, delegator, delegate, role, area, functions, limit, status, start, end, vehicle, *,
            onward) -> Link:  # fmt: skip
        rng = self.rng
        pk = self.b.next_id(Delegation)
        link = Link(pk, parent, delegator, delegate, role, area, list(functions), limit, status, start, end,
                    onward, parent.depth + 1 if parent else 1)  # fmt: skip
        self.links.append(link)
        ids = {kind: None for kind in ("organisation", "body", "post")}
        frm, to = dict(ids), dict(ids)
        frm[delegator[0]] = delegator[1]
        to[delegate[0]] = delegate[1]
        conditions = "Within the agreed budget and reported quarterly." if rng.random() < 0.4 else ""
        self.rows[Delegation].append(
            (pk, frm["organisation"], frm["body"], frm["post"], to["organisation"], to["body"], to["post"], area,
             limit, conditions, vehicle, "", parent.id if parent else None, onward, status, start, end,
             self.sources(), False, "")
        )  # fmt: skip
        for fn in link.functions:
            self.rows[DelegationFunction].append(
                (self.b.next_id(DelegationFunction), pk, fn.id, "[]", False, "")
            )
        return link

    # place-based lead arrangements ----------------------------------------------------------------
    def place_leads(self) -> None:
        rng, posts = self.rng, self.b.post_ids
        for system in self.b.systems:
            for place in system["places"]:
                pa, council = place["area"], place["council"]
                lead, director = (
                    posts[("area", pa, "Place-based Lead")],
                    posts[("area", pa, "Place Director")],
                )
                roll = rng.random()
                if roll < 0.05:
                    continue  # nothing recorded
                start = ICB_START
                if roll < 0.25:
                    considered = rng.sample([m.value for m in PlaceLeadModel if m != PlaceLeadModel.NOT_YET_DECIDED
                                             and m != PlaceLeadModel.OTHER], 2)  # fmt: skip
                    self.arrangement(pa, PlaceLeadModel.NOT_YET_DECIDED, considered, None,
                                     ArrangementStatus.PROPOSED, SHADOW_FROM, CCG_LAST_DAY, [])  # fmt: skip
                if roll < 0.35 and rng.random() < 0.5:
                    # agreed but not yet in force
                    self.arrangement(pa, PlaceLeadModel.DEDICATED_OFFICER, [], council, ArrangementStatus.AGREED,
                                     start, None, [(lead, ROLES)])  # fmt: skip
                    continue
                model = rng.choice((PlaceLeadModel.COUNCIL_CHIEF_EXECUTIVE, PlaceLeadModel.DEDICATED_OFFICER,
                                    PlaceLeadModel.SPLIT_ACROSS_COUNCIL_ROLES))  # fmt: skip
                if model == PlaceLeadModel.SPLIT_ACROSS_COUNCIL_ROLES:
                    links = [(lead, ROLES[:2]), (director, ROLES[2:])]
                else:
                    links = [(lead, ROLES)]
                self.arrangement(pa, model, [], council, ArrangementStatus.IN_FORCE, start, None, links)

    def arrangement(self, area, model, considered, host, status, start, end, links) -> None:
        pk = self.b.next_id(PlaceLeadArrangement)
        self.rows[PlaceLeadArrangement].append(
            (pk, area, model, considered, host, "Mutual accountability to the ICB and the council." if host else "",
             status, "", start, end, self.sources(), False, "")
        )  # fmt: skip
        for post, roles in links:
            self.rows[PlaceLeadPost].append(
                (self.b.next_id(PlaceLeadPost), pk, post, list(roles), self.sources(), False, "")
            )

    # the services' rules ------------------------------------------------------------------------
    def within_area(self, area: int, outer: int | None) -> bool:
        while area is not None:
            if area == outer:
                return True
            area = self.area_parent.get(area)
        return outer is None

    def check(self) -> None:
        """Assert the rules the delegation services enforce (see the module docstring)."""
        by_id = {f.id: f for f in self.functions}
        holdings: dict[int, list[tuple]] = {}
        for holding in self.holdings:
            holdings.setdefault(holding[0], []).append(holding)
        problems = []

        def covered(fn: Fn, by: list[Fn]) -> bool:
            return any(other.id in fn.lineage for other in by)

        def before(a, b):  # a ≤ b with None as "open"
            return a is None or b is None or a <= b

        for link in self.links:
            parent = link.parent
            lo, hi = self.exists(link.delegate)
            if not (
                (lo is None or lo <= link.start) and (hi is None or (link.end is not None and link.end <= hi))
            ):
                problems.append(f"{link.id}: delegate does not exist throughout")
            if link.end is not None and link.end < link.start:
                problems.append(f"{link.id}: period order")
            if link.status == DelegationStatus.REVOKED and link.end is None:
                problems.append(f"{link.id}: revoked without an end")
            system = self.area_system[link.area]
            for fn in link.functions:
                if set(fn.lineage) & self.reserved[system]:
                    problems.append(f"{link.id}: delegates a reserved function")
                if any(fn.id in by_id[o].lineage[:-1] for o in self.reserved[system]):
                    problems.append(f"{link.id}: covers a reserved function")
            if parent is None:
                for fn in link.functions:
                    held = [h for f in fn.lineage for h in holdings.get(f, ()) if self.within_area(link.area, h[2])
                            and before(h[3], link.start) and (h[4] is None or (link.end is not None and link.end <= h[4]))]  # fmt: skip
                    deepest = max((fn.lineage.index(h[0]) for h in held), default=-1)
                    mine = [h for h in held if ("organisation", h[1]) == link.delegator]
                    if not mine or fn.lineage.index(mine[0][0]) != deepest:
                        problems.append(f"{link.id}: the delegator does not hold {fn.name} by statute")
                continue
            if link.delegator != parent.delegate:
                problems.append(f"{link.id}: delegator is not the parent's delegate")
            if not parent.onward:
                problems.append(f"{link.id}: onward delegation not permitted")
            if not all(covered(fn, parent.functions) for fn in link.functions):
                problems.append(f"{link.id}: wider function")
            if not self.within_area(link.area, parent.area):
                problems.append(f"{link.id}: wider area")
            cap = parent.effective_limit()
            if link.limit is not None and cap is not None and link.limit > cap:
                problems.append(f"{link.id}: larger limit")
            if not (
                parent.start <= link.start
                and (parent.end is None or (link.end is not None and link.end <= parent.end))
            ):
                problems.append(f"{link.id}: longer period")
            if link.status in (DelegationStatus.IN_FORCE, DelegationStatus.REVOKED) and not (
                parent.status == DelegationStatus.IN_FORCE
                or (
                    parent.status == DelegationStatus.REVOKED
                    and link.end is not None
                    and link.end <= parent.end
                )
            ):
                problems.append(f"{link.id}: parent not in force on every day")
            if link.status != DelegationStatus.PROPOSED and parent.status == DelegationStatus.PROPOSED:
                problems.append(f"{link.id}: agreed under a proposed parent")
            if link.delegate in parent.parties():
                problems.append(f"{link.id}: cycle")
        if problems:
            raise RuntimeError(f"{len(problems)} invalid delegations, e.g. " + "; ".join(problems[:10]))
