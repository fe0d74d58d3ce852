"""The delegations forms: area editors change the delegations and place-based lead arrangements of
their areas, staff everything. A refused change shows its reason beside the field, keeps what was
typed, and saves nothing; a record the user may not change is a 404."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from guardian.shortcuts import assign_perm

from delegations.choices import (
    ArrangementStatus,
    DelegationStatus,
    PlaceLeadModel,
    PlaceLeadRole,
    Vehicle,
)
from delegations.models import Delegation, PlaceLeadArrangement, SordImport
from ics_registry.permissions import AREA_EDITOR_PERMISSION
from tests.organisations.factories import PostFactory

from .factories import ReservedMatterFactory
from .helpers import Stockport, nothing_changes

pytestmark = pytest.mark.django_db

D = dt.date


def field_error(response, name) -> str:
    """The error message shown beside the field `name` ('' when none)."""
    page = response.content.decode()
    for group in page.split('<div class="nhsuk-form-group')[1:]:
        if f'id="id_{name}"' in group or f'id="id_{name}_0"' in group:
            if not group.startswith(" nhsuk-form-group--error"):
                return ""
            message = re.search(r'<span class="nhsuk-error-message"[^>]*>(.*?)</span>\s*<', group, flags=re.S)
            found = re.sub(r"<[^>]+>", "", message.group(1)) if message else ""
            return html.unescape(re.sub(r"\s+", " ", found.replace("Error:", ""))).strip()
    raise AssertionError(f"no field {name} on the page")


def errors_shown(response) -> int:
    return response.content.decode().count('<span class="nhsuk-error-message"')


def typed(response, name) -> str | list[str]:
    """The value the field `name` shows (a list for a multiple select)."""
    page = response.content.decode()
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', page
    )
    if match:
        return html.unescape(match.group(1))
    select = re.search(rf'<select name="{name}"([^>]*)>.*?</select>', page, flags=re.S)
    assert select, f"no field {name}"
    chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', select.group(0))
    return chosen if "multiple" in select.group(1) else (chosen[0] if chosen else "")


@pytest.fixture
def world(staff_user):
    w = Stockport(staff_user)
    w.to_board = w.delegate()
    w.to_post = w.to_lead(w.to_board, functions=[w.nursing])
    return w


@pytest.fixture
def editor(world, django_user_model):
    """An area editor of the test system's Stockport."""
    user = django_user_model.objects.create_user(username="stockport-test-editor", password="pw")
    assign_perm(AREA_EDITOR_PERMISSION, user, world.stockport)
    return user


@pytest.fixture
def other_editor(world, django_user_model):
    """An area editor of the test system's Bury."""
    user = django_user_model.objects.create_user(username="bury-test-editor", password="pw")
    assign_perm(AREA_EDITOR_PERMISSION, user, world.bury)
    return user


def delegation_data(world, **given) -> dict:
    """The ICB delegating primary care for Stockport to the locality board from 1 Aug 2022."""
    data = {
        "delegator": f"organisation:{world.icb.pk}",
        "delegate": f"body:{world.board.pk}",
        "functions": [str(world.primary.pk)],
        "area": str(world.stockport.pk),
        "vehicle": Vehicle.SCHEME_OF_DELEGATION,
        "status": DelegationStatus.IN_FORCE,
        "start_date": "2022-08-01",
        "end_date": "",
        "financial_limit": "500000",
        "conditions": "Within the locality's budget.",
        "statutory_basis": "",
        "parent": "",
        "sources": '[{"document": "001", "section": "§6.5"}]',
        "incomplete_note": "",
    }
    data.update(given)
    return {key: value for key, value in data.items() if value is not None}


def sub_delegation_data(world, **given) -> dict:
    """The board sub-delegating district nursing to the place-based lead, under its delegation."""
    values = {
        "delegator": f"body:{world.board.pk}",
        "delegate": f"post:{world.lead.pk}",
        "functions": [str(world.nursing.pk)],
        "parent": str(world.to_board.pk),
        "financial_limit": "100000",
    }
    values.update(given)
    return delegation_data(world, **values)


# --- Adding a delegation ----------------------------------------------------------------------


def test_staff_add_a_delegation_and_see_it(client, world, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("delegations:delegation_add"), delegation_data(world))
    delegation = Delegation.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == delegation.get_absolute_url()
    assert (delegation.delegator, delegation.delegate) == (world.icb, world.board)
    assert list(delegation.functions.all()) == [world.primary]
    assert (delegation.area, delegation.start_date, delegation.financial_limit) == (
        world.stockport,
        D(2022, 8, 1),
        Decimal("500000"),
    )
    assert delegation.conditions == "Within the locality's budget."
    page = client.get(response["Location"])
    assert "Delegation saved" in page.content.decode()


def test_an_area_editor_adds_for_their_own_areas_only(client, world, editor):
    client.force_login(editor)
    page = client.get(reverse("delegations:delegation_add"))
    assert page.status_code == 200
    offered = re.findall(
        r'<option value="(\d+)"',
        re.search(r'<select name="area".*?</select>', page.content.decode(), re.S).group(0),
    )
    assert set(offered) == {str(world.stockport.pk), str(world.heatons.pk)}
    with nothing_changes():
        response = client.post(
            reverse("delegations:delegation_add"), delegation_data(world, area=str(world.bury.pk))
        )
    assert response.status_code == 200
    assert (
        field_error(response, "area")
        == "Select a valid choice. That choice is not one of the available choices."
    )
    assert client.post(reverse("delegations:delegation_add"), delegation_data(world)).status_code == 302


def test_someone_with_no_rights_may_not_add(client, reader):
    assert client.get(reverse("delegations:delegation_add")).status_code == 302  # to sign in
    client.force_login(reader)
    assert client.get(reverse("delegations:delegation_add")).status_code == 403
    assert client.post(reverse("delegations:delegation_add"), {}).status_code == 403


def test_a_sub_delegation_starts_from_its_parent(client, world, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("delegations:delegation_add"), {"parent": world.to_board.pk})
    assert typed(response, "parent") == str(world.to_board.pk)
    assert typed(response, "delegator") == f"body:{world.board.pk}"
    assert typed(response, "area") == str(world.stockport.pk)
    assert typed(response, "functions") == [str(world.community.pk)]
    assert f'href="{world.to_board.get_absolute_url()}">Cancel' in response.content.decode()


REFUSALS = [
    pytest.param(
        "sub",
        {"financial_limit": "2000000"},
        "financial_limit",
        "The financial limit cannot exceed the parent delegation's limit of £1,000,000.00.",
        id="larger limit than the parent",
    ),
    pytest.param(
        "sub",
        {"area": "footprint"},
        "area",
        "A sub-delegation cannot cover Greater Manchester (test): the parent delegation applies only to Stockport.",
        id="wider area than the parent",
    ),
    pytest.param(
        "sub",
        {"start_date": "2022-06-01"},
        "start_date",
        "A sub-delegation must fall within its parent's period (1 Jul 2022 – present).",
        id="longer period than the parent",
    ),
    pytest.param(
        "sub",
        {"functions": ["primary"]},
        "functions",
        "A sub-delegation cannot cover Primary care: the parent delegation covers only Community services.",
        id="wider function than the parent",
    ),
    pytest.param(
        "sub",
        {"parent": "to_post", "delegator": "lead", "delegate": "council"},
        "parent",
        "The parent delegation does not permit onward delegation.",
        id="the parent forbids onward delegation",
    ),
    pytest.param(
        "sub",
        {"delegate": "icb"},
        "delegate",
        "NHS Greater Manchester Integrated Care already holds this authority earlier in the chain: "
        "a delegation cannot go back up it.",
        id="a cycle",
    ),
    pytest.param(
        "top",
        {"delegator": "ccg", "functions": ["community"]},
        "delegator",
        "NHS Stockport CCG did not hold Community services for Stockport on every day of this period: "
        "it held it until 30 Jun 2022.",
        id="the CCG after its closure",
    ),
    pytest.param(
        "top",
        {"functions": ["reserved"]},
        "functions",
        "Primary care is reserved to NHS Greater Manchester Integrated Care: it cannot be delegated.",
        id="a reserved matter",
    ),
    pytest.param(
        "top",
        {"parent": "999999999"},
        "parent",
        "There is no delegation with this number",
        id="no such parent",
    ),
    pytest.param("top", {"delegator": ""}, "delegator", "Choose who delegates", id="no delegator"),
    pytest.param("top", {"functions": []}, "functions", "Choose at least one function", id="no function"),
    pytest.param(
        "top",
        {"financial_limit": "lots"},
        "financial_limit",
        "Enter the limit as an amount in pounds, for example 250000",
        id="a limit that is not money",
    ),
    pytest.param(
        "top",
        {"start_date": "2022-09-01", "end_date": "2022-08-01"},
        None,
        "The end date must be on or after the start date.",
        id="ends before it starts",
    ),
]


@pytest.mark.parametrize(("kind", "given", "field", "message"), REFUSALS)
def test_a_refused_delegation_says_why_beside_the_field_and_saves_nothing(
    client, world, staff_user, kind, given, field, message
):
    if given.get("functions") == ["reserved"]:
        ReservedMatterFactory(function=world.primary, reserved_to_organisation=world.icb, area=None)
        given = {**given, "functions": ["primary"]}
    names = {
        "footprint": str(world.footprint.pk),
        "to_post": str(world.to_post.pk),
        "lead": f"post:{world.lead.pk}",
        "council": f"organisation:{world.council.pk}",
        "icb": f"organisation:{world.icb.pk}",
        "ccg": f"organisation:{world.ccg.pk}",
    }
    functions = {"primary": str(world.primary.pk), "community": str(world.community.pk)}
    values = {
        key: ([functions[v] for v in value] if key == "functions" else names.get(value, value))
        for key, value in given.items()
    }
    data = (sub_delegation_data if kind == "sub" else delegation_data)(world, **values)
    client.force_login(staff_user)
    with nothing_changes(world.to_board, world.to_post):
        response = client.post(reverse("delegations:delegation_add"), data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    if field is None:
        assert message in response.content.decode()
    else:
        assert field_error(response, field) == message
        assert errors_shown(response) == 1
    # What was typed is still there.
    assert typed(response, "financial_limit") == data["financial_limit"]
    assert typed(response, "delegate") == data["delegate"]


# --- Editing and revoking -----------------------------------------------------------------------


def test_an_editor_changes_a_delegation_of_their_area(client, world, editor):
    client.force_login(editor)
    url = reverse("delegations:delegation_edit", kwargs={"pk": world.to_board.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert typed(page, "delegator") == f"organisation:{world.icb.pk}"
    assert typed(page, "delegate") == f"body:{world.board.pk}"
    assert typed(page, "functions") == [str(world.community.pk)]
    assert typed(page, "financial_limit") == "1000000.00"
    data = delegation_data(
        world,
        functions=[str(world.community.pk)],
        start_date="2022-07-01",
        financial_limit="1000000.00",
        conditions="Reported quarterly to the ICB board.",
        onward_delegation_permitted="on",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    world.to_board.refresh_from_db()
    assert world.to_board.conditions == "Reported quarterly to the ICB board."


def test_lowering_a_limit_below_a_sub_delegations_is_refused(client, world, staff_user):
    client.force_login(staff_user)
    url = reverse("delegations:delegation_edit", kwargs={"pk": world.to_board.pk})
    data = delegation_data(
        world,
        functions=[str(world.community.pk)],
        start_date="2022-07-01",
        financial_limit="100000",
        onward_delegation_permitted="on",
    )
    with nothing_changes(world.to_board, world.to_post):
        response = client.post(url, data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert typed(response, "financial_limit") == "100000"
    # The page still names the delegation as saved.
    assert f"Edit delegation {world.to_board.pk}" in response.content.decode()


@pytest.mark.parametrize("name", ["delegation_edit", "delegation_revoke"])
def test_a_delegation_outside_the_users_areas_is_missing_to_them(
    client, world, other_editor, reader, name, staff_user
):
    url = reverse(f"delegations:{name}", kwargs={"pk": world.to_board.pk})
    assert client.get(url).status_code == 302  # to sign in
    for user in (other_editor, reader):
        client.force_login(user)
        with nothing_changes(world.to_board):
            assert client.get(url).status_code == 404
            assert client.post(url, {"on": "2023-04-01"}).status_code == 404
    missing = reverse(f"delegations:{name}", kwargs={"pk": 999_999_999})
    client.force_login(staff_user)
    assert client.get(missing).status_code == 404


def test_revoking_ends_a_delegation_the_day_before(client, world, editor):
    client.force_login(editor)
    url = reverse("delegations:delegation_revoke", kwargs={"pk": world.to_board.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"on": "2023-04-01"})
    assert response.status_code == 302
    world.to_board.refresh_from_db()
    assert (world.to_board.status, world.to_board.end_date) == (DelegationStatus.REVOKED, D(2023, 3, 31))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter the first day it is no longer in force"),
        ("31/03/2023", "Enter the date as year-month-day, for example 2022-07-01"),
    ],
)
def test_a_revocation_needs_a_date(client, world, staff_user, value, message):
    client.force_login(staff_user)
    url = reverse("delegations:delegation_revoke", kwargs={"pk": world.to_board.pk})
    with nothing_changes(world.to_board, world.to_post):
        response = client.post(url, {"on": value})
    assert response.status_code == 200
    assert field_error(response, "on") == message
    assert typed(response, "on") == value


# --- Place-based lead arrangements --------------------------------------------------------------


def arrangement_data(world, **given) -> dict:
    data = {
        "area": str(world.stockport.pk),
        "model": PlaceLeadModel.DEDICATED_OFFICER,
        "models_considered": [],
        "host_organisation": str(world.council.pk),
        "relationship_to_icb": "Mutual accountability",
        "status": ArrangementStatus.IN_FORCE,
        "start_date": "2022-07-01",
        "end_date": "",
        "posts": [str(world.lead.pk)],
        f"role_{PlaceLeadRole.PRIMARY_CARE_NETWORKS}": str(world.lead.pk),
        f"role_{PlaceLeadRole.JOIN_UP_CARE}": str(world.lead.pk),
        "note": "",
        "sources": "[]",
        "incomplete_note": "",
    }
    data.update(given)
    return data


def test_an_editor_records_the_place_based_lead_of_their_locality(client, world, editor):
    client.force_login(editor)
    response = client.post(reverse("delegations:place_lead_add"), arrangement_data(world))
    assert response.status_code == 302
    arrangement = PlaceLeadArrangement.objects.get(area=world.stockport)
    assert response["Location"] == arrangement.get_absolute_url()
    assert arrangement.host_organisation == world.council
    assert [(link.post, link.roles) for link in arrangement.post_links.all()] == [
        (world.lead, [PlaceLeadRole.PRIMARY_CARE_NETWORKS, PlaceLeadRole.JOIN_UP_CARE])
    ]
    # Editing it shows the roles each post carries, and keeps them.
    edit = client.get(reverse("delegations:place_lead_edit", kwargs={"pk": arrangement.pk}))
    assert typed(edit, f"role_{PlaceLeadRole.JOIN_UP_CARE}") == str(world.lead.pk)
    assert typed(edit, f"role_{PlaceLeadRole.POPULATION_HEALTH}") == ""
    assert typed(edit, "posts") == [str(world.lead.pk)]


def test_a_second_arrangement_overlapping_the_first_is_refused(client, world, editor):
    client.force_login(editor)
    assert client.post(reverse("delegations:place_lead_add"), arrangement_data(world)).status_code == 302
    with nothing_changes():
        response = client.post(
            reverse("delegations:place_lead_add"),
            arrangement_data(world, model=PlaceLeadModel.COUNCIL_CHIEF_EXECUTIVE, start_date="2023-01-01"),
        )
    assert response.status_code == 200
    assert (
        "This locality already has a place-based lead arrangement on some of these dates."
        in html.unescape(response.content.decode())
    )
    assert typed(response, "start_date") == "2023-01-01"


def test_a_post_of_another_place_is_refused_beside_the_posts(client, world, editor):
    elsewhere = PostFactory(title="Bury lead", area=world.bury)
    client.force_login(editor)
    with nothing_changes():
        response = client.post(
            reverse("delegations:place_lead_add"),
            arrangement_data(world, **{f"role_{PlaceLeadRole.POPULATION_HEALTH}": str(elsewhere.pk)}),
        )
    assert response.status_code == 200
    assert field_error(response, "posts").startswith("Bury lead")
    assert field_error(response, "posts").endswith("is a post for Bury, not for Stockport.")


def test_an_arrangement_outside_the_users_areas_is_missing_to_them(
    client, world, editor, other_editor, reader
):
    client.force_login(editor)
    client.post(reverse("delegations:place_lead_add"), arrangement_data(world))
    arrangement = PlaceLeadArrangement.objects.get(area=world.stockport)
    url = reverse("delegations:place_lead_edit", kwargs={"pk": arrangement.pk})
    for user in (other_editor, reader):
        client.force_login(user)
        with nothing_changes(arrangement):
            assert client.get(url).status_code == 404
            assert client.post(url, arrangement_data(world, note="Changed")).status_code == 404
    client.force_login(reader)
    assert client.get(reverse("delegations:place_lead_add")).status_code == 403


# --- Importing a scheme -------------------------------------------------------------------------


def upload(client, world, content, name="scheme.csv", **given):
    data = {
        "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        "area": world.stockport.pk,
        "status": DelegationStatus.IN_FORCE,
    }
    data.update(given)
    return client.post(reverse("delegations:sord_import"), {k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
            "picture.png",
            "This is not a CSV or XLSX spreadsheet.",
        ),
        (b"x" * (10 * 1024 * 1024), "junk.csv", "The file is larger than 5 MB."),
        (b"name,date\nfoo,2022-01-01\n", "wrong.csv", None),
    ],
    ids=["not a spreadsheet", "10 MB of junk", "wrong columns"],
)
def test_a_file_that_is_not_a_scheme_is_refused_beside_the_file_field(
    client, world, staff_user, content, name, message
):
    client.force_login(staff_user)
    with nothing_changes():
        response = upload(client, world, content, name)
    assert response.status_code == 200
    shown = field_error(response, "file")
    if message is None:
        assert shown.startswith("The columns must be: policy area, function, reserved to, delegated to,")
    else:
        assert shown == message
    assert SordImport.objects.count() == 0


def test_an_upload_needs_a_file_and_an_area(client, world, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("delegations:sord_import"), {"status": DelegationStatus.IN_FORCE})
    assert field_error(response, "file") == "Choose a spreadsheet to import"
    assert field_error(response, "area") == "Choose the area the scheme applies to"
    assert SordImport.objects.count() == 0


def test_only_area_editors_and_staff_may_import(client, world, reader, editor):
    url = reverse("delegations:sord_import")
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(reader)
    assert client.get(url).status_code == 403
    client.force_login(editor)
    page = client.get(url)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
