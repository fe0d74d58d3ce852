"""What a record's history shows: its latest changes, the links it owns, and who — to whom."""

import pytest

from ics_registry.history import EDITOR, events_for
from organisations import services


@pytest.mark.django_db
def test_history_shows_changes_to_the_areas_an_organisation_serves(reference, staff_user):
    org = reference.org("Viaduct Care")
    services.organisation_update(
        org, actor=staff_user, areas=[reference.area("Stockport"), reference.area("Bury")]
    )
    last = events_for(org)[-1]
    assert last["label"] == "updated"
    assert last["changes"] == [{"field": "areas", "before": None, "after": "Bury"}]
    assert last["actor"] == "staff"


@pytest.mark.django_db
def test_visitors_see_a_registry_editor_not_a_username(api, reference, staff_user):
    org = reference.org("Viaduct Care")
    services.organisation_update(org, actor=staff_user, name="Viaduct Care CIC")
    anonymous = api.get(f"/api/v1/organisations/{org.pk}/history/").json()
    assert anonymous[-1]["actor"] == EDITOR
    assert anonymous[0]["actor"] == "load_reference_data"  # what loaded the data is not a person
    assert "staff" not in str(anonymous)
    assert events_for(org, show_actors=True)[-1]["actor"] == "staff"


@pytest.mark.django_db
def test_a_long_history_shows_the_latest_changes(reference, staff_user):
    org = reference.org("Viaduct Care")
    for n in range(5):
        services.organisation_update(org, actor=staff_user, name=f"Viaduct Care {n}")
    events = events_for(org, limit=3)
    assert [e["changes"] for e in events] == [
        [{"field": "name", "before": f"Viaduct Care {n - 1}", "after": f"Viaduct Care {n}"}]
        for n in (2, 3, 4)
    ]
