"""Pages of governance: bodies, their status, seats and holders, accountability drawn as a diagram
with a table beside it, terms of reference — as at the chosen date — and the forms that change them."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import F, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from ics_registry.permissions import ADD, CHANGE, can_write_in_areas, may_write_at_all
from ics_registry.views import (
    HistoryView,
    RegistryDetailView,
    RegistryListView,
    RestrictedMixin,
    ServiceFormView,
    annotate_sources,
)
from organisations import selectors as organisation_selectors
from organisations import views as organisation_views
from organisations.choices import Tier
from organisations.models import Area, Organisation, System

from . import selectors, services
from .choices import HoldingRole, Status
from .filtersets import BodyFilterSet
from .forms import (
    BodyForm,
    BodyStatusForm,
    RelationForm,
    SeatForm,
    SeatHoldingForm,
    TermsOfReferenceForm,
)
from .models import (
    AccountabilityRelation,
    Body,
    BodyStatus,
    ConstituencyMember,
    Seat,
    SeatHolding,
    TermsOfReference,
)

NAV = {"nav_section": "bodies"}


def body_rights(user, body: Body) -> dict[str, dict[str, bool]]:
    """What a user may add to a body, and change of its records, as {"seat": {"add": .., "change": ..}, ..}.
    The body's secretary maintains its statuses, seats, holders and terms of reference; an editor of
    all the body's areas, or staff, may also record its relations."""
    area_ids = [area.pk for area in body.areas.all()]
    models = {
        "status": BodyStatus,
        "seat": Seat,
        "holding": SeatHolding,
        "terms": TermsOfReference,
        "relation": AccountabilityRelation,
    }
    return {
        key: {
            action: can_write_in_areas(user, model, action, area_ids, container_ids=[body.pk])
            for action in (ADD, CHANGE)
        }
        for key, model in models.items()
    }


def relation_rows(edges: list[dict], names: dict[int, str], user) -> list[dict]:
    """The table beside a diagram: one row for each line drawn, with its sources, and whether the
    user may change it."""
    ids = [e["id"] for e in edges]
    sources = dict(AccountabilityRelation.objects.filter(pk__in=ids).values_list("pk", "sources"))
    editable = set()
    if ids and user.is_authenticated:
        editable = set(
            AccountabilityRelation.objects.filter(pk__in=ids)
            .restrict(user, CHANGE)
            .values_list("pk", flat=True)
        )
    return [
        {
            **edge,
            "from_name": names.get(edge["from"], ""),
            "to_name": names.get(edge["to"], ""),
            "sources": annotate_sources(sources.get(edge["id"])),
            "editable": edge["id"] in editable,
        }
        for edge in edges
    ]


# --- Bodies --------------------------------------------------------------------------------


class BodyListView(RegistryListView):
    model = Body
    filterset_class = BodyFilterSet
    template_name = "governance/body_list.html"

    def base_queryset(self):
        return selectors.body_list(self.request.as_at)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for body in context["object_list"]:
            body.status_label = _status_label(body.status_on)
        context.update(NAV)
        return context


def _status_label(value: str | None) -> str:
    return Status(value).label if value else "Not recorded"


class BodyDetailView(RegistryDetailView):
    model = Body
    template_name = "governance/body_detail.html"

    def base_queryset(self):
        return Body.objects.select_related("system").prefetch_related(
            Prefetch("areas", queryset=Area.objects.order_by("name")),
            Prefetch("hosts", queryset=Organisation.objects.order_by("name")),
        )

    def depth(self) -> int:
        return 2 if self.request.GET.get("depth") == "2" else 1

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        body, on, user = self.object, self.request.as_at, self.request.user
        statuses = list(body.statuses.order_by(F("start_date").asc(nulls_first=True)))
        for status in statuses:
            status.sources_shown = annotate_sources(status.sources)
        current = next((s for s in statuses if s.in_force_on(on)), None)
        post_ids = [pk for pk in (body.chair_post_id, body.vice_chair_post_id) if pk]
        posts = (
            {p.pk: p for p in organisation_selectors.post_list(on).filter(pk__in=post_ids)}
            if post_ids
            else {}
        )
        graph = selectors.body_graph(body, on=on, depth=self.depth())
        names = {node["id"]: node["name"] for node in graph.nodes}
        relations = relation_rows(graph.edges, names, user)
        terms = list(body.terms_of_reference.select_related("approved_by").order_by("-approved_on", "-id"))
        current_terms = _current_terms(terms, on)
        context.update(
            NAV,
            statuses=statuses,
            status_now=current,
            chair=posts.get(body.chair_post_id),
            vice_chair=posts.get(body.vice_chair_post_id),
            seat_rows=selectors.seat_rows(body, on),
            breaches=selectors.composition_breaches(body, on),
            depth=self.depth(),
            diagram=draw(
                graph,
                title=f"Accountability of {body.name} on {on:%-d %B %Y}",
                id_prefix=f"body-{body.pk}-graph",
                system_name=body.system.name,
            ),
            relations=relations,
            relations_editable=any(r["editable"] for r in relations),
            terms=terms,
            current_terms=current_terms,
            terms_overdue=bool(current_terms and current_terms.review_due and current_terms.review_due < on),
            constituency=list(
                ConstituencyMember.objects.filter(body=body)
                .as_at(on)
                .select_related("organisation", "decided_by")
                .order_by("organisation__name", "label")
            ),
            rights=body_rights(user, body),
        )
        return context


def _current_terms(terms: list[TermsOfReference], on: dt.date) -> TermsOfReference | None:
    """The latest version approved on or before the date."""
    approved = [t for t in terms if t.approved_on and t.approved_on <= on]
    return max(approved, key=lambda t: (t.approved_on, t.pk), default=None)


class BodyHistoryView(HistoryView):
    model = Body


class BodyFormMixin:
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(NAV)
        return context


class BodyCreateView(BodyFormMixin, ServiceFormView):
    model = Body
    form_class = BodyForm
    action = ADD
    title = "Add a body"

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("system", "").isdigit():
            initial["system"] = self.request.GET["system"]
        return initial

    def call_service(self, form):
        return services.body_create(actor=self.request.user, **form.changes())


class BodyEditView(BodyFormMixin, ServiceFormView):
    model = Body
    form_class = BodyForm

    def call_service(self, form):
        return services.body_update(self.object, actor=self.request.user, **form.changes())


# --- Records that belong to a body ---------------------------------------------------------


class BodyRecordFormView(ServiceFormView):
    """A form for a record that belongs to a body: its page names the body, and Cancel goes back
    to it. A body the user may not maintain is a 404, exactly like one that does not exist."""

    template_name = "governance/form_page.html"

    def body_of(self):
        return self.object.body

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(NAV, body=self.body_of(), back_url=self.back_url())
        return context

    def back_url(self):
        return self.body_of().get_absolute_url()


class BodyRecordCreateView(BodyRecordFormView):
    action = ADD
    verb = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.body = get_object_or_404(Body.objects.select_related("system"), pk=kwargs["body_pk"])
            if not can_write_in_areas(
                request.user, self.model, ADD, self.body.areas.values_list("pk", flat=True), [self.body.pk]
            ):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def body_of(self):
        return self.body

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"{self.verb} for {self.body.name}"
        return context


class BodyStatusCreateView(BodyRecordCreateView):
    model = BodyStatus
    form_class = BodyStatusForm
    verb = "Record a status"

    def back_url(self):
        return self.body.get_absolute_url() + "#status"

    def call_service(self, form):
        return services.body_status_create(body=self.body, actor=self.request.user, **form.changes())


class BodyStatusEditView(BodyRecordFormView):
    model = BodyStatus
    form_class = BodyStatusForm

    def base_queryset(self):
        return BodyStatus.objects.select_related("body")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = (
            f"Edit the {self.object.get_status_display().lower()} status of {self.object.body.name}"
        )
        return context

    def call_service(self, form):
        return services.body_status_update(self.object, actor=self.request.user, **form.changes())


class RelationCreateView(BodyRecordCreateView):
    model = AccountabilityRelation
    form_class = RelationForm
    verb = "Record how a body stands to another"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["from_body"] = self.body
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"Record how {self.body.name} stands to another body"
        return context

    def back_url(self):
        return self.body.get_absolute_url() + "#accountability"

    def call_service(self, form):
        return services.relation_create(from_body=self.body, actor=self.request.user, **form.changes())


class RelationEditView(BodyRecordFormView):
    model = AccountabilityRelation
    form_class = RelationForm

    def base_queryset(self):
        return AccountabilityRelation.objects.select_related("from_body", "to_body")

    def body_of(self):
        return self.object.from_body

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"Edit: {self.object}"
        return context

    def call_service(self, form):
        return services.relation_update(self.object, actor=self.request.user, **form.changes())


class TermsOfReferenceCreateView(BodyRecordCreateView):
    model = TermsOfReference
    form_class = TermsOfReferenceForm
    verb = "Add a version of the terms of reference"

    def back_url(self):
        return self.body.get_absolute_url() + "#terms-of-reference"

    def call_service(self, form):
        return services.terms_of_reference_create(body=self.body, actor=self.request.user, **form.changes())


class TermsOfReferenceEditView(BodyRecordFormView):
    model = TermsOfReference
    form_class = TermsOfReferenceForm

    def base_queryset(self):
        return TermsOfReference.objects.select_related("body")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"Edit terms of reference {self.object.version} of {self.object.body.name}"
        return context

    def call_service(self, form):
        return services.terms_of_reference_update(self.object, actor=self.request.user, **form.changes())


class SeatCreateView(BodyRecordCreateView):
    model = Seat
    form_class = SeatForm
    verb = "Add a seat"

    def back_url(self):
        return self.body.get_absolute_url() + "#seats"

    def call_service(self, form):
        return services.seat_create(body=self.body, actor=self.request.user, **form.changes())


class SeatEditView(BodyRecordFormView):
    model = Seat
    form_class = SeatForm

    def base_queryset(self):
        return Seat.objects.select_related("body")

    def back_url(self):
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"Edit the seat {self.object.label} on {self.object.body.name}"
        return context

    def call_service(self, form):
        return services.seat_update(self.object, actor=self.request.user, **form.changes())


class HoldingWarningsMixin:
    """A holding is saved even when the body's composition rules are broken: say so after saving."""

    warnings: list[str] = []

    def form_valid(self, form):
        self.warnings = []
        response = super().form_valid(form)
        if response.status_code == 302:
            for warning in self.warnings:
                messages.warning(self.request, warning)
        return response

    def saved(self, result):
        self.warnings = list(result.warnings)
        return result.holding


class SeatHoldingCreateView(HoldingWarningsMixin, BodyRecordFormView):
    model = SeatHolding
    form_class = SeatHoldingForm
    action = ADD

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.seat = get_object_or_404(Seat.objects.select_related("body"), pk=kwargs["seat_pk"])
            area_ids = self.seat.body.areas.values_list("pk", flat=True)
            if not can_write_in_areas(request.user, SeatHolding, ADD, area_ids, [self.seat.body_id]):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def body_of(self):
        return self.seat.body

    def back_url(self):
        return self.seat.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"Record a holder of the seat {self.seat.label}"
        context["seat"] = self.seat
        return context

    def call_service(self, form):
        return self.saved(
            services.seat_holding_create(seat=self.seat, actor=self.request.user, **form.changes())
        )


class SeatHoldingEditView(HoldingWarningsMixin, BodyRecordFormView):
    model = SeatHolding
    form_class = SeatHoldingForm

    def base_queryset(self):
        return SeatHolding.objects.select_related("seat__body", "person")

    def body_of(self):
        return self.object.seat.body

    def back_url(self):
        return self.object.seat.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"Edit {self.object.person.name}'s holding of the seat {self.object.seat.label}"
        context["seat"] = self.object.seat
        return context

    def call_service(self, form):
        return self.saved(
            services.seat_holding_update(self.object, actor=self.request.user, **form.changes())
        )


# --- Seats ---------------------------------------------------------------------------------


class SeatDetailView(RegistryDetailView):
    model = Seat
    template_name = "governance/seat_detail.html"

    def base_queryset(self):
        return Seat.objects.select_related("body", "represents_organisation").prefetch_related("body__areas")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        seat, on = self.object, self.request.as_at
        holdings = sorted(
            seat.holdings.select_related("person", "organisation"),
            key=lambda h: (
                h.position,
                h.role != HoldingRole.PRINCIPAL,
                -(h.start_date or dt.date.min).toordinal(),
            ),
        )
        current = [h for h in holdings if h.in_force_on(on)]
        members = [h for h in current if h.role == HoldingRole.PRINCIPAL]
        rights = body_rights(self.request.user, seat.body)
        context.update(
            NAV,
            holdings=holdings,
            members_on_date=members,
            deputies_on_date=[h for h in current if h.role != HoldingRole.PRINCIPAL],
            vacancies=max(seat.capacity - len({h.position for h in members}), 0)
            if context["in_force"]
            else 0,
            may_add_holding=rights["holding"]["add"],
            may_edit_holdings=rights["holding"]["change"],
            may_edit_seat=rights["seat"]["change"],
        )
        return context


class SeatHistoryView(HistoryView):
    model = Seat


# --- Systems -------------------------------------------------------------------------------

TIER_HEADINGS = {
    Tier.SYSTEM: "System-wide bodies",
    Tier.LOCALITY: "Bodies of places",
    Tier.NEIGHBOURHOOD: "Bodies of neighbourhoods",
}


class SystemGovernanceView(RestrictedMixin, DetailView):
    """A system's governance as at the date: every body that existed, how they stand to one another
    (drawn, and in a table), grouped by tier and, below the system, by place."""

    model = System
    template_name = "governance/system_governance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        system, on = self.object, self.request.as_at
        graph = selectors.system_graph(system, on=on)
        names = {node["id"]: node["name"] for node in graph.nodes}
        relations = relation_rows(graph.edges, names, self.request.user)
        areas: dict[int, list[Area]] = {}
        links = Body.areas.through.objects.filter(body_id__in=names).select_related("area")
        for link in links.order_by("area__name", "area_id"):
            areas.setdefault(link.body_id, []).append(link.area)
        tiers, groups = [], []
        for tier in Tier:
            nodes = [
                {**n, "areas": areas.get(n["id"], []), "place": _place_name(areas.get(n["id"], []), tier)}
                for n in graph.nodes
                if n["tier"] == tier
            ]
            if not nodes:
                continue
            nodes.sort(key=lambda n: (n["place"], n["name"]))
            tiers.append({"tier": tier, "heading": TIER_HEADINGS[tier], "bodies": nodes})
            for place in dict.fromkeys(n["place"] for n in nodes):
                heading = TIER_HEADINGS[tier] if tier == Tier.SYSTEM else place
                groups.append((heading, [n["id"] for n in nodes if n["place"] == place]))
        context.update(
            NAV,
            tiers=tiers,
            body_count=len(graph.nodes),
            diagram=draw(
                graph,
                title=f"Governance of {system.name} on {on:%-d %B %Y}",
                groups=groups,
                id_prefix=f"system-{system.pk}-graph",
                system_name=system.name,
            ),
            relations=relations,
            relations_editable=any(r["editable"] for r in relations),
            may_add_body=may_add_body(self.request.user),
        )
        return context


def _place_name(areas: list[Area], tier: str) -> str:
    if tier == Tier.SYSTEM:
        return ""
    return ", ".join(a.name for a in areas) or "Area not recorded"


def may_add_body(user) -> bool:
    return may_write_at_all(user, Body, ADD)


# --- Terms of reference --------------------------------------------------------------------


class OverdueTermsOfReferenceView(RestrictedMixin, ListView):
    """Bodies whose current terms of reference were due for review by the as-at date."""

    model = TermsOfReference
    template_name = "governance/terms_of_reference_overdue.html"
    paginate_by = 50

    def base_queryset(self):
        return selectors.overdue_terms_of_reference(self.request.as_at).select_related("approved_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(NAV)
        context["result_count"] = context["paginator"].count
        return context


# --- Pages of the organisations app, with what governance adds to them ---------------------


class PersonDetailView(organisation_views.PersonDetailView):
    """A person's page, with the seats they hold and held."""

    template_name = "governance/person_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["seat_holdings"] = list(selectors.person_seats(self.object))
        return context


class AreaDetailView(organisation_views.AreaDetailView):
    """A place's page, with the bodies covering it on the as-at date."""

    template_name = "governance/area_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        on = self.request.as_at
        bodies = list(
            Body.objects.as_at(on)
            .with_status(on)
            .filter(pk__in=Body.areas.through.objects.filter(area=self.object).values("body"))
            .order_by("name")
        )
        for body in bodies:
            body.status_label = _status_label(body.status_on)
        context["bodies"] = bodies
        return context


# --- Drawing -------------------------------------------------------------------------------
#
# selectors.layout places one connected set of bodies in layers (those that answer to others
# below). Here each connected set is laid out on its own and the sets are packed into groups
# (the system's own bodies, then each place's), so that unlinked bodies do not stretch a layer
# across the page. Lines go from box edge to box edge; lines between the same two boxes are
# drawn side by side, lines that would cross another box bend around it, and each label is put
# where it overlaps no box and no other label.

BOX_W, BOX_H, GAP_X, GAP_Y = 190, 76, 36, 110
MAX_ROW_WIDTH = 900
GROUP_GAP, HEADING_H, MARGIN = 40, 30, 16
NAME_PX, META_PX, LABEL_PX = 14, 12, 12
EM = 0.56  # average glyph width, in ems, of the page's sans-serif font
PORT_GAP = 30
UPWARD = {"accountable_to", "reports_to", "sub_committee_of"}


def _wrap(text: str, px: int, width: float, max_lines: int) -> list[str]:
    limit = max(int(width / (px * EM)), 4)
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if len(candidate) <= limit:
            line = candidate
        else:
            if line:
                lines.append(line)
            line = word
    if line:
        lines.append(line)
    lines = [ln if len(ln) <= limit else ln[: limit - 1] + "…" for ln in lines]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: limit - 1].rstrip() + "…"
    return lines


def _components(nodes: list[dict], edges: list[dict]) -> list[list[dict]]:
    parent = {n["id"]: n["id"] for n in nodes}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for e in edges:
        if e["from"] in parent and e["to"] in parent:
            parent[find(e["from"])] = find(e["to"])
    groups: dict[int, list[dict]] = {}
    for n in nodes:
        groups.setdefault(find(n["id"]), []).append(n)
    return list(groups.values())


def _place_component(nodes, edges, centre):
    """Positions of one connected set, from (0, 0), and its size."""
    ids = {n["id"] for n in nodes}
    sub = selectors.Graph(nodes, [e for e in edges if e["from"] in ids and e["to"] in ids], centre=centre)
    laid = selectors.layout(sub, box_width=BOX_W, box_height=BOX_H, gap_x=GAP_X, gap_y=GAP_Y)
    # A relation drawn sideways (between boxes of one row) needs room for its label between them.
    row_of = {b["id"]: b["y"] for b in laid["boxes"]}
    sideways = [_label_width(e["label"]) for e in sub.edges if row_of[e["from"]] == row_of[e["to"]]]
    if sideways:
        gap_x = max(GAP_X, max(sideways) + 40)
        laid = selectors.layout(sub, box_width=BOX_W, box_height=BOX_H, gap_x=gap_x, gap_y=GAP_Y)
    x0 = min(b["x"] for b in laid["boxes"])
    y0 = min(b["y"] for b in laid["boxes"])
    positions = {b["id"]: (b["x"] - x0, b["y"] - y0) for b in laid["boxes"]}
    width = max(x for x, _ in positions.values()) + BOX_W
    height = max(y for _, y in positions.values()) + BOX_H
    return positions, width, height


def _pack_group(nodes, edges, centre):
    """Connected sets side by side (wrapping), then the unlinked bodies in a grid below them."""
    linked, single = [], []
    for component in _components(nodes, edges):
        (linked if len(component) > 1 else single).append(component)
    linked.sort(key=len, reverse=True)
    blocks = [_place_component(c, edges, centre) for c in linked]
    per_row = max(1, (MAX_ROW_WIDTH + GAP_X) // (BOX_W + GAP_X))
    singles = [c[0] for c in single]
    for start in range(0, len(singles), per_row):
        row = singles[start : start + per_row]
        blocks.append(
            (
                {n["id"]: (i * (BOX_W + GAP_X), 0) for i, n in enumerate(row)},
                len(row) * (BOX_W + GAP_X) - GAP_X,
                BOX_H,
            )
        )
    positions, x, y, row_h, width = {}, 0, 0, 0, 0
    for block, w, h in blocks:
        if x and x + w > MAX_ROW_WIDTH:
            x, y, row_h = 0, y + row_h + GAP_Y * 0.6, 0
        for pk, (bx, by) in block.items():
            positions[pk] = (x + bx, y + by)
        width, row_h, x = max(width, x + w), max(row_h, h), x + w + GAP_X * 2
    return positions, width, y + row_h


def _label_width(label: str) -> float:
    return len(label) * LABEL_PX * EM + 10


def _inside(px, py, rect, pad=0.0):
    x, y, w, h = rect
    return x - pad <= px <= x + w + pad and y - pad <= py <= y + h + pad


def _overlap(a, b) -> float:
    dx = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    dy = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return dx * dy if dx > 0 and dy > 0 else 0.0


def _bezier(p0, c, p2, t):
    u = 1 - t
    return (
        u * u * p0[0] + 2 * u * t * c[0] + t * t * p2[0],
        u * u * p0[1] + 2 * u * t * c[1] + t * t * p2[1],
    )


def _route(p0, p2, obstacles):
    """A control point for the line from p0 to p2 that keeps it clear of the obstacles."""
    mx, my = (p0[0] + p2[0]) / 2, (p0[1] + p2[1]) / 2
    dx, dy = p2[0] - p0[0], p2[1] - p0[1]
    length = max((dx * dx + dy * dy) ** 0.5, 1)
    nx, ny = -dy / length, dx / length
    for bend in (0, 60, -60, 120, -120, 180, -180, 250, -250, 340, -340):
        c = (mx + nx * bend * 2, my + ny * bend * 2)
        samples = [_bezier(p0, c, p2, i / 30) for i in range(2, 29)]
        if not any(_inside(x, y, r, 6) for x, y in samples for r in obstacles):
            return c
    return (mx, my)


def _sides(a, b):
    """Which sides of boxes a and b a line between them leaves and enters by."""
    if abs(b[1] - a[1]) >= BOX_H:
        return ("bottom", "top") if b[1] > a[1] else ("top", "bottom")
    return ("right", "left") if b[0] > a[0] else ("left", "right")


def _ports(edges, positions) -> dict[tuple[int, str], tuple[float, float]]:
    """Where each line meets each of its boxes: the lines meeting one side of a box are spread
    along it in the order of the boxes at their other ends, so that they do not cross or merge.
    Lines between the same two boxes keep the same order at both ends, and so run side by side."""
    at: dict[tuple[int, str], list[tuple]] = {}
    for rank, edge in edges:
        a, b = positions[edge["from"]], positions[edge["to"]]
        side_a, side_b = _sides(a, b)
        for pk, side, other in ((edge["from"], side_a, b), (edge["to"], side_b, a)):
            key = other[0] if side in ("top", "bottom") else other[1]
            at.setdefault((pk, side), []).append((key, rank, edge["id"], edge["from"] == pk))
    ports = {}
    for (pk, side), items in at.items():
        items.sort()
        x, y = positions[pk]
        length = BOX_W if side in ("top", "bottom") else BOX_H
        gap = min(PORT_GAP, (length - 24) / max(len(items) - 1, 1))
        for i, (_, _, edge_id, is_from) in enumerate(items):
            offset = (i - (len(items) - 1) / 2) * gap
            point = {
                "top": (x + BOX_W / 2 + offset, y),
                "bottom": (x + BOX_W / 2 + offset, y + BOX_H),
                "left": (x, y + BOX_H / 2 + offset),
                "right": (x + BOX_W, y + BOX_H / 2 + offset),
            }[side]
            ports[(edge_id, "from" if is_from else "to")] = point
    return ports


def _box_text(node, prefix: str) -> str:
    name = node["short_name"]
    # Without a short name, the system's name in front of every body's adds nothing to a drawing
    # of that system.
    if name == node["name"] and prefix and name.lower().startswith(prefix.lower() + " "):
        name = name[len(prefix) + 1 :]
        name = name[:1].upper() + name[1:]
    return name


def draw(
    graph,
    *,
    title: str,
    groups: list[tuple[str, list[int]]] | None = None,
    id_prefix: str = "graph",
    system_name: str = "",
) -> dict:
    """Everything a template needs to draw the graph as an SVG: boxes with their text wrapped,
    lines as paths with their labels, the size of the drawing, and its title and description."""
    by_id = {n["id"]: n for n in graph.nodes}
    groups = groups or [("", list(by_id))]
    positions: dict[int, tuple[float, float]] = {}
    headings, bands = [], []
    y = MARGIN
    placed_groups = []
    for heading, ids in groups:
        nodes = [by_id[i] for i in ids if i in by_id]
        if not nodes:
            continue
        pos, w, h = _pack_group(nodes, graph.edges, graph.centre)
        placed_groups.append((heading, pos, w, h))
    width = max((w for _, _, w, _ in placed_groups), default=BOX_W) + 2 * MARGIN
    for heading, pos, w, h in placed_groups:
        top = y
        if heading:
            headings.append({"x": MARGIN, "y": y + 18, "text": heading})
            y += HEADING_H
        x0 = (width - w) / 2
        for pk, (px, py) in pos.items():
            positions[pk] = (x0 + px, y + py)
        bands.append({"x": MARGIN / 2, "y": top - 6, "width": width - MARGIN, "height": y + h - top + 12})
        y += h + GROUP_GAP
    height = y - GROUP_GAP + MARGIN

    rects = {pk: (x, y, BOX_W, BOX_H) for pk, (x, y) in positions.items()}
    boxes = []
    for node in graph.nodes:
        if node["id"] not in positions:
            continue
        x, y = positions[node["id"]]
        lines = _wrap(_box_text(node, system_name), NAME_PX, BOX_W - 16, 3)
        text_h = len(lines) * (NAME_PX + 3) + META_PX + 3
        top = y + (BOX_H - text_h) / 2
        texts = [
            {"x": x + BOX_W / 2, "y": top + (i + 1) * (NAME_PX + 3) - 3, "text": line, "kind": "name"}
            for i, line in enumerate(lines)
        ]
        texts.append(
            {"x": x + BOX_W / 2, "y": top + text_h - 2, "text": node["status_label"], "kind": "meta"}
        )
        boxes.append(
            {
                **node,
                "x": x,
                "y": y,
                "texts": texts,
                "centre": node["id"] == graph.centre,
                "tentative": node["status"] in (Status.PROPOSED, Status.SHADOW, None),
            }
        )

    pairs: dict[frozenset, list[dict]] = {}
    for edge in graph.edges:
        if edge["from"] in positions and edge["to"] in positions:
            pairs.setdefault(frozenset((edge["from"], edge["to"])), []).append(edge)
    ranked = []
    for pair_edges in pairs.values():
        pair_edges.sort(key=lambda e: (e["from"] != min(e["from"], e["to"]), e["kind"], e["id"]))
        ranked += list(enumerate(pair_edges))
    ports = _ports(ranked, positions)
    placed_labels: list[tuple] = []
    lines = []
    for _, edge in ranked:
        p0, p2 = ports[(edge["id"], "from")], ports[(edge["id"], "to")]
        obstacles = [r for pk, r in rects.items() if pk not in (edge["from"], edge["to"])]
        c = _route(p0, p2, obstacles)
        straight = c == ((p0[0] + p2[0]) / 2, (p0[1] + p2[1]) / 2)
        path = (
            f"M {p0[0]:.1f} {p0[1]:.1f} L {p2[0]:.1f} {p2[1]:.1f}"
            if straight
            else f"M {p0[0]:.1f} {p0[1]:.1f} Q {c[0]:.1f} {c[1]:.1f} {p2[0]:.1f} {p2[1]:.1f}"
        )
        label_w = _label_width(edge["label"])
        label_h = LABEL_PX + 8
        best, best_cost = None, None
        for t in (0.5, 0.35, 0.65, 0.25, 0.75, 0.42, 0.58, 0.18, 0.82):
            lx, ly = _bezier(p0, c, p2, t)
            rect = (lx - label_w / 2, ly - label_h / 2, label_w, label_h)
            cost = sum(_overlap(rect, r) for r in rects.values()) * 4 + sum(
                _overlap(rect, (o[0] - 3, o[1] - 3, o[2] + 6, o[3] + 6)) for o in placed_labels
            )
            if best_cost is None or cost < best_cost:
                best, best_cost = rect, cost
            if cost == 0:
                break
        placed_labels.append(best)
        lines.append(
            {
                **edge,
                "path": path,
                "upward": edge["kind"] in UPWARD,
                "label_box": {"x": best[0], "y": best[1], "width": best[2], "height": best[3]},
                "label_x": best[0] + best[2] / 2,
                "label_y": best[1] + best[3] / 2 + LABEL_PX * 0.35,
            }
        )

    # Bent lines and labels may reach past the boxes: grow the drawing to hold them.
    xs = [0.0, width] + [r[0] for r in placed_labels] + [r[0] + r[2] for r in placed_labels]
    ys = [0.0, height] + [r[1] for r in placed_labels] + [r[1] + r[3] for r in placed_labels]
    min_x, min_y = min(xs) - 4, min(ys) - 4
    view_w, view_h = max(xs) + 4 - min_x, max(ys) + 4 - min_y
    return {
        "id": id_prefix,
        "title": title,
        "description": (
            f"{len(boxes)} bodies and {len(lines)} relations between them. "
            "Each arrow points from a body to the body it stands in that relation to. "
            "The table after the drawing gives the same relations."
        ),
        "view_box": f"{min_x:.0f} {min_y:.0f} {view_w:.0f} {view_h:.0f}",
        "width": round(view_w),
        "height": round(view_h),
        "box_width": BOX_W,
        "box_height": BOX_H,
        "boxes": boxes,
        "lines": lines,
        "headings": headings,
        "bands": bands if len(headings) else [],
    }
