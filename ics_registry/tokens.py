"""Services for API tokens."""

from django.db import transaction
from django.utils import timezone

from .models import ApiToken


@transaction.atomic
def token_issue(*, user, name: str = "", read_only: bool = False) -> tuple[ApiToken, str]:
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        read_only=read_only,
        prefix=raw[: ApiToken.PREFIX_LENGTH],
        key_hash=ApiToken.hash(raw),
    )
    return token, raw


@transaction.atomic
def token_revoke(*, raw: str | None = None, prefix: str | None = None, username: str | None = None) -> int:
    tokens = ApiToken.objects.active()
    if raw:
        tokens = tokens.filter(key_hash=ApiToken.hash(raw))
    elif prefix:
        tokens = tokens.filter(prefix=prefix)
    elif username:
        tokens = tokens.filter(user__username=username)
    else:
        return 0
    return tokens.update(revoked_at=timezone.now())
