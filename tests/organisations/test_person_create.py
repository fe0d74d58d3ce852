"""person_create: a person named in a source."""

import pytest

from organisations.models import Person
from organisations.services import person_create

from .helpers import assert_recorded

pytestmark = pytest.mark.django_db


def test_person_create_records_the_person_and_the_actor(staff_user):
    person = person_create(name="Cllr A. Example", sources=[{"document": "003"}], actor=staff_user)

    assert Person.objects.get(pk=person.pk).name == "Cllr A. Example"
    assert_recorded(person, "created", staff_user, service="person_create")


def test_person_create_needs_a_name(staff_user, refused):
    errors = refused(lambda: person_create(name="", actor=staff_user))

    assert errors == {"name": ["This field cannot be blank."]}


def test_person_create_refuses_invalid_sources(staff_user, refused):
    errors = refused(lambda: person_create(name="A", sources="003", actor=staff_user))

    assert errors == {"sources": ["Give sources as a list of {document, section, note} entries."]}
