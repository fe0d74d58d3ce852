from django.urls import path

from . import views

app_name = "delegations"

urlpatterns = [
    path("decide/", views.DecideView.as_view(), name="decide"),
    path("functions/", views.FunctionListView.as_view(), name="function_list"),
    path("functions/<int:pk>/", views.FunctionDetailView.as_view(), name="function_detail"),
    path("functions/<int:pk>/history/", views.FunctionHistoryView.as_view(), name="function_history"),
    path("delegations/", views.DelegationListView.as_view(), name="delegation_list"),
    path("delegations/add/", views.DelegationCreateView.as_view(), name="delegation_add"),
    path(
        "delegations/export.csv", views.DelegationExportView.as_view(fmt="csv"), name="delegation_export_csv"
    ),
    path(
        "delegations/export.xlsx",
        views.DelegationExportView.as_view(fmt="xlsx"),
        name="delegation_export_xlsx",
    ),
    path("delegations/import/", views.SordImportView.as_view(), name="sord_import"),
    path("delegations/imports/<int:pk>/", views.SordImportDetailView.as_view(), name="sord_import_detail"),
    path(
        "delegations/imports/<int:pk>/progress/",
        views.SordImportProgressView.as_view(),
        name="sord_import_progress",
    ),
    path("delegations/<int:pk>/", views.DelegationDetailView.as_view(), name="delegation_detail"),
    path("delegations/<int:pk>/edit/", views.DelegationEditView.as_view(), name="delegation_edit"),
    path("delegations/<int:pk>/revoke/", views.DelegationRevokeView.as_view(), name="delegation_revoke"),
    path("delegations/<int:pk>/history/", views.DelegationHistoryView.as_view(), name="delegation_history"),
    path("systems/<int:system>/functions-map/", views.FunctionsMapView.as_view(), name="functions_map"),
    path("systems/<int:system>/tier-table/", views.TierTableView.as_view(), name="tier_table"),
    path("place-leads/", views.PlaceLeadListView.as_view(), name="place_lead_list"),
    path("place-leads/without/", views.PlaceLeadWithoutView.as_view(), name="place_lead_without"),
    path("place-leads/add/", views.PlaceLeadCreateView.as_view(), name="place_lead_add"),
    path("place-leads/<int:pk>/", views.PlaceLeadDetailView.as_view(), name="place_lead_detail"),
    path("place-leads/<int:pk>/edit/", views.PlaceLeadEditView.as_view(), name="place_lead_edit"),
    path("place-leads/<int:pk>/history/", views.PlaceLeadHistoryView.as_view(), name="place_lead_history"),
    # A place's page, with the delegations applying to it and its place-based lead. Included before
    # the governance and organisations URLs, so this answers at the same path (and
    # reverse("organisations:area_detail") still names it).
    path("areas/<int:pk>/", views.AreaDetailView.as_view(), name="area_detail"),
]
