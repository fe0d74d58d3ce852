"""The delegations app's background jobs, run directly as a worker would: importing an uploaded
scheme of delegation, and ending the delegations of holders that have closed. Each run is recorded
in the job-run table; running either twice changes nothing the second time."""

from __future__ import annotations

import datetime as dt
import threading
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections

from delegations.choices import ImportState
from delegations.models import Delegation, SordImport
from delegations.selectors import sord_import_progress
from delegations.services import core, sord_import_run
from delegations.tasks import end_delegations_of_closed_holders, run_sord_import
from ics_registry.models import JobRun
from organisations.choices import OrganisationKind
from tests.delegations.factories import DelegationFactory, StatutoryHoldingFactory
from tests.organisations.factories import OrganisationFactory

from .test_sord_import import Scheme, board_row, csv_file, start

pytestmark = pytest.mark.django_db

D = dt.date
IMPORT_TASK = "delegations.tasks.run_sord_import"
CLOSING_TASK = "delegations.tasks.end_delegations_of_closed_holders"


@pytest.fixture
def scheme(staff_user):
    return Scheme(staff_user)


# --- run_sord_import ----------------------------------------------------------------------------


def test_run_sord_import_imports_and_records_its_run(scheme):
    sord_import = start(scheme, csv_file([board_row(), board_row(function="Primary care")]))

    summary = run_sord_import(sord_import.pk)

    sord_import.refresh_from_db()
    assert sord_import.state == ImportState.SUCCEEDED
    run = JobRun.objects.get(task=IMPORT_TASK)
    assert run.state == JobRun.State.SUCCEEDED
    assert run.finished_at is not None
    assert (
        run.summary
        == summary
        == {
            "import": sord_import.pk,
            "file_name": "scheme.csv",
            "state": "succeeded",
            "rows_total": 2,
            "created": {"delegations": 1, "sub_delegations": 0, "reserved_matters": 0},
            "errors": 0,
        }
    )


def test_running_an_import_twice_imports_it_once(scheme):
    sord_import = start(scheme, csv_file([board_row()]))

    first = run_sord_import(sord_import.pk)
    finished_at = SordImport.objects.get(pk=sord_import.pk).finished_at
    second = run_sord_import(sord_import.pk)

    assert first == second
    assert Delegation.objects.filter(area=scheme.northtown).count() == 1
    assert SordImport.objects.get(pk=sord_import.pk).finished_at == finished_at
    runs = JobRun.objects.filter(task=IMPORT_TASK)
    assert runs.count() == 2
    assert set(runs.values_list("state", flat=True)) == {JobRun.State.SUCCEEDED}


def test_a_refused_import_is_a_run_that_succeeded(scheme):
    sord_import = start(scheme, csv_file([board_row(delegated_to="Nobody")]))

    summary = run_sord_import(sord_import.pk)

    assert summary["state"] == "failed"
    assert summary["errors"] == 1
    assert JobRun.objects.get(task=IMPORT_TASK).state == JobRun.State.SUCCEEDED
    # once refused, it stays refused: running it again does not try again
    run_sord_import(sord_import.pk)
    assert SordImport.objects.get(pk=sord_import.pk).report["errors"][0]["row"] == 2


def test_an_import_that_a_worker_left_running_is_run_again(scheme):
    sord_import = start(scheme, csv_file([board_row()]))
    SordImport.objects.filter(pk=sord_import.pk).update(state=ImportState.RUNNING, rows_done=1)

    run_sord_import(sord_import.pk)

    assert SordImport.objects.get(pk=sord_import.pk).state == ImportState.SUCCEEDED
    assert Delegation.objects.filter(area=scheme.northtown).count() == 1


def test_an_import_being_run_elsewhere_is_left_alone(scheme):
    from delegations.services.sord import _LOCK_NAMESPACE

    sord_import = start(scheme, csv_file([board_row()]))
    other = connection.Database.connect(**connection.get_connection_params())
    try:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, sord_import.pk])
        result = sord_import_run(sord_import.pk)
    finally:
        other.close()

    assert result.state == ImportState.QUEUED
    assert not Delegation.objects.filter(area=scheme.northtown).exists()


def test_an_import_stopped_by_its_time_limit_is_recorded_as_failed(scheme):
    sord_import = start(scheme, csv_file([board_row()]))

    with (
        mock.patch("delegations.services.sord._Importer.run", side_effect=SoftTimeLimitExceeded()),
        pytest.raises(SoftTimeLimitExceeded),
    ):
        run_sord_import(sord_import.pk)

    sord_import.refresh_from_db()
    assert sord_import.state == ImportState.FAILED
    assert sord_import.report["errors"] == [
        {
            "row": None,
            "column": "",
            "message": "The import stopped before it finished; nothing was imported. Upload the file again.",
        }
    ]
    assert not Delegation.objects.filter(area=scheme.northtown).exists()
    run = JobRun.objects.get(task=IMPORT_TASK)
    assert run.state == JobRun.State.FAILED
    assert run.summary["import"] == sord_import.pk


def test_an_import_that_does_not_exist_is_a_failed_run():
    with pytest.raises(SordImport.DoesNotExist):
        run_sord_import(987654321)

    assert JobRun.objects.get(task=IMPORT_TASK).state == JobRun.State.FAILED


def test_the_import_task_acknowledges_late_and_has_time_limits():
    assert run_sord_import.acks_late is True
    assert run_sord_import.reject_on_worker_lost is True
    assert run_sord_import.time_limit and run_sord_import.soft_time_limit < run_sord_import.time_limit


# --- Progress seen from outside while the import runs ------------------------------------------


@pytest.fixture(scope="module")
def _restore_reference_data(django_db_blocker):
    """A transactional test empties the database when it ends; put the reference data back for
    the tests that come after (tests/conftest.py loads it once per session)."""
    yield
    from delegations.models import Function
    from delegations.reference import load_reference_data
    from governance.models import Body
    from organisations.models import System

    with django_db_blocker.unblock():
        if not (
            System.objects.filter(short_name="GM").exists()
            and Body.objects.exists()
            and Function.objects.exists()
        ):
            load_reference_data()


@pytest.mark.django_db(transaction=True)
def test_a_poller_sees_rows_done_while_the_import_transaction_is_open(_restore_reference_data, staff_user):
    world = Scheme(staff_user)
    delegates = ("Northtown Locality Board", "Northtown Council", "Place-based lead", "SoRD Test ICB Board")
    sord_import = start(world, csv_file([board_row(delegated_to=name) for name in delegates]))
    polled = []

    def poll():
        # Another thread has its own database connection: it sees only what is committed.
        try:
            polled.append(
                (
                    sord_import_progress(sord_import),
                    Delegation.objects.filter(area=world.northtown).count(),
                )
            )
        finally:
            connections.close_all()

    real = core.delegation_create

    def create_then_poll(**kwargs):
        delegation = real(**kwargs)
        poller = threading.Thread(target=poll)
        poller.start()
        poller.join()
        return delegation

    with mock.patch.object(core, "delegation_create", create_then_poll):
        run_sord_import(sord_import.pk)

    assert [(p["state"], p["rows_done"], p["percent"], created) for p, created in polled] == [
        ("running", 0, 0, 0),
        ("running", 1, 25, 0),
        ("running", 2, 50, 0),
        ("running", 3, 75, 0),
    ]
    assert sord_import_progress(sord_import)["state"] == "succeeded"
    assert Delegation.objects.filter(area=world.northtown).count() == 4


# --- end_delegations_of_closed_holders ---------------------------------------------------------


@pytest.fixture
def closing(scheme):
    """A CCG that closed on 30 Jun 2022, holding commissioning for Northtown until then, with an
    open-ended delegation to the locality board (recorded before its closure was known) and one to
    the council that had already ended."""
    ccg = OrganisationFactory(
        name="SoRD Test CCG", kind=OrganisationKind.CCG, end_date=D(2022, 6, 30), areas=[scheme.northtown]
    )
    StatutoryHoldingFactory(
        function=scheme.commissioning, holder=ccg, area=scheme.northtown, end_date=D(2022, 6, 30)
    )
    common = {"functions": [scheme.community], "area": scheme.northtown, "delegator_organisation": ccg}
    common["start_date"] = D(2022, 4, 1)
    running = DelegationFactory(delegate_organisation=None, delegate_body=scheme.board, **common)
    ended = DelegationFactory(delegate_organisation=scheme.council, end_date=D(2022, 5, 31), **common)
    return ccg, running, ended


def test_the_delegations_of_a_closed_holder_end_on_its_closing_day(closing):
    ccg, running, ended = closing

    with mock.patch("delegations.tasks.today", return_value=D(2022, 7, 2)):
        summary = end_delegations_of_closed_holders()

    running.refresh_from_db()
    ended.refresh_from_db()
    assert running.end_date == D(2022, 6, 30)
    assert ended.end_date == D(2022, 5, 31)
    assert ccg.name in summary["organisations"]
    assert summary["date"] == "2022-07-02"
    assert summary["delegations_ended"] >= 1
    run = JobRun.objects.get(task=CLOSING_TASK)
    assert (run.state, run.summary) == (JobRun.State.SUCCEEDED, summary)


def test_ending_the_delegations_of_closed_holders_twice_changes_nothing_the_second_time(closing):
    ccg, running, _ = closing

    with mock.patch("delegations.tasks.today", return_value=D(2022, 7, 2)):
        end_delegations_of_closed_holders()
        running.refresh_from_db()
        events = running.events.count()
        second = end_delegations_of_closed_holders()

    assert ccg.name not in second["organisations"]
    assert running.events.count() == events
    runs = JobRun.objects.filter(task=CLOSING_TASK)
    assert runs.count() == 2
    assert set(runs.values_list("state", flat=True)) == {JobRun.State.SUCCEEDED}


def test_a_holder_closing_later_is_not_touched_yet(closing):
    ccg, running, _ = closing

    with mock.patch("delegations.tasks.today", return_value=D(2022, 6, 30)):
        summary = end_delegations_of_closed_holders()

    running.refresh_from_db()
    assert running.end_date is None
    assert ccg.name not in summary["organisations"]


def test_a_refusal_for_one_holder_is_recorded_and_the_run_goes_on(closing):
    ccg, running, _ = closing

    with (
        mock.patch("delegations.tasks.today", return_value=D(2022, 7, 2)),
        mock.patch(
            "delegations.tasks.delegations_end_with_holder",
            side_effect=ValidationError({"holder": "Refused for the test."}),
        ),
    ):
        summary = end_delegations_of_closed_holders()

    assert summary["refused"][ccg.name] == ["Refused for the test."]
    assert JobRun.objects.get(task=CLOSING_TASK).state == JobRun.State.SUCCEEDED


def test_a_failing_run_is_recorded_as_failed(closing):
    with (
        mock.patch("delegations.tasks.today", return_value=D(2022, 7, 2)),
        mock.patch(
            "delegations.tasks.delegations_end_with_holder", side_effect=RuntimeError("database went away")
        ),
        pytest.raises(RuntimeError),
    ):
        end_delegations_of_closed_holders()

    run = JobRun.objects.get(task=CLOSING_TASK)
    assert run.state == JobRun.State.FAILED
    assert run.summary["error"] == "database went away"


def test_the_closing_job_is_scheduled_by_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["end-delegations-of-closed-holders"]
    assert entry["task"] == end_delegations_of_closed_holders.name == CLOSING_TASK
    assert end_delegations_of_closed_holders.acks_late is True
    assert end_delegations_of_closed_holders.time_limit
