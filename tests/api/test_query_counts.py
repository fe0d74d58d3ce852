"""Query counts of the API lists and the list pages are pinned: they do not grow with the number of
rows shown (no N+1 in selectors, serializers or templates)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from delegations.choices import (
    ArrangementStatus,
    DelegationStatus,
    PlaceLeadModel,
    PlaceLeadRole,
    SpatialLevel,
    TierColumn,
    Vehicle,
)
from delegations.models import (
    Delegation,
    DelegationFunction,
    Function,
    PlaceLeadArrangement,
    PlaceLeadPost,
    ReservedMatter,
    StatutoryHolding,
    TierAssignment,
)
from governance.choices import BodyKind, CompositionRuleKind, RelationKind, Status
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
from ics_registry.api import router
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

pytestmark = pytest.mark.django_db

ROWS = 520  # more than the largest page, so every page below is full
MAX_API_QUERIES = 8


def add_rows(reference, rows: int, tag: str) -> None:
    """`rows` more records of every kind, all in Stockport, with the links that lists show."""
    stockport = reference.area("Stockport")
    src = [{"document": "001", "section": "§1"}]
    System.objects.bulk_create(
        System(name=f"Bulk system {tag}{i:04}", short_name=f"B{tag}{i:04}", sources=src) for i in range(rows)
    )
    areas = Area.objects.bulk_create(
        Area(
            name=f"Bulk neighbourhood {tag}{i:04}",
            system=reference.gm,
            tier=Tier.NEIGHBOURHOOD,
            kind=AreaKind.PCN,
            parent=stockport,
            sources=src,
        )
        for i in range(rows)
    )
    Area.members.through.objects.bulk_create(
        Area.members.through(footprint=areas[i], member=areas[i + 1]) for i in range(0, rows - 1, 2)
    )
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Bulk organisation {tag}{i:04}", kind=OrganisationKind.OTHER, sources=src)
        for i in range(rows + 1)
    )
    OrganisationArea.objects.bulk_create(
        OrganisationArea(organisation=o, area=a) for o in orgs for a in (stockport, areas[o.pk % rows])
    )
    Succession.objects.bulk_create(
        Succession(
            predecessor=orgs[i], successor=orgs[i + 1], effective_date=dt.date(2023, 1, 1), sources=src
        )
        for i in range(rows)
    )
    PartnershipMembership.objects.bulk_create(
        PartnershipMembership(
            system=reference.gm, organisation=o, category=MembershipCategory.OTHER_PARTNERS, sources=src
        )
        for o in orgs[:rows]
    )
    people = Person.objects.bulk_create(
        Person(name=f"Bulk person {tag}{i:04}", sources=src) for i in range(rows)
    )
    posts = Post.objects.bulk_create(
        Post(
            title=f"Bulk post {tag}{i:04}",
            area=stockport if i % 2 else None,
            organisation=None if (i % 2 and i % 3 == 1) else orgs[i],  # area, organisation or both
            capacity=2,
            sources=src,
        )
        for i in range(rows)
    )
    PostHolding.objects.bulk_create(
        PostHolding(post=p, person=people[i], position=pos, start_date=dt.date(2020, 1, 1), sources=src)
        for i, p in enumerate(posts)
        for pos in (1, 2)
    )
    bodies = add_governance_rows(reference, rows, tag, orgs=orgs, people=people, posts=posts)
    add_delegation_rows(reference, rows, tag, orgs=orgs, bodies=bodies, posts=posts, areas=areas)


def add_governance_rows(reference, rows: int, tag: str, *, orgs, people, posts) -> None:
    """`rows` more bodies in Stockport, each established since 2020, with two areas' worth of links,
    a host, a chair, two statuses, a relation, terms of reference, a two-place seat with both places
    filled, a composition rule and a constituency member."""
    stockport = reference.area("Stockport")
    src = [{"document": "001", "section": "§1"}]
    bodies = Body.objects.bulk_create(
        Body(
            name=f"Bulk body {tag}{i:04}",
            short_name=f"BB{tag}{i:04}",
            kind=BodyKind.OTHER,
            tier=Tier.LOCALITY,
            system=reference.gm,
            meetings_per_year=12,
            chair_post=posts[i],
            sources=src,
        )
        for i in range(rows)
    )
    BodyArea.objects.bulk_create(BodyArea(body=b, area=stockport) for b in bodies)
    BodyHost.objects.bulk_create(BodyHost(body=b, organisation=orgs[i]) for i, b in enumerate(bodies))
    BodyStatus.objects.bulk_create(
        BodyStatus(body=b, status=status, start_date=start, end_date=end, sources=src)
        for b in bodies
        for status, start, end in (
            (Status.SHADOW, dt.date(2019, 1, 1), dt.date(2019, 12, 31)),
            (Status.ESTABLISHED, dt.date(2020, 1, 1), None),
        )
    )
    AccountabilityRelation.objects.bulk_create(
        AccountabilityRelation(
            from_body=bodies[i], to_body=bodies[(i + 1) % rows], kind=RelationKind.ACCOUNTABLE_TO, sources=src
        )
        for i in range(rows)
    )
    TermsOfReference.objects.bulk_create(
        TermsOfReference(
            body=b,
            version="1.0",
            approved_on=dt.date(2020, 6, 1),
            approved_by=b,
            review_due=dt.date(2023, 6, 1),
        )
        for b in bodies
    )
    seats = Seat.objects.bulk_create(
        Seat(body=b, label=f"Bulk seat {tag}{i:04}", capacity=2, represents_organisation=orgs[i], sources=src)
        for i, b in enumerate(bodies)
    )
    SeatHolding.objects.bulk_create(
        SeatHolding(
            seat=seat,
            person=people[i],
            organisation=orgs[i],
            position=pos,
            start_date=dt.date(2020, 1, 1),
            sources=src,
        )
        for i, seat in enumerate(seats)
        for pos in (1, 2)
    )
    CompositionRule.objects.bulk_create(
        CompositionRule(
            body=bodies[i], kind=CompositionRuleKind.NOT_MAJORITY_FROM_BODY, other_body=bodies[(i + 1) % rows]
        )
        for i in range(rows)
    )
    ConstituencyMember.objects.bulk_create(
        ConstituencyMember(body=b, organisation=orgs[i], start_date=dt.date(2020, 1, 1))
        for i, b in enumerate(bodies)
    )
    return bodies


def add_delegation_rows(reference, rows: int, tag: str, *, orgs, bodies, posts, areas) -> None:
    """`rows` more of each delegations record, in force since 2020: a tree of functions, each held
    by statute for Stockport by an organisation and reserved to a body or an organisation; a
    delegation of two functions from each organisation to a body, post or organisation (every other
    one sub-delegating the one before); an arrangement with two posts for each bulk neighbourhood;
    and a tier-table entry per function."""
    stockport = reference.area("Stockport")
    src = [{"document": "001", "section": "§6.5"}]
    since = dt.date(2020, 1, 1)
    functions = Function.objects.bulk_create(
        Function(name=f"Bulk function {tag}{i:04}", spatial_level=SpatialLevel.LOCALITY, sources=src)
        for i in range(rows)
    )
    for i, fn in enumerate(functions[1:], start=1):
        fn.parent = functions[(i - 1) // 2]
        fn.ancestor_ids = [functions[(i - 1) // 2].pk]
    Function.objects.bulk_update(functions[1:], ["parent", "ancestor_ids"])
    StatutoryHolding.objects.bulk_create(
        StatutoryHolding(function=fn, holder=orgs[i], area=stockport, start_date=since, sources=src)
        for i, fn in enumerate(functions)
    )
    ReservedMatter.objects.bulk_create(
        ReservedMatter(
            function=fn,
            reserved_to_body=bodies[i] if i % 2 else None,
            reserved_to_organisation=None if i % 2 else orgs[i],
            area=stockport,
            start_date=since,
            sources=src,
        )
        for i, fn in enumerate(functions)
    )
    delegates = ("delegate_body", "delegate_post", "delegate_organisation")
    delegations = Delegation.objects.bulk_create(
        Delegation(
            delegator_organisation=orgs[i],
            **{delegates[i % 3]: (bodies[i], posts[i], orgs[i + 1])[i % 3]},
            area=stockport,
            financial_limit=Decimal(1000 * (i + 1)),
            vehicle=Vehicle.SCHEME_OF_DELEGATION,
            status=DelegationStatus.IN_FORCE,
            start_date=since,
            onward_delegation_permitted=True,
            sources=src,
        )
        for i in range(rows)
    )
    for i, d in enumerate(delegations):
        if i % 2:
            d.parent = delegations[i - 1]
    Delegation.objects.bulk_update(delegations, ["parent"])
    DelegationFunction.objects.bulk_create(
        DelegationFunction(delegation=d, function=fn)
        for i, d in enumerate(delegations)
        for fn in (functions[i], functions[(i + 1) % rows])
    )
    arrangements = PlaceLeadArrangement.objects.bulk_create(
        PlaceLeadArrangement(
            area=areas[i],
            model=PlaceLeadModel.DEDICATED_OFFICER,
            host_organisation=orgs[i],
            status=ArrangementStatus.IN_FORCE,
            start_date=since,
            sources=src,
        )
        for i in range(rows)
    )
    PlaceLeadPost.objects.bulk_create(
        PlaceLeadPost(arrangement=a, post=p, roles=[PlaceLeadRole.JOIN_UP_CARE])
        for i, a in enumerate(arrangements)
        for p in (posts[i], posts[(i + 1) % rows])
    )
    TierAssignment.objects.bulk_create(
        TierAssignment(
            system=reference.gm,
            tier=Tier.LOCALITY,
            column=TierColumn.DELIVERY_FUNCTION if i % 2 else TierColumn.GOVERNANCE,
            order=i,
            function=fn if i % 2 else None,
            body=None if i % 2 else bodies[i],
            sources=src,
        )
        for i, fn in enumerate(functions)
    )


@pytest.fixture
def some_rows(reference):
    """A few rows of every kind: so that a prefetch that is skipped when there is nothing to fetch
    does not count as growth."""
    add_rows(reference, 4, "S")


@pytest.fixture
def many_rows(reference, some_rows):
    add_rows(reference, ROWS, "M")


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return response, len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


# Lists that are answers rather than pages of records (pinned below on their own).
NOT_PAGED = {"decision-rights"}
LISTS = [
    basename
    for _, viewset, basename in router.registry
    if hasattr(viewset, "list") and basename not in NOT_PAGED
]
DATED = {
    "area",
    "organisation",
    "membership",
    "post",
    "post-holding",
    "succession",
    "body",
    "body-status",
    "accountability-relation",
    "terms-of-reference",
    "seat",
    "seat-holding",
    "constituency-member",
    "statutory-holding",
    "delegation",
    "reserved-matter",
    "place-lead-arrangement",
}


@pytest.mark.parametrize("who", ["anonymous", "token"])
@pytest.mark.parametrize("basename", LISTS)
def test_api_list_queries_do_not_grow_with_the_page(
    basename, who, many_rows, api, api_as, stockport_editor, django_assert_max_num_queries
):
    client = api if who == "anonymous" else api_as(stockport_editor)
    url = reverse(f"api:{basename}-list")
    extra = {"as_of": "2024-01-01"} if basename in DATED else {}
    client.get(url)  # warm up: first-use caches (content types) and the token's last-used stamp
    counts = {}
    for filters in ({}, extra):
        for size in (10, 100, 500):
            with django_assert_max_num_queries(MAX_API_QUERIES):
                response, n, sql = count_queries(client, url, {"page_size": size, **filters})
            assert len(response.json()["results"]) == size
            counts[(tuple(filters), size)] = n
    assert len(set(counts.values())) == 1, counts


def test_post_holders_are_prefetched_for_the_as_of_date(many_rows, api):
    response, n, _ = count_queries(api, reverse("api:post-list"), {"page_size": 500, "as_of": "2024-01-01"})
    held = [row for row in response.json()["results"] if row["title"].startswith("Bulk post M")]
    assert held and all(len(row["holders"]) == 2 and not row["is_vacant"] for row in held)
    response, _, _ = count_queries(api, reverse("api:post-list"), {"page_size": 500, "as_of": "2019-01-01"})
    held = [row for row in response.json()["results"] if row["title"].startswith("Bulk post M")]
    assert held and all(row["holders"] == [] and row["is_vacant"] for row in held)


def test_seat_holders_are_prefetched_for_the_as_of_date(many_rows, api):
    response, _, _ = count_queries(api, reverse("api:seat-list"), {"page_size": 500, "as_of": "2024-01-01"})
    held = [row for row in response.json()["results"] if row["label"].startswith("Bulk seat M")]
    assert held and all(len(row["holders"]) == 2 and row["vacancies"] == 0 for row in held)
    response, _, _ = count_queries(api, reverse("api:seat-list"), {"page_size": 500, "as_of": "2019-01-01"})
    held = [row for row in response.json()["results"] if row["label"].startswith("Bulk seat M")]
    assert held and all(row["holders"] == [] and row["vacancies"] == 2 for row in held)


def test_body_statuses_are_read_for_the_as_of_date(many_rows, api):
    for as_of, status in (("2019-06-01", "shadow"), ("2024-01-01", "established")):
        response, _, _ = count_queries(
            api, reverse("api:body-list"), {"page_size": 500, "as_of": as_of, "q": "Bulk body M"}
        )
        rows = response.json()["results"]
        assert len(rows) == 500 and {row["status"] for row in rows} == {status}
        assert all(len(row["statuses"]) == 2 for row in rows)


@pytest.mark.parametrize("depth", [0, 1, 2, 3])
def test_the_graph_costs_one_query_per_level_and_one_for_its_bodies(depth, reference, api, request):
    """A body's graph reads depth + 1 queries, however many bodies the system has."""
    request.getfixturevalue("some_rows")
    body = Body.objects.get(name="Bulk body S0001")
    url = reverse("api:body-graph", kwargs={"pk": body.pk})
    few, few_sql = page_queries(api, url, {"depth": depth})
    request.getfixturevalue("many_rows")
    many, many_sql = page_queries(api, url, {"depth": depth})
    assert many == few <= depth + 1, "\n".join(many_sql)
    nodes = api.get(url, {"depth": depth}).json()["nodes"]
    assert len(nodes) == min(2 * depth + 1, 4)  # the ring of S bodies has four


# --- Pages -----------------------------------------------------------------------------------

# Searching for "Bulk" shows the few rows of `some_rows` first, then full pages once `many_rows` is
# added: an N+1 would show as more queries (the reference data alone could already fill a page).
PAGES = [
    ("organisations:system_list", {"q": "Bulk"}),
    ("organisations:area_list", {"q": "Bulk"}),
    ("organisations:organisation_list", {"q": "Bulk"}),
    ("organisations:person_list", {"q": "Bulk"}),
    ("organisations:search", {"q": "Bulk"}),
    ("delegations:delegation_list", {"q": "Bulk"}),
    ("delegations:function_list", {"q": "Bulk"}),
]


def page_queries(client, url, params):
    client.get(url, params)  # warm up: first-use caches and the session
    _, n, sql = count_queries(client, url, params)
    return n, sql


@pytest.mark.parametrize("who", ["anonymous", "editor"])
@pytest.mark.parametrize(("name", "params"), PAGES, ids=[p[0] for p in PAGES])
def test_list_pages_cost_the_same_however_many_rows(
    name, params, who, client, reference, stockport_editor, some_rows, request
):
    if who == "editor":
        client.force_login(stockport_editor)
    url = reverse(name)
    few, few_sql = page_queries(client, url, params)
    few_rows = client.get(url, params).content.count(b"Bulk ")
    request.getfixturevalue("many_rows")
    many, many_sql = page_queries(client, url, params)
    assert client.get(url, params).content.count(b"Bulk ") > 5 * few_rows > 0
    assert many == few, "\n".join(many_sql)
    assert many <= 15, "\n".join(many_sql)


@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_the_place_page_costs_the_same_however_many_rows(
    who, client, reference, stockport_editor, some_rows, request
):
    if who == "editor":
        client.force_login(stockport_editor)
    url = reverse("organisations:area_detail", kwargs={"pk": reference.area("Stockport").pk})
    client.get(url, {"as_at": "2024-01-01"})  # kept in the session
    few, few_sql = page_queries(client, url, {})
    request.getfixturevalue("many_rows")
    response = client.get(url)
    assert b"Bulk post M0001" in response.content and b"Bulk organisation M0001" in response.content
    many, many_sql = page_queries(client, url, {})
    assert many == few, "\n".join(many_sql)


def test_decision_rights_cost_the_same_however_many_delegations(reference, api):
    """Who may decide reads a fixed number of queries, however many delegations lead to them."""
    from .builders import delegation, function, statutory_holding

    stockport = reference.area("Stockport")
    since = dt.date(2020, 1, 1)
    fn = function()
    holding = statutory_holding(stockport, fn=fn, start_date=since)
    first = delegation(
        stockport,
        holding=holding,
        status=DelegationStatus.IN_FORCE,
        start_date=since,
        onward_delegation_permitted=True,
    )
    url = reverse("api:decision-rights-list")
    params = {"function": fn.pk, "area": stockport.pk, "on": "2024-01-01"}
    few, few_sql = page_queries(api, url, params)
    assert len(api.get(url, params).json()["holders"]) == 2

    posts = Post.objects.bulk_create(Post(title=f"Bulk delegate {i:03}", area=stockport) for i in range(60))
    more = Delegation.objects.bulk_create(
        Delegation(
            # every third a sub-delegation of the first, the others made by the holder
            **(
                {"delegator_body": first.delegate_body, "parent": first}
                if i % 3 == 0
                else {"delegator_organisation": holding.holder}
            ),
            delegate_post=p,
            area=stockport,
            financial_limit=Decimal(1000 * (i + 1)),
            vehicle=Vehicle.SCHEME_OF_DELEGATION,
            status=DelegationStatus.IN_FORCE,
            start_date=since,
        )
        for i, p in enumerate(posts)
    )
    DelegationFunction.objects.bulk_create(DelegationFunction(delegation=d, function=fn) for d in more)
    many, many_sql = page_queries(api, url, params)
    holders = api.get(url, params).json()["holders"]
    assert len(holders) == 62
    assert max(len(h["chain"]) for h in holders) == 2
    assert many == few, "\n".join(many_sql)
    assert many <= 7, "\n".join(many_sql)
