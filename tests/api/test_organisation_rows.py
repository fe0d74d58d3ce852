"""The organisations list is built from .values() rows for speed; it must say exactly what the
OrganisationSerializer (the documented representation, used for detail) says."""

import pytest
from rest_framework.test import APIRequestFactory

from organisations.api.serializers import OrganisationSerializer
from organisations.selectors import organisation_list


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["?page_size=500", "?page_size=500&as_of=2022-06-30", "?kind=ccg&page_size=50"]
)
def test_list_rows_equal_the_serializer(api, query):
    response = api.get("/api/v1/organisations/" + query)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows, "the reference data has organisations"
    request = APIRequestFactory().get("/api/v1/organisations/")
    expected = OrganisationSerializer(
        [organisation_list().get(pk=row["id"]) for row in rows], many=True, context={"request": request}
    ).data
    assert rows == [dict(item) for item in expected]


@pytest.mark.django_db
def test_organisation_in_several_areas_lists_each(api, reference):
    pennine = reference.org("Pennine Care NHS Foundation Trust")
    response = api.get(f"/api/v1/organisations/?q={pennine.ods_code}")
    [row] = response.json()["results"]
    assert sorted(a["display"] for a in row["areas"]) == [
        "Bury",
        "Oldham",
        "Rochdale",
        "Stockport",
        "Tameside",
    ]
