"""The tables built from delegation records, read from the reference data: the place-based lead
register, the localities without a lead, the GM tier table and the functions and decisions map."""

from __future__ import annotations

import datetime as dt

import pytest

from delegations.selectors import functions_map, localities_without_lead, place_lead_register, tier_table

pytestmark = pytest.mark.django_db

ON = dt.date(2022, 8, 1)


def test_the_register_lists_places_and_not_footprints_made_of_places(reference):
    rows = place_lead_register(ON, reference.gm)
    names = [row.area.name for row in rows]
    assert len(names) == 10  # the ten GM localities
    assert "Stockport" in names and "Bury" in names
    assert not any("Northern Care Alliance" in name for name in names)


def test_stockport_and_bury_have_arrangements_whose_model_is_not_yet_decided(reference):
    rows = {row.area.name: row for row in place_lead_register(ON, reference.gm)}
    stockport, bury = rows["Stockport"], rows["Bury"]
    assert stockport.arrangement.get_model_display() == "Not yet decided"
    assert stockport.arrangement.host_organisation.name.startswith("Stockport")
    assert [post["vacant"] for post in stockport.posts] == [True]
    assert bury.arrangement.get_model_display() == "Not yet decided"


def test_every_gm_locality_is_without_a_lead_in_post_and_says_why(reference):
    rows = {row.area.name: row.reason for row in localities_without_lead(ON, reference.gm)}
    assert len(rows) == 10
    assert rows["Stockport"] == "The arrangement is proposed, not in force."
    assert rows["Bolton"] == "No arrangement is recorded for 1 Aug 2022."


def test_the_gm_tier_table_reads_from_the_neighbourhood_up_with_its_four_columns(reference):
    table = tier_table(reference.gm)
    assert [tier["tier"] for tier in table["tiers"]] == ["neighbourhood", "locality", "system"]
    locality = table["tiers"][1]["columns"]
    assert [entry["label"] for entry in locality["governance"]] == ["Locality Board"]
    assert "Oversight of pooled budgets" in [entry["label"] for entry in locality["accountability"]]
    assert [entry["label"] for entry in locality["team"]] == [
        "Place-based lead",
        "Locally deployed dedicated teams",
    ]


def test_the_functions_map_places_each_holder_at_its_tier(reference, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        result = functions_map(reference.gm, ON)
    rows = {row["function"].name: row["cells"] for row in result["rows"]}
    assert [e["name"] for e in rows["Commissioning"]["system"]] == ["NHS Greater Manchester Integrated Care"]
    locality_boards = [e["name"] for e in rows["Community health services"]["locality"]]
    assert len(locality_boards) == 10 and "Stockport Locality Board" in locality_boards
    before = {
        row["function"].name: row["cells"] for row in functions_map(reference.gm, dt.date(2022, 6, 1))["rows"]
    }
    assert "NHS Stockport CCG" in [e["name"] for e in before["Commissioning"]["locality"]]
    assert before["Community health services"]["locality"] == []
