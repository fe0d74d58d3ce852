"""person_update: correcting a person's name."""

import pytest

from organisations.services import person_update

from .factories import PersonFactory
from .helpers import assert_recorded

pytestmark = pytest.mark.django_db


def test_person_update_corrects_the_name(staff_user):
    person = PersonFactory(name="Geof Little")

    person_update(person, name="Geoff Little", actor=staff_user)

    person.refresh_from_db()
    assert person.name == "Geoff Little"
    assert_recorded(person, "updated", staff_user, service="person_update")


def test_person_update_refuses_a_blank_name(staff_user, refused):
    person = PersonFactory()

    errors = refused(lambda: person_update(person, name="", actor=staff_user), person)

    assert errors == {"name": ["This field cannot be blank."]}
