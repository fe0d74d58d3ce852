from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("bodies/", views.BodyListView.as_view(), name="body_list"),
    path("bodies/add/", views.BodyCreateView.as_view(), name="body_add"),
    path(
        "bodies/terms-of-reference/overdue/",
        views.OverdueTermsOfReferenceView.as_view(),
        name="terms_of_reference_overdue",
    ),
    path("bodies/<int:pk>/", views.BodyDetailView.as_view(), name="body_detail"),
    path("bodies/<int:pk>/edit/", views.BodyEditView.as_view(), name="body_edit"),
    path("bodies/<int:pk>/history/", views.BodyHistoryView.as_view(), name="body_history"),
    path("bodies/<int:body_pk>/statuses/add/", views.BodyStatusCreateView.as_view(), name="status_add"),
    path("statuses/<int:pk>/edit/", views.BodyStatusEditView.as_view(), name="status_edit"),
    path("bodies/<int:body_pk>/relations/add/", views.RelationCreateView.as_view(), name="relation_add"),
    path("relations/<int:pk>/edit/", views.RelationEditView.as_view(), name="relation_edit"),
    path(
        "bodies/<int:body_pk>/terms-of-reference/add/",
        views.TermsOfReferenceCreateView.as_view(),
        name="terms_of_reference_add",
    ),
    path(
        "terms-of-reference/<int:pk>/edit/",
        views.TermsOfReferenceEditView.as_view(),
        name="terms_of_reference_edit",
    ),
    path("bodies/<int:body_pk>/seats/add/", views.SeatCreateView.as_view(), name="seat_add"),
    path("seats/<int:pk>/", views.SeatDetailView.as_view(), name="seat_detail"),
    path("seats/<int:pk>/edit/", views.SeatEditView.as_view(), name="seat_edit"),
    path("seats/<int:pk>/history/", views.SeatHistoryView.as_view(), name="seat_history"),
    path("seats/<int:seat_pk>/holders/add/", views.SeatHoldingCreateView.as_view(), name="seat_holding_add"),
    path("seat-holdings/<int:pk>/edit/", views.SeatHoldingEditView.as_view(), name="seat_holding_edit"),
    path("systems/<int:pk>/governance/", views.SystemGovernanceView.as_view(), name="system_governance"),
    # The organisations app's person and place pages, with the seats a person holds and the bodies
    # covering a place. Included before the organisations URLs, so these answer at the same paths
    # (and reverse("organisations:person_detail") still names them).
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("areas/<int:pk>/", views.AreaDetailView.as_view(), name="area_detail"),
]
