"""Every run of a background job is recorded and shown to staff."""

import pytest

from organisations.tasks import registry_daily_check


@pytest.mark.django_db
def test_staff_see_each_job_run_and_how_it_ended(client, staff_user):
    registry_daily_check()
    client.force_login(staff_user)
    response = client.get("/jobs/")
    assert response.status_code == 200
    assert b"organisations.tasks.registry_daily_check" in response.content
    assert b"Succeeded" in response.content


@pytest.mark.django_db
def test_people_who_are_not_staff_may_not_see_job_runs(client, reader):
    client.force_login(reader)
    assert client.get("/jobs/").status_code == 403
