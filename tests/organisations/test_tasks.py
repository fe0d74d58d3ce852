"""registry_daily_check: the daily job that records what changed state, run directly."""

import datetime as dt
from unittest import mock

import pytest

from ics_registry.models import JobRun
from organisations.tasks import registry_daily_check

from .factories import PostHoldingFactory

pytestmark = pytest.mark.django_db

TASK = "organisations.tasks.registry_daily_check"
GM_AND_CM_CCGS = 19


def test_records_a_successful_run_with_what_changed_on_1_july_2022():
    PostHoldingFactory(start_date=dt.date(2021, 1, 1), end_date=dt.date(2022, 6, 30))

    with mock.patch("organisations.tasks.today", return_value=dt.date(2022, 7, 1)):
        result = registry_daily_check()

    run = JobRun.objects.get(task=TASK)
    assert run.state == JobRun.State.SUCCEEDED
    assert run.finished_at is not None and run.finished_at >= run.started_at
    assert run.summary == result
    assert result["date"] == "2022-07-01"
    assert sorted(result["organisations_established_today"]) == [
        "NHS Cheshire and Merseyside Integrated Care Board",
        "NHS Greater Manchester Integrated Care",
    ]
    assert len(result["organisations_closed_yesterday"]) == GM_AND_CM_CCGS
    assert "NHS Stockport CCG" in result["organisations_closed_yesterday"]
    assert result["holdings_ended_yesterday"] == 1


def test_is_safe_to_run_twice():
    with mock.patch("organisations.tasks.today", return_value=dt.date(2022, 7, 1)):
        first = registry_daily_check()
        second = registry_daily_check()

    assert first == second
    runs = JobRun.objects.filter(task=TASK)
    assert runs.count() == 2
    assert set(runs.values_list("state", flat=True)) == {JobRun.State.SUCCEEDED}


def test_a_failing_run_is_recorded_as_failed():
    with (
        mock.patch("organisations.tasks.today", return_value=dt.date(2022, 7, 1)),
        mock.patch(
            "organisations.tasks.PostHolding.objects.filter", side_effect=RuntimeError("database went away")
        ),
        pytest.raises(RuntimeError),
    ):
        registry_daily_check()

    run = JobRun.objects.get(task=TASK)
    assert run.state == JobRun.State.FAILED
    assert run.summary == {"error": "database went away"}
    assert run.finished_at is not None


def test_an_ordinary_day_records_nothing_changed():
    with mock.patch("organisations.tasks.today", return_value=dt.date(2019, 2, 2)):
        result = registry_daily_check()

    assert result == {
        "date": "2019-02-02",
        "organisations_closed_yesterday": [],
        "organisations_established_today": [],
        "holdings_ended_yesterday": 0,
    }
