"""Every change to a registry record is kept: who, when, what it was before and what it became.

History is trigger-based (django-pghistory): each tracked model has an event model whose
`pgh_tracked_model` is the model, and insert/update/delete triggers writing to it; the event
tables are append-only (django-pgtrigger refuses UPDATE and DELETE on them).
"""

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from ics_registry.history import events_for
from organisations.choices import OrganisationKind
from organisations.models import Organisation
from organisations.services import organisation_create, organisation_update
from tests.organisations.factories import OrganisationFactory

REGISTRY_APPS = ("organisations", "governance", "delegations", "finance")
# An upload's progress report is a job record, not a registry record: what an import creates is
# written through the services and tracked like any other change.
NOT_RECORDS = {"delegations.SordImport"}


def event_models():
    return [m for m in apps.get_models() if getattr(m, "pgh_tracked_model", None) is not None]


def registry_models():
    """The concrete record models of the registry apps (their event models aside)."""
    return [
        model
        for label in REGISTRY_APPS
        for model in apps.get_app_config(label).get_models()
        if getattr(model, "pgh_tracked_model", None) is None and model._meta.label not in NOT_RECORDS
    ]


def registry_event_models():
    return [m for m in event_models() if m._meta.app_label in REGISTRY_APPS]


def triggers_on(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table]
        )
        return {row[0] for row in cursor.fetchall()}


def test_every_registry_model_is_tracked():
    tracked = {m.pgh_tracked_model for m in event_models()}

    untracked = [m._meta.label for m in registry_models() if m not in tracked]

    assert not untracked, (
        f"models without history (decorate them with ics_registry.history.track()): {untracked}"
    )
    assert len(registry_models()) >= 10


@pytest.mark.django_db
def test_every_tracked_table_has_its_insert_update_and_delete_triggers_installed():
    for event_model in registry_event_models():
        table = event_model.pgh_tracked_model._meta.db_table
        names = triggers_on(table)
        for operation in ("insert", "update", "delete"):
            assert any(n.startswith("pgtrigger_") and operation in n for n in names), (
                table,
                operation,
                names,
            )


@pytest.mark.django_db
def test_every_event_table_is_append_only():
    for event_model in registry_event_models():
        names = triggers_on(event_model._meta.db_table)
        assert any(n.startswith("pgtrigger_append_only") for n in names), event_model._meta.label


@pytest.mark.django_db
@pytest.mark.parametrize("statement", ["UPDATE {table} SET pgh_label = 'tampered'", "DELETE FROM {table}"])
def test_event_rows_cannot_be_changed_or_removed(staff_user, statement):
    org = organisation_create(name="Audited organisation", kind=OrganisationKind.OTHER, actor=staff_user)
    table = connection.ops.quote_name(Organisation.pgh_event_models["created"]._meta.db_table)

    with pytest.raises(DatabaseError, match="Cannot update or delete rows"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement.format(table=table) + " WHERE pgh_obj_id = %s", [org.pk])

    assert org.events.filter(pgh_label="created").count() == 1


@pytest.mark.django_db
def test_every_registry_event_table_refuses_update_and_delete():
    for event_model in registry_event_models():
        table = connection.ops.quote_name(event_model._meta.db_table)
        for sql in (f"UPDATE {table} SET pgh_label = pgh_label", f"DELETE FROM {table}"):
            if not event_model.objects.exists():
                continue  # a trigger on an empty table never fires; the trigger itself is checked above
            with pytest.raises(DatabaseError, match="Cannot update or delete rows"), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(sql)


@pytest.mark.django_db
def test_an_update_through_a_service_records_the_actor_and_the_diff(staff_user):
    org = OrganisationFactory(name="NHS Old Name CCG", ods_code="X77")

    organisation_update(org, name="NHS New Name CCG", actor=staff_user)

    event = org.events.select_related("pgh_context").order_by("-pgh_id").first()
    assert event.pgh_label == "updated"
    assert event.name == "NHS New Name CCG"
    assert event.pgh_context.metadata == {"user": staff_user.pk, "service": "organisation_update"}

    from pghistory.models import Events

    latest = Events.objects.tracks(org).order_by("-pgh_created_at", "-pgh_id").first()
    assert latest.pgh_label == "updated"
    assert latest.pgh_diff == {"name": ["NHS Old Name CCG", "NHS New Name CCG"]}
    assert latest.pgh_context["user"] == staff_user.pk


@pytest.mark.django_db
def test_bulk_updates_are_recorded_too():
    orgs = [OrganisationFactory(kind=OrganisationKind.OTHER) for _ in range(3)]

    Organisation.objects.filter(pk__in=[o.pk for o in orgs]).update(kind=OrganisationKind.VCFSE)

    for org in orgs:
        assert org.events.filter(pgh_label="updated", kind=OrganisationKind.VCFSE).count() == 1


@pytest.mark.django_db
def test_events_for_shows_who_changed_what_from_and_to(staff_user):
    org = organisation_create(name="Mastercall", kind=OrganisationKind.SOCIAL_ENTERPRISE, actor=staff_user)
    organisation_update(org, name="Mastercall Healthcare", ods_code="nlo", actor=staff_user)

    log = events_for(org)

    assert [e["label"] for e in log] == ["created", "updated"]
    created, updated = log
    assert created["actor"] == updated["actor"] == "staff"
    assert created["actor_id"] == staff_user.pk
    assert {"field": "name", "before": None, "after": "Mastercall"} in created["changes"]
    assert sorted(updated["changes"], key=lambda c: c["field"]) == [
        {"field": "name", "before": "Mastercall", "after": "Mastercall Healthcare"},
        {"field": "ods_code", "before": "", "after": "NLO"},
    ]
    assert created["when"] <= updated["when"]


@pytest.mark.django_db
def test_events_for_names_the_command_when_there_is_no_user(reference):
    log = events_for(reference.org("NHS Stockport CCG"))

    assert log[0]["label"] == "created"
    assert log[0]["actor"] == "load_reference_data"
    assert log[0]["actor_id"] is None


@pytest.mark.django_db
def test_events_for_keeps_a_deleted_records_history(staff_user):
    from organisations.services import organisation_delete

    org = organisation_create(name="Recorded in error", kind=OrganisationKind.OTHER, actor=staff_user)
    pk = org.pk
    organisation_delete(org, actor=staff_user)

    log = events_for(Organisation(pk=pk))

    assert [e["label"] for e in log] == ["created", "deleted"]
    assert {"field": "name", "before": "Recorded in error", "after": None} in log[1]["changes"]
