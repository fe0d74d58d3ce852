"""An area editor speaks for their own areas only, whichever way they write (pages or API)."""

import pytest
from django.urls import reverse

from ics_registry.permissions import OUT_OF_SCOPE
from organisations import services
from organisations.models import Post, PostHolding


@pytest.fixture
def pennine(reference):
    return reference.org("Pennine Care NHS Foundation Trust")


@pytest.mark.django_db
def test_editor_saving_a_shared_organisation_keeps_the_other_areas(pennine, stockport_editor, reference):
    before = sorted(pennine.areas.values_list("name", flat=True))
    services.organisation_update(
        pennine, actor=stockport_editor, areas=[reference.area("Stockport")], name="Pennine Care"
    )
    assert sorted(pennine.areas.values_list("name", flat=True)) == before
    assert before == ["Bury", "Oldham", "Rochdale", "Stockport", "Tameside"]


@pytest.mark.django_db
def test_editor_removing_their_own_area_leaves_the_others(pennine, stockport_editor):
    services.organisation_update(pennine, actor=stockport_editor, areas=[])
    assert sorted(pennine.areas.values_list("name", flat=True)) == ["Bury", "Oldham", "Rochdale", "Tameside"]


@pytest.mark.django_db
def test_editor_may_not_add_an_area_they_do_not_edit(pennine, stockport_editor, reference):
    with pytest.raises(Exception) as refused:
        services.organisation_update(
            pennine, actor=stockport_editor, areas=[reference.area("Stockport"), reference.area("Wigan")]
        )
    assert "You may only choose areas you edit (not Wigan)." in str(refused.value)
    assert "Wigan" not in pennine.areas.values_list("name", flat=True)


@pytest.mark.django_db
def test_editing_the_form_without_changes_keeps_every_area(client, pennine, stockport_editor):
    client.force_login(stockport_editor)
    url = reverse("organisations:organisation_edit", kwargs={"pk": pennine.pk})
    form = client.get(url).context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    # The browser submits the selected options it shows: only the areas the editor edits.
    offered = set(form.fields["areas"].queryset.values_list("pk", flat=True))
    data["areas"] = [pk for pk in form.initial["areas"] if pk in offered]
    assert len(data["areas"]) == 1
    data["sources"] = "[]"
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post(url, data)
    assert response.status_code == 302
    assert sorted(pennine.areas.values_list("name", flat=True)) == [
        "Bury",
        "Oldham",
        "Rochdale",
        "Stockport",
        "Tameside",
    ]


@pytest.mark.django_db
def test_api_refuses_moving_a_post_out_of_the_editors_areas(api_as, stockport_editor, reference):
    post = Post.objects.get(title="Place-based lead, Stockport")
    client = api_as(stockport_editor)
    response = client.patch(
        f"/api/v1/posts/{post.pk}/",
        {"area": None, "organisation": reference.org("Bury Council").pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [OUT_OF_SCOPE]}
    post.refresh_from_db()
    assert post.area == reference.area("Stockport") and post.organisation is None


@pytest.mark.django_db
def test_page_refuses_creating_an_organisation_in_no_area(client, stockport_editor):
    from organisations.models import Organisation

    client.force_login(stockport_editor)
    response = client.post(
        reverse("organisations:organisation_add"), {"name": "Nowhere Trust", "kind": "other", "sources": "[]"}
    )
    assert response.status_code == 200
    assert OUT_OF_SCOPE in response.content.decode()
    assert not Organisation.objects.filter(name="Nowhere Trust").exists()


@pytest.mark.django_db
def test_a_footprint_grant_covers_the_areas_it_is_made_of(django_user_model, reference):
    from organisations.models import Area
    from organisations.services import area_editor_grant

    nca = Area.objects.get(name__startswith="Northern Care Alliance")
    user = django_user_model.objects.create_user("nca-editor")
    area_editor_grant(user=user, area=nca)
    editable = set(Area.objects.restrict(user, "change").values_list("name", flat=True))
    assert {"Bury", "Rochdale", "Oldham", "Salford"} <= editable
    assert "Stockport" not in editable


@pytest.mark.django_db
def test_patching_a_holding_with_no_position_chooses_a_free_one(api_as, staff_user):
    holding = PostHolding.objects.select_related("post").first()
    response = api_as(staff_user).patch(
        f"/api/v1/post-holdings/{holding.pk}/", {"position": None}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["position"] == 1
