"""Management commands of the project: API tokens and the demo administrator."""

import hashlib
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from ics_registry.models import ApiToken
from ics_registry.tokens import token_issue

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_issue_api_token_prints_the_token_once_and_stores_only_its_hash(reader):
    out, err = run("issue_api_token", "--user", "reader", "--name", "Partner system")

    raw = out.strip()
    assert len(raw) >= 40 and "\n" not in raw  # the token and nothing else on stdout
    token = ApiToken.objects.get(user=reader)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert (token.name, token.read_only, token.prefix) == ("Partner system", False, raw[:8])
    assert raw not in err
    assert err.strip() == f"Token {raw[:8]}… issued for reader. It will not be shown again."
    with connection.cursor() as cursor:  # the raw token is nowhere in the table
        cursor.execute(
            "SELECT count(*) FROM ics_registry_apitoken WHERE CAST(ics_registry_apitoken.* AS text) LIKE %s",
            [f"%{raw}%"],
        )
        assert cursor.fetchone()[0] == 0


def test_issue_api_token_read_only(reader):
    out, err = run("issue_api_token", "--user", "reader", "--read-only")

    token = ApiToken.objects.get(key_hash=ApiToken.hash(out.strip()))
    assert token.read_only is True
    assert "(read-only)" in err


def test_issue_api_token_for_an_unknown_user_fails_clearly():
    with pytest.raises(CommandError, match="No user called 'nobody'."):
        run("issue_api_token", "--user", "nobody")
    assert not ApiToken.objects.exists()


def test_each_token_is_new(reader):
    first, _ = run("issue_api_token", "--user", "reader")
    second, _ = run("issue_api_token", "--user", "reader")

    assert first != second
    assert ApiToken.objects.filter(user=reader).count() == 2


def test_revoke_api_token_by_the_token(reader):
    keep, _ = token_issue(user=reader)
    revoke, raw = token_issue(user=reader)

    out, _ = run("revoke_api_token", "--token", raw)

    assert out.strip() == "Revoked 1 token(s)."
    revoke.refresh_from_db(), keep.refresh_from_db()
    assert revoke.revoked_at is not None and keep.revoked_at is None


def test_revoke_api_token_by_prefix(reader):
    token, raw = token_issue(user=reader)

    out, _ = run("revoke_api_token", "--prefix", raw[:8])

    assert out.strip() == "Revoked 1 token(s)."
    assert ApiToken.objects.active().filter(pk=token.pk).count() == 0


def test_revoke_api_token_by_user_revokes_all_theirs_only(reader, staff_user):
    for _ in range(2):
        token_issue(user=reader)
    others, _ = token_issue(user=staff_user)

    out, _ = run("revoke_api_token", "--user", "reader")

    assert out.strip() == "Revoked 2 token(s)."
    assert not ApiToken.objects.active().filter(user=reader).exists()
    assert ApiToken.objects.active().filter(pk=others.pk).exists()


def test_revoking_twice_or_an_unknown_token_fails_clearly(reader):
    _, raw = token_issue(user=reader)
    run("revoke_api_token", "--token", raw)

    with pytest.raises(CommandError, match="No active token matched."):
        run("revoke_api_token", "--token", raw)
    with pytest.raises(CommandError, match="No active token matched."):
        run("revoke_api_token", "--prefix", "zzzzzzzz")


def test_revoke_api_token_needs_exactly_one_way_to_choose():
    with pytest.raises(CommandError):
        run("revoke_api_token")
    with pytest.raises(CommandError):
        run("revoke_api_token", "--user", "a", "--prefix", "b")


def test_ensure_demo_admin_creates_the_admin_once_and_prints_the_password_once(settings):
    settings.DEMO_ADMIN_USERNAME, settings.DEMO_ADMIN_PASSWORD = "demo-admin", ""

    first, _ = run("ensure_demo_admin")
    second, _ = run("ensure_demo_admin")

    prefix = "Created administrator 'demo-admin' with password "
    assert first.startswith(prefix)
    password = first.strip()[len(prefix) :]
    assert len(password) >= 12
    admin = get_user_model().objects.get(username="demo-admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password(password)
    assert password not in second
    assert second.strip() == "Administrator 'demo-admin' exists (password as printed when it was created)."
    assert get_user_model().objects.filter(username="demo-admin").count() == 1


def test_ensure_demo_admin_with_a_given_password_does_not_print_it(settings):
    settings.DEMO_ADMIN_USERNAME, settings.DEMO_ADMIN_PASSWORD = "demo-admin", "a-chosen-password-123"

    out, _ = run("ensure_demo_admin")

    assert "a-chosen-password-123" not in out
    assert "(from DEMO_ADMIN_PASSWORD)" in out
    assert get_user_model().objects.get(username="demo-admin").check_password("a-chosen-password-123")


def test_a_token_never_starts_with_a_dash_so_it_can_be_revoked_as_printed(reader):
    """token_urlsafe() may start with "-", which a command line would read as an option."""
    dash_first = ["-" + "a" * 42, "B" * 43]
    with mock.patch("ics_registry.models.secrets.token_urlsafe", side_effect=dash_first):
        out, _ = run("issue_api_token", "--user", "reader")

    raw = out.strip()
    assert raw == "B" * 43
    assert run("revoke_api_token", "--prefix", raw[:8])[0].strip() == "Revoked 1 token(s)."


def test_grant_body_secretary_gives_one_body_and_revoke_takes_it_away(reader):
    from governance.models import Body, Seat

    board = Body.objects.get(name="Cheshire and Merseyside Partnership Board")
    assembly = Body.objects.get(name__icontains="Partnership Assembly", system__short_name="C&M")
    out = StringIO()
    call_command("grant_body_secretary", "reader", board.name, stdout=out)
    assert "reader is now secretary of Cheshire and Merseyside Partnership Board" in out.getvalue()

    maintained = Seat.objects.restrict(reader, "change")
    assert maintained.exists()
    assert set(maintained.values_list("body", flat=True)) == {board.pk}
    assert not Seat.objects.filter(body=assembly).restrict(reader, "change").exists()

    call_command("grant_body_secretary", "reader", str(board.pk), "--revoke", stdout=out)
    fresh = get_user_model().objects.get(pk=reader.pk)  # as on the reader's next request
    assert not Seat.objects.restrict(fresh, "change").exists()


def test_grant_body_secretary_refuses_unknown_users_and_bodies_clearly(reader):
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        call_command("grant_body_secretary", "nobody", "1")
    with pytest.raises(CommandError, match="No body matches 'No such board'"):
        call_command("grant_body_secretary", "reader", "No such board")
