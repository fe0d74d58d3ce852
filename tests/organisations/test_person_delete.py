"""person_delete: removing a person recorded in error."""

import pytest

from organisations.models import Person
from organisations.services import person_delete

from .factories import PersonFactory, PostHoldingFactory

pytestmark = pytest.mark.django_db


def test_person_delete_removes_someone_who_held_nothing(staff_user):
    person = PersonFactory()
    pk = person.pk

    person_delete(person, actor=staff_user)

    assert not Person.objects.filter(pk=pk).exists()


def test_person_delete_refuses_someone_who_held_a_post(staff_user, refused):
    holding = PostHoldingFactory()

    errors = refused(lambda: person_delete(holding.person, actor=staff_user), holding.person, holding)

    assert errors == {
        "__all__": [
            "This person cannot be deleted while other records refer to it (post holdings). "
            "End its period instead, or remove those records first."
        ]
    }
