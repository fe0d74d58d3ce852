"""post_delete: removing a post recorded in error."""

import pytest

from organisations.models import Post
from organisations.services import post_delete

from .factories import PostFactory, PostHoldingFactory

pytestmark = pytest.mark.django_db


def test_deletes_a_post_nobody_held(staff_user):
    post = PostFactory()
    pk = post.pk

    post_delete(post, actor=staff_user)

    assert not Post.objects.filter(pk=pk).exists()
    assert Post.pgh_event_models["deleted"].objects.filter(pgh_obj_id=pk, pgh_label="deleted").exists()


def test_a_post_with_holdings_cannot_be_deleted(staff_user, refused):
    post = PostFactory()
    holding = PostHoldingFactory(post=post)

    errors = refused(lambda: post_delete(post, actor=staff_user), post, holding)

    assert errors == {
        "__all__": [
            "This post cannot be deleted while other records refer to it (post holdings). "
            "End its period instead, or remove those records first."
        ]
    }
