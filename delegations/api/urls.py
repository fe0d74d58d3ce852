from . import views

ROUTES = [
    ("functions", views.FunctionViewSet, "function"),
    ("statutory-holdings", views.StatutoryHoldingViewSet, "statutory-holding"),
    ("delegations", views.DelegationViewSet, "delegation"),
    ("reserved-matters", views.ReservedMatterViewSet, "reserved-matter"),
    ("place-lead-arrangements", views.PlaceLeadArrangementViewSet, "place-lead-arrangement"),
    ("tier-assignments", views.TierAssignmentViewSet, "tier-assignment"),
    ("decision-rights", views.DecisionRightsViewSet, "decision-rights"),
    ("sord/imports", views.SordImportViewSet, "sord-import"),
    ("sord", views.SordViewSet, "sord"),
]
