from . import views

ROUTES = [
    ("bodies", views.BodyViewSet, "body"),
    ("body-statuses", views.BodyStatusViewSet, "body-status"),
    ("accountability-relations", views.RelationViewSet, "accountability-relation"),
    ("terms-of-reference", views.TermsOfReferenceViewSet, "terms-of-reference"),
    ("seats", views.SeatViewSet, "seat"),
    ("seat-holdings", views.SeatHoldingViewSet, "seat-holding"),
    ("composition-rules", views.CompositionRuleViewSet, "composition-rule"),
    ("constituency-members", views.ConstituencyMemberViewSet, "constituency-member"),
    ("export", views.ExportViewSet, "export"),
]
