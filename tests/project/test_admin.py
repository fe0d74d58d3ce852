"""The admin is for superusers only; staff editors work through the registry's own pages."""

import pytest


@pytest.mark.django_db
def test_staff_editor_is_turned_away_from_the_admin(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_superuser_reaches_the_admin_and_can_grant_area_editors(client, superuser, reference):
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200
    stockport = reference.area("Stockport")
    response = client.get(f"/admin/organisations/area/{stockport.pk}/permissions/")
    assert response.status_code == 200
    assert b"Stockport" in response.content
