"""Bad input to the delegations API is refused with a 400 and a JSON message beside the field at
fault, and changes nothing: no row added, changed or removed in any registry table, and no history
written. A scheme upload is refused at once when the file is not a scheme (wrong columns, not a
spreadsheet, too large); a scheme with a bad row is accepted, then fails as a whole, the report
naming the row, and nothing is imported."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse

from delegations import services
from delegations.choices import DelegationStatus
from delegations.models import Delegation, SordImport
from organisations.choices import OrganisationKind, Tier
from organisations.models import Area

from .builders import (
    AreaResource,
    body,
    delegation,
    function,
    holder,
    locality,
    place_lead_arrangement,
    post,
    sord_csv,
    standing_body,
    statutory_holding,
)

pytestmark = pytest.mark.django_db

D = dt.date
GO_LIVE = D(2022, 7, 1)
COLUMNS = "policy area, function, reserved to, delegated to, further delegated to, statutory basis, limit, from, to, source"


def _snapshot(objs):
    from pghistory.models import Context

    models = [
        model
        for label in ("organisations", "governance", "delegations")
        for model in apps.get_app_config(label).get_models()
    ]
    counts = {model._meta.label: model._base_manager.count() for model in models}
    counts["pghistory.Context"] = Context.objects.count()
    rows = []
    for obj in objs:
        fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
        rows.append(model_to_dict(fresh) if fresh is not None else None)
    return counts, rows


@contextlib.contextmanager
def nothing_changes(*objs):
    """No row added or removed in any organisations, governance or delegations table (history
    events included), no history context written, and the given records are as they were."""
    before_counts, before_rows = _snapshot(objs)
    yield
    after_counts, after_rows = _snapshot(objs)
    changed = {
        k: (before_counts[k], after_counts[k]) for k in before_counts if before_counts[k] != after_counts[k]
    }
    assert not changed, f"row counts changed (before, after): {changed}"
    assert after_rows == before_rows, "a record was changed by a refused write"


def messages_beside(response, field) -> list[str]:
    assert response.status_code == 400, response.content
    assert response.headers["Content-Type"].startswith("application/json")
    body_ = response.json()
    assert field in body_, body_
    return body_[field]


@pytest.fixture
def staff_api(api_as, staff_user):
    return api_as(staff_user)


class World:
    """Commissioning → Community services → District nursing; a CCG holding Commissioning for
    Stockport until 30 Jun 2022 (when it closed) and an ICB holding it for Greater Manchester from
    1 Jul 2022; the ICB's delegation of Community services for Stockport to a locality board
    (limit £1,000,000, onward delegation permitted, from 1 Jul 2022), and the board's
    sub-delegation of District nursing to a post (limit £250,000, onward delegation permitted)."""

    def __init__(self, reference):
        self.stockport = reference.area("Stockport")
        self.bury = reference.area("Bury")
        self.gm = Area.objects.get(system=reference.gm, tier=Tier.SYSTEM)
        self.commissioning = function()
        self.community = function(parent=self.commissioning)
        self.nursing = function(parent=self.community)
        self.ccg = holder(self.stockport, kind=OrganisationKind.CCG, end_date=D(2022, 6, 30))
        self.icb = holder(self.gm, kind=OrganisationKind.ICB, start_date=GO_LIVE)
        statutory_holding(self.stockport, fn=self.commissioning, by=self.ccg, end_date=D(2022, 6, 30))
        self.holding = statutory_holding(self.gm, fn=self.commissioning, by=self.icb, start_date=GO_LIVE)
        self.board = standing_body(self.stockport)
        self.lead = post(self.stockport)
        self.top = delegation(
            self.stockport,
            holding=self.holding,
            delegate_body=self.board,
            functions=[self.community],
            status=DelegationStatus.IN_FORCE,
            start_date=GO_LIVE,
            financial_limit=Decimal("1000000"),
            onward_delegation_permitted=True,
        )
        self.sub = delegation(
            self.stockport,
            holding=self.holding,
            delegator_body=self.board,
            delegate_post=self.lead,
            parent=self.top,
            functions=[self.nursing],
            status=DelegationStatus.IN_FORCE,
            start_date=GO_LIVE,
            financial_limit=Decimal("250000"),
            onward_delegation_permitted=True,
        )

    def under_top(self, **changes) -> dict:
        """A sub-delegation of the ICB's delegation, from the board to a fresh body: valid as it is."""
        payload = {
            "delegator_body": self.board.pk,
            "delegate_body": standing_body(self.stockport).pk,
            "functions": [self.nursing.pk],
            "area": self.stockport.pk,
            "vehicle": "scheme_of_delegation",
            "parent": self.top.pk,
            "status": "in_force",
            "start_date": "2022-07-01",
            "financial_limit": "100000.00",
        }
        payload.update(changes)
        return payload


@pytest.fixture
def world(reference) -> World:
    return World(reference)


# --- The rules of delegation -----------------------------------------------------------------
# Each case: build(world) -> (method, url name, pk or None, payload); the field; the message.


def _larger_limit(w):
    return "post", "delegation-list", None, w.under_top(financial_limit="1000000.01")


def _wider_area(w):
    return "post", "delegation-list", None, w.under_top(area=w.bury.pk)


def _wider_function(w):
    return "post", "delegation-list", None, w.under_top(functions=[w.commissioning.pk])


def _longer_period(w):
    return "post", "delegation-list", None, w.under_top(start_date="2022-06-01")


def _onward_forbidden(w):
    closed = delegation(
        w.stockport,
        holding=w.holding,
        functions=[w.community],
        status=DelegationStatus.IN_FORCE,
        start_date=GO_LIVE,
    )
    payload = w.under_top(parent=closed.pk, delegator_body=closed.delegate_body_id)
    return "post", "delegation-list", None, payload


def _parent_not_in_force(w):
    proposed = delegation(
        w.stockport,
        holding=w.holding,
        functions=[w.community],
        start_date=GO_LIVE,
        onward_delegation_permitted=True,
    )
    payload = w.under_top(parent=proposed.pk, delegator_body=proposed.delegate_body_id)
    return "post", "delegation-list", None, payload


def _not_the_parents_delegate(w):
    return "post", "delegation-list", None, w.under_top(delegator_body=standing_body(w.stockport).pk)


def _reserved(w):
    reserved = w.reserved_fn = function(parent=w.commissioning)
    w.reserved_to = standing_body(w.gm)
    services.reserved_matter_create(
        function=reserved, reserved_to_body=w.reserved_to, area=w.stockport, actor=None
    )
    payload = {
        "delegator_organisation": w.icb.pk,
        "delegate_body": w.board.pk,
        "functions": [reserved.pk],
        "area": w.stockport.pk,
        "vehicle": "scheme_of_delegation",
        "start_date": "2022-07-01",
    }
    return "post", "delegation-list", None, payload


def _ccg_after_it_closed(w):
    payload = {
        "delegator_organisation": w.ccg.pk,
        "delegate_body": w.board.pk,
        "functions": [w.community.pk],
        "area": w.stockport.pk,
        "vehicle": "scheme_of_delegation",
        "start_date": "2022-07-01",
        "status": "in_force",
    }
    return "post", "delegation-list", None, payload


def _cycle(w):
    # The post passes district nursing back up to the board that gave it.
    payload = {
        "delegator_post": w.lead.pk,
        "delegate_body": w.board.pk,
        "functions": [w.nursing.pk],
        "area": w.stockport.pk,
        "vehicle": "scheme_of_delegation",
        "parent": w.sub.pk,
        "status": "in_force",
        "start_date": "2022-07-01",
    }
    return "post", "delegation-list", None, payload


def _delegate_not_yet_there(w):
    return "post", "delegation-list", None, w.under_top(delegate_body=body(w.stockport).pk)


def _parent_limit_cut_below_its_child(w):
    return "patch", "delegation-detail", w.top.pk, {"financial_limit": "1000.00"}


def _parent_narrowed_below_its_child(w):
    other = function(parent=w.commissioning)
    return "patch", "delegation-detail", w.top.pk, {"functions": [other.pk]}


def _limit_as_a_number(w):
    return "post", "delegation-list", None, w.under_top(financial_limit=1000)


def _negative_limit(w):
    return "post", "delegation-list", None, w.under_top(financial_limit="-1.00")


def _limit_with_fractions_of_a_penny(w):
    return "post", "delegation-list", None, w.under_top(financial_limit="10.005")


def _no_delegator(w):
    return "post", "delegation-list", None, w.under_top(delegator_body=None)


def _two_delegators(w):
    return "post", "delegation-list", None, w.under_top(delegator_organisation=w.icb.pk)


def _no_functions(w):
    return "post", "delegation-list", None, w.under_top(functions=[])


def _overlapping_arrangement(w):
    place = locality(w.stockport)
    place_lead_arrangement(place, start_date=D(2023, 1, 1))
    payload = {"area": place.pk, "model": "council_chief_executive", "start_date": "2024-01-01"}
    return "post", "place-lead-arrangement-list", None, payload


def _arrangement_moved_over_another(w):
    place = locality(w.stockport)
    place_lead_arrangement(place, start_date=D(2023, 1, 1), end_date=D(2023, 12, 31), posts=[])
    later = place_lead_arrangement(place, start_date=D(2024, 1, 1), posts=[])
    return "patch", "place-lead-arrangement-detail", later.pk, {"start_date": "2023-06-01"}


def _arrangement_for_a_neighbourhood(w):
    neighbourhood = AreaResource("area", Area).record(w.stockport)
    return "post", "place-lead-arrangement-list", None, {"area": neighbourhood.pk, "model": "other"}


def _arrangement_post_of_another_place(w):
    place = locality(w.stockport)
    return (
        "post",
        "place-lead-arrangement-list",
        None,
        {"area": place.pk, "model": "other", "posts": [{"post": post(w.bury).pk, "roles": []}]},
    )


def _arrangement_unknown_role(w):
    place = locality(w.stockport)
    return (
        "post",
        "place-lead-arrangement-list",
        None,
        {"area": place.pk, "model": "other", "posts": [{"post": post(place).pk, "roles": ["mayor"]}]},
    )


CASES = {
    "sub-delegation with a larger limit": (
        _larger_limit,
        "financial_limit",
        "The financial limit cannot exceed the parent delegation's limit of £1,000,000.00.",
    ),
    "sub-delegation for a wider area": (
        _wider_area,
        "area",
        "A sub-delegation cannot cover Bury: the parent delegation applies only to Stockport.",
    ),
    "sub-delegation of a wider function": (
        _wider_function,
        "functions",
        lambda w: (
            f"A sub-delegation cannot cover {w.commissioning.name}: the parent delegation covers only "
            f"{w.community.name}."
        ),
    ),
    "sub-delegation for a longer period": (
        _longer_period,
        "start_date",
        "A sub-delegation must fall within its parent's period (1 Jul 2022 – present).",
    ),
    "sub-delegation under a parent that forbids onward delegation": (
        _onward_forbidden,
        "parent",
        "The parent delegation does not permit onward delegation.",
    ),
    "in-force sub-delegation under a parent not in force": (
        _parent_not_in_force,
        "parent",
        "The parent delegation is not in force on every day of this period.",
    ),
    "sub-delegation by someone other than the parent's delegate": (
        _not_the_parents_delegate,
        "parent",
        lambda w: f"The delegator must be the parent delegation's delegate ({w.board.name}).",
    ),
    "delegating a reserved matter": (
        _reserved,
        "functions",
        lambda w: f"{w.reserved_fn.name} is reserved to {w.reserved_to.name}: it cannot be delegated.",
    ),
    "a CCG delegating after 30 June 2022": (
        _ccg_after_it_closed,
        "delegator_organisation",
        lambda w: (
            f"{w.ccg.name} did not hold {w.community.name} for Stockport on every day of this period: "
            "it held it until 30 Jun 2022."
        ),
    ),
    "a cycle": (
        _cycle,
        "delegate_body",
        lambda w: (
            f"{w.board.name} already holds this authority earlier in the chain: "
            "a delegation cannot go back up it."
        ),
    ),
    "a delegate that does not exist throughout": (
        _delegate_not_yet_there,
        "delegate_body",
        None,  # the body's name and why: checked in the test below
    ),
    "a parent's limit cut below its sub-delegation's": (
        _parent_limit_cut_below_its_child,
        "financial_limit",
        None,
    ),
    "a parent narrowed below its sub-delegation": (_parent_narrowed_below_its_child, "functions", None),
    "a limit sent as a JSON number": (
        _limit_as_a_number,
        "financial_limit",
        'A sum in pounds as a decimal string, e.g. "250000.00".',
    ),
    "a negative limit": (_negative_limit, "financial_limit", "A financial limit cannot be negative."),
    "a limit in fractions of a penny": (
        _limit_with_fractions_of_a_penny,
        "financial_limit",
        "Ensure that there are no more than 2 decimal places.",
    ),
    "no delegator": (
        _no_delegator,
        "delegator_organisation",
        "Give who delegates: one organisation, body or post.",
    ),
    "two delegators": (
        _two_delegators,
        "delegator_organisation",
        "Give who delegates: one organisation, body or post.",
    ),
    "no functions": (_no_functions, "functions", "This list may not be empty."),
    "a second place-based lead arrangement overlapping the first": (
        _overlapping_arrangement,
        "start_date",
        "This locality already has a place-based lead arrangement on some of these dates.",
    ),
    "an arrangement moved over another": (
        _arrangement_moved_over_another,
        "start_date",
        "This locality already has a place-based lead arrangement on some of these dates.",
    ),
    "an arrangement for a neighbourhood": (
        _arrangement_for_a_neighbourhood,
        "area",
        "A place-based lead arrangement belongs to a locality.",
    ),
    "an arrangement's post of another place": (_arrangement_post_of_another_place, "posts", None),
    "an arrangement's unknown role": (_arrangement_unknown_role, "posts", None),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_is_refused_beside_its_field_and_changes_nothing(case, staff_api, world):
    build, field, expected = CASES[case]
    method, name, pk, payload = build(world)
    url = reverse(f"api:{name}", kwargs={"pk": pk} if pk else None)
    with nothing_changes(world.top, world.sub):
        response = getattr(staff_api, method)(url, payload, format="json")
    found = messages_beside(response, field)
    if callable(expected):
        expected = expected(world)
    if expected is not None:
        assert expected in found, found
    assert all(isinstance(m, str) and m.strip() for m in found)


def test_a_delegate_that_does_not_exist_throughout_is_named_with_why(staff_api, world):
    newcomer = body(world.stockport)  # no status recorded
    payload = world.under_top(delegate_body=newcomer.pk)
    with nothing_changes(world.top):
        response = staff_api.post(reverse("api:delegation-list"), payload, format="json")
    assert messages_beside(response, "delegate_body") == [
        f"{newcomer.name} does not exist on every day of this period (no status is recorded for it)."
    ]


def test_a_refused_change_to_a_parent_names_the_sub_delegation_it_would_break(staff_api, world):
    with nothing_changes(world.top, world.sub):
        response = staff_api.patch(
            reverse("api:delegation-detail", kwargs={"pk": world.top.pk}),
            {"financial_limit": "1000.00"},
            format="json",
        )
    assert response.status_code == 400
    text = " ".join(m for ms in response.json().values() for m in ms)
    assert str(world.sub.pk) in text


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {"financial_limit": "lots"},
            {"financial_limit": ['A sum in pounds as a decimal string, e.g. "250000.00".']},
        ),
        ({"functions": "1"}, {"functions": ["Give a list of ids (whole numbers)."]}),
        ({"functions": [999_999_999]}, {"functions": ['Invalid pk "999999999" - object does not exist.']}),
        ({"vehicle": "handshake"}, {"vehicle": ['"handshake" is not a valid choice.']}),
        ({"status": "abolished"}, {"status": ['"abolished" is not a valid choice.']}),
        ({"parent": "7"}, {"parent": ["A whole number."]}),
        ({"start_date": "01/07/2022"}, None),
        ({"onward_delegation_permitted": "yes"}, {"onward_delegation_permitted": ["true or false."]}),
        ({"sources": [{"document": "001", "page": 3}]}, None),
    ],
)
def test_malformed_delegation_fields_are_refused_beside_them(staff_api, world, payload, errors):
    sent = world.under_top(**payload)
    with nothing_changes(world.top):
        response = staff_api.post(reverse("api:delegation-list"), sent, format="json")
    assert response.status_code == 400, response.content
    if errors is not None:
        assert response.json() == errors
    else:
        assert set(response.json()) == set(payload)


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({}, {"on": ["Give the first day it is no longer in force, e.g. 2023-04-01."]}),
        ({"on": "1/4/2023"}, {"on": ["A date as YYYY-MM-DD, e.g. 2023-04-01."]}),
        ({"on": 20230401}, {"on": ["A string."]}),
        ({"on": "0001-01-01"}, {"on": ["Give a day after 1 Jan 0001."]}),
    ],
)
def test_a_revocation_needs_its_first_day(staff_api, world, payload, errors):
    with nothing_changes(world.top, world.sub):
        response = staff_api.post(
            reverse("api:delegation-revoke", kwargs={"pk": world.sub.pk}), payload, format="json"
        )
    assert response.status_code == 400
    assert response.json() == errors


def test_revoking_a_revoked_delegation_is_refused(staff_api, world):
    services.delegation_revoke(world.sub, on=D(2023, 4, 1), actor=None)
    with nothing_changes(world.sub):
        response = staff_api.post(
            reverse("api:delegation-revoke", kwargs={"pk": world.sub.pk}), {"on": "2024-01-01"}, format="json"
        )
    assert response.status_code == 400
    assert response.json() == {"on": ["This delegation is already revoked."]}


def test_a_delegation_sent_as_a_form_is_refused_as_the_wrong_media_type(staff_api, world):
    with nothing_changes():
        response = staff_api.post(reverse("api:delegation-list"), {"area": world.stockport.pk})
    assert response.status_code == 415


def test_deleting_a_delegation_with_sub_delegations_is_refused(staff_api, world):
    with nothing_changes(world.top):
        response = staff_api.delete(reverse("api:delegation-detail", kwargs={"pk": world.top.pk}))
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
            "This delegation has sub-delegations; it cannot be deleted. Revoke it, or delete those first."
        ]
    }


# --- Scheme uploads ---------------------------------------------------------------------------


def send(client, content: bytes | None, area, name="scheme.csv", **extra):
    data = {"area": area.pk if area is not None else "", **extra}
    if content is not None:
        data["file"] = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(reverse("api:sord-import-list"), data, format="multipart")


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize(
    ("content", "name", "field", "message"),
    [
        (
            b"area,function,who\nx,y,z\n",
            "scheme.csv",
            "file",
            f"The columns must be: {COLUMNS}; this file has: area, function, who.",
        ),
        (PNG, "scheme.csv", "file", "This is not a CSV or XLSX spreadsheet."),
        (b"%PDF-1.7\n" + b"junk " * 100, "scheme.pdf", "file", "This is not a CSV or XLSX spreadsheet."),
        (os.urandom(10 * 1024 * 1024), "junk.xlsx", "file", "The file is larger than 5 MB."),
        (sord_csv(), "scheme.csv", "file", "The file has column names but no rows below them."),
        (b"", "scheme.csv", "file", "The file is empty."),
    ],
    ids=["wrong columns", "a picture", "a PDF", "10 MB of junk", "no rows", "empty"],
)
def test_a_file_that_is_not_a_scheme_is_refused_at_once(
    gm_editor, api_as, world, content, name, field, message
):
    with nothing_changes():
        response = send(api_as(gm_editor), content, world.stockport, name=name)
    assert messages_beside(response, field)[0].startswith(message.rstrip(".")), response.json()


def test_an_upload_without_a_file_or_area_or_with_a_bad_status_is_refused(gm_editor, api_as, world):
    client = api_as(gm_editor)
    with nothing_changes():
        response = client.post(reverse("api:sord-import-list"), {}, format="multipart")
    assert response.json() == {
        "file": ["Choose the spreadsheet to import."],
        "area": ["Choose the area the scheme's delegations apply to."],
    }
    content = sord_csv("a,b,,c,,,,2022-07-01,,x")
    with nothing_changes():
        response = send(client, content, world.stockport, status="revoked")
    assert response.json() == {"status": ['"revoked" is not a valid choice.']}
    with nothing_changes():
        response = send(client, content, None)
    assert response.status_code == 400 and "area" in response.json()
    neighbourhood = AreaResource("area", Area).record(world.stockport)
    with nothing_changes():
        response = send(client, content, neighbourhood)
    assert messages_beside(response, "area") == [
        f"Choose a locality or a system footprint: {neighbourhood.name} is neither."
    ]
    with nothing_changes():
        response = client.post(
            reverse("api:sord-import-list"), {"area": world.stockport.pk, "file": "x"}, format="json"
        )
    assert response.status_code == 415


def test_a_scheme_with_a_bad_row_is_accepted_then_fails_naming_the_row_and_imports_nothing(
    gm_editor, api_as, world
):
    client = api_as(gm_editor)
    good = standing_body(world.stockport)
    content = sord_csv(
        f"{world.commissioning.name},{world.community.name},,{good.name},,,£5000,2022-07-01,,001",
        f"{world.commissioning.name},{world.nursing.name},,Nobody at all,,,£5000,2022-07-01,,001",
    )
    before = Delegation.objects.count()
    response = send(client, content, world.stockport)
    assert response.status_code == 202, response.content
    services.sord_import_run(response.json()["id"])  # what the worker does
    polled = client.get(response.json()["url"]).json()
    assert polled["state"] == "failed" and polled["state_display"] == "Refused"
    errors = polled["report"]["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(3, "delegated to")]
    assert "Nobody at all" in errors[0]["message"]
    assert polled["report"]["created"] == {"delegations": 0, "sub_delegations": 0, "reserved_matters": 0}
    assert Delegation.objects.count() == before
    assert not Delegation.objects.filter(delegate_body=good).exists()


def test_an_upload_to_an_area_the_uploader_does_not_edit_is_forbidden(api_as, stockport_editor, world):
    with nothing_changes():
        response = send(api_as(stockport_editor), sord_csv("a,b,,c,,,,2022-07-01,,x"), world.bury)
    assert response.status_code == 403
    assert SordImport.objects.count() == 0
