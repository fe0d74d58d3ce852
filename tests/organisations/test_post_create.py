"""post_create: a named role in an organisation or for an area."""

import datetime as dt

import pytest

from organisations.services import post_create

from .factories import LocalityFactory, OrganisationFactory
from .helpers import assert_recorded

pytestmark = pytest.mark.django_db

D = dt.date


def test_creates_a_post_for_an_area(staff_user, reference):
    post = post_create(
        title="Place-based lead, Bury",
        area=reference.area("Bury"),
        start_date=D(2022, 7, 1),
        sources=[{"document": "002", "section": "§7"}],
        actor=staff_user,
    )

    post.refresh_from_db()
    assert (post.title, post.area, post.organisation, post.capacity) == (
        "Place-based lead, Bury",
        reference.area("Bury"),
        None,
        1,
    )
    assert_recorded(post, "created", staff_user, service="post_create")


def test_creates_a_post_in_an_organisation_with_two_places(staff_user):
    org = OrganisationFactory()

    post = post_create(title="Co-chair", organisation=org, capacity=2, actor=staff_user)

    assert (post.organisation, post.capacity) == (org, 2)


def test_a_post_with_neither_organisation_nor_area_is_refused(staff_user, refused):
    errors = refused(lambda: post_create(title="Chair", actor=staff_user))

    assert errors == {"organisation": ["A post belongs to an organisation or an area (or both)."]}


def test_a_post_with_no_places_is_refused(staff_user, refused):
    org = OrganisationFactory()

    errors = refused(lambda: post_create(title="Chair", organisation=org, capacity=0, actor=staff_user))

    assert errors == {"capacity": ["A post has at least one place."]}


def test_end_before_start_is_refused(staff_user, refused):
    area = LocalityFactory()

    errors = refused(
        lambda: post_create(
            title="Chair", area=area, start_date=D(2022, 7, 1), end_date=D(2022, 6, 30), actor=staff_user
        )
    )

    assert errors == {"end_date": ["The end date must be on or after the start date."]}


def test_a_post_needs_a_title(staff_user, refused):
    org = OrganisationFactory()

    errors = refused(lambda: post_create(title="", organisation=org, actor=staff_user))

    assert errors == {"title": ["This field cannot be blank."]}


def test_invalid_sources_are_refused(staff_user, refused):
    org = OrganisationFactory()

    errors = refused(
        lambda: post_create(title="Chair", organisation=org, sources=[{"page": 1}], actor=staff_user)
    )

    assert errors == {"sources": ["Each source names its document."]}
