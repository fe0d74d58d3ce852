"""One permission mechanism for every view and API route.

Every model users can see has `Model.objects.restrict(user, action)`. Reading the registry is
public. Changing it needs a model permission (staff editors, superusers: everywhere), or an
object permission on an *area* (an area editor: that area, the areas within it, and the records
that belong to them), or an object permission on a *container* (a body's secretary: the records
that belong to that body). Each queryset says how its records belong to areas in
`area_scope_q()`, and to a container in `container_field` (None: containers give no rights).

Anything a user may not act on is simply absent from the queryset, so a view answers 404 for a
forbidden object exactly as for a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Q
from rest_framework.permissions import SAFE_METHODS, BasePermission

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)
AREA_EDITOR_PERMISSION = "organisations.edit_area"
_CACHE_ATTR = "_registry_editable_area_ids"
_CONTAINER_CACHE_ATTR = "_registry_maintained_container_ids"


def has_global_permission(user, model: type[models.Model], action: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def editable_area_ids(user) -> frozenset[int]:
    """Ids of the areas a user may edit through area grants: each granted area and those within it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from django.apps import apps
    from guardian.shortcuts import get_objects_for_user

    area_model = apps.get_model(settings.REGISTRY_SCOPE_MODEL)
    granted = get_objects_for_user(
        user, AREA_EDITOR_PERMISSION, klass=area_model, with_superuser=False, accept_global_perms=False
    ).values("pk")
    ids = frozenset(
        area_model.objects.filter(
            Q(pk__in=granted)
            | Q(parent__in=granted)
            | Q(parent__parent__in=granted)
            # a footprint defined as a set of areas covers those areas too
            | Q(footprint_links__footprint__in=granted)
        ).values_list("pk", flat=True)
    )
    setattr(user, _CACHE_ATTR, ids)
    return ids


def maintained_container_ids(user) -> frozenset[int]:
    """Ids of the containers (bodies) a user maintains through an object permission on each."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, _CONTAINER_CACHE_ATTR, None)
    if cached is not None:
        return cached
    from django.apps import apps
    from guardian.shortcuts import get_objects_for_user

    container_model = apps.get_model(settings.REGISTRY_CONTAINER_MODEL)
    ids = frozenset(
        get_objects_for_user(
            user,
            settings.REGISTRY_CONTAINER_PERMISSION,
            klass=container_model,
            with_superuser=False,
            accept_global_perms=False,
        ).values_list("pk", flat=True)
    )
    setattr(user, _CONTAINER_CACHE_ATTR, ids)
    return ids


def forget_cached_grants(user) -> None:
    for attr in (_CACHE_ATTR, _CONTAINER_CACHE_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def container_field(model: type[models.Model]) -> str | None:
    """How a model's records belong to a container, or None when containers give no rights over it."""
    return getattr(model._default_manager.get_queryset(), "container_field", None)


def can_write_in_areas(
    user,
    model: type[models.Model],
    action: str,
    area_ids: Iterable[int],
    container_ids: Iterable[int] = (),
) -> bool:
    """May this user create (or change) a record of `model` that belongs to all these areas, or
    to these containers?"""
    if has_global_permission(user, model, action):
        return True
    area_ids = set(area_ids)
    scope = editable_area_ids(user)
    if area_ids and scope and area_ids <= scope:
        return True
    container_ids = set(container_ids)
    if container_ids and container_field(model) is not None:
        maintained = maintained_container_ids(user)
        return bool(maintained) and container_ids <= maintained
    return False


def may_write_at_all(user, model: type[models.Model], action: str) -> bool:
    return (
        has_global_permission(user, model, action)
        or bool(editable_area_ids(user))
        or (container_field(model) is not None and bool(maintained_container_ids(user)))
    )


class RestrictedQuerySet(models.QuerySet):
    container_field: str | None = None

    def area_scope_q(self, area_ids: frozenset[int]) -> Q:
        """How a record belongs to an area; records that belong to none are editable by staff only."""
        return Q(pk__in=[])

    def restrict(self, user, action: str = VIEW):
        if action not in ACTIONS:
            raise ValueError(f"Unknown action {action!r}")
        if action == VIEW:
            return self
        if has_global_permission(user, self.model, action):
            return self
        area_ids = editable_area_ids(user)
        container_ids = maintained_container_ids(user) if self.container_field else frozenset()
        if not area_ids and not container_ids:
            return self.none()
        scope = Q(pk__in=[])
        if area_ids:
            scope |= self.area_scope_q(area_ids)
        if container_ids:
            scope |= Q(**{f"{self.container_field}__in": container_ids})
        matching = self.model._base_manager.filter(scope).values("pk")
        return self.filter(pk__in=matching)


class RegistryApiPermission(BasePermission):
    """Reads are open; writes need a signed-in user, a token that is not read-only, and rights
    somewhere. Whether the user may touch a particular record is decided by `restrict()`."""

    message = "You do not have permission to change the registry."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        token = getattr(request, "auth", None)
        if getattr(token, "read_only", False):
            self.message = "This API token is read-only."
            return False
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None:
            return True
        action = {"POST": ADD, "DELETE": DELETE}.get(request.method, CHANGE)
        return may_write_at_all(request.user, model, action)


OUT_OF_SCOPE = "This change would put the record outside the areas you edit."


def still_in_scope(user, model: type[models.Model], pk) -> bool:
    """After a write: may this user still change the record? A write that would move a record
    out of the writer's own areas is refused (and rolled back) by the caller."""
    forget_cached_grants(user)
    return model.objects.restrict(user, CHANGE).filter(pk=pk).exists()
