from . import views

ROUTES = [
    ("systems", views.SystemViewSet, "system"),
    ("areas", views.AreaViewSet, "area"),
    ("organisations", views.OrganisationViewSet, "organisation"),
    ("successions", views.SuccessionViewSet, "succession"),
    ("memberships", views.MembershipViewSet, "membership"),
    ("people", views.PersonViewSet, "person"),
    ("posts", views.PostViewSet, "post"),
    ("post-holdings", views.PostHoldingViewSet, "post-holding"),
]
