"""Shared fixtures: the reference data, users in every role, API clients for each."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from guardian.shortcuts import assign_perm
from rest_framework.test import APIClient

from ics_registry.permissions import AREA_EDITOR_PERMISSION
from ics_registry.tokens import token_issue


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data once for the whole session (it is read by most tests)."""
    from delegations.reference import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def reference(db):
    """Handy lookups into the reference data."""
    from organisations.models import Area, Organisation, System

    class Ref:
        gm = System.objects.get(short_name="GM")
        cm = System.objects.get(short_name="C&M")

        @staticmethod
        def area(name, system="GM"):
            return Area.objects.get(name=name, system__short_name=system, tier="locality")

        @staticmethod
        def org(name):
            return Organisation.objects.get(name=name)

    return Ref


def _user(django_user_model, username, **extra):
    return django_user_model.objects.create_user(username=username, password="pw-" + username, **extra)


@pytest.fixture
def staff_user(db, django_user_model):
    """A registry editor: staff with model permissions to change everything in the registry."""
    user = _user(django_user_model, "staff", is_staff=True)
    group, _ = Group.objects.get_or_create(name="Registry editors")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["organisations", "governance", "delegations"])
    )
    user.groups.add(group)
    return user


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser(username="root", password="pw-root")


@pytest.fixture
def reader(db, django_user_model):
    return _user(django_user_model, "reader")


@pytest.fixture
def stockport_editor(db, django_user_model, reference):
    """An area editor of Stockport (and the areas within it)."""
    user = _user(django_user_model, "stockport-editor")
    assign_perm(AREA_EDITOR_PERMISSION, user, reference.area("Stockport"))
    return user


@pytest.fixture
def gm_editor(db, django_user_model, reference):
    """An area editor of the whole GM system (a grant on the system's footprint)."""
    from organisations.models import Area

    user = _user(django_user_model, "gm-editor")
    assign_perm(AREA_EDITOR_PERMISSION, user, Area.objects.get(system=reference.gm, tier="system"))
    return user


@pytest.fixture
def bury_editor(db, django_user_model, reference):
    user = _user(django_user_model, "bury-editor")
    assign_perm(AREA_EDITOR_PERMISSION, user, reference.area("Bury"))
    return user


@pytest.fixture
def api():
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def api_as():
    """api_as(user) → an API client authenticated with a fresh token for that user."""

    def make(user, read_only=False):
        _, raw = token_issue(user=user, name="test", read_only=read_only)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        return client

    return make


@pytest.fixture
def secretary_of(db, django_user_model):
    """secretary_of(body) → a user who maintains that body (its seats, holdings, status, terms of
    reference) and nothing else."""
    from governance.services import body_secretary_grant

    def make(body, username=None):
        user = _user(django_user_model, username or f"secretary-{body.pk}")
        body_secretary_grant(user=user, body=body)
        return user

    return make


def pytest_collection_modifyitems(items):
    """The longest test (schemathesis) starts first, so that the test workers finish together."""
    items.sort(key=lambda item: item.get_closest_marker("schemathesis") is None)
