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


@pytest.mark.django_db
def test_superuser_can_open_a_bodys_object_permissions_to_appoint_its_secretary(client, superuser):
    from governance.models import Body

    body = Body.objects.get(name="Cheshire and Merseyside Partnership Board")
    client.force_login(superuser)
    response = client.get(f"/admin/governance/body/{body.pk}/permissions/")
    assert response.status_code == 200
    assert body.name.encode() in response.content
    listing = client.get("/admin/governance/seat/")
    assert listing.status_code == 200
