from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("systems/", views.SystemListView.as_view(), name="system_list"),
    path("systems/<int:pk>/", views.SystemDetailView.as_view(), name="system_detail"),
    path("systems/<int:pk>/history/", views.SystemHistoryView.as_view(), name="system_history"),
    path("areas/", views.AreaListView.as_view(), name="area_list"),
    path("areas/<int:pk>/", views.AreaDetailView.as_view(), name="area_detail"),
    path("areas/<int:pk>/edit/", views.AreaEditView.as_view(), name="area_edit"),
    path("areas/<int:pk>/history/", views.AreaHistoryView.as_view(), name="area_history"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/add/", views.OrganisationCreateView.as_view(), name="organisation_add"),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.OrganisationEditView.as_view(), name="organisation_edit"),
    path(
        "organisations/<int:pk>/history/",
        views.OrganisationHistoryView.as_view(),
        name="organisation_history",
    ),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/add/", views.PersonCreateView.as_view(), name="person_add"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", views.PersonEditView.as_view(), name="person_edit"),
    path("people/<int:pk>/history/", views.PersonHistoryView.as_view(), name="person_history"),
    path("posts/add/", views.PostCreateView.as_view(), name="post_add"),
    path("posts/<int:pk>/", views.PostDetailView.as_view(), name="post_detail"),
    path("posts/<int:pk>/edit/", views.PostEditView.as_view(), name="post_edit"),
    path("posts/<int:pk>/history/", views.PostHistoryView.as_view(), name="post_history"),
    path("posts/<int:post_pk>/holders/add/", views.PostHoldingCreateView.as_view(), name="holding_add"),
    path("holdings/<int:pk>/edit/", views.PostHoldingEditView.as_view(), name="holding_edit"),
    path("search/", views.search, name="search"),
]
