"""Pages of delegations: who can decide a function for a place on a date (a chain drawn from data
with a table beside it), the function catalogue, delegations and their chains, a system's functions
and decisions map and tier table, the place-based lead register, and importing a scheme of
delegation — with the forms that change them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, FormView, TemplateView, View

from governance.views import AreaDetailView as GovernanceAreaDetailView
from ics_registry.as_at import today
from ics_registry.permissions import ADD, may_write_at_all
from ics_registry.views import (
    HistoryView,
    RegistryDetailView,
    RegistryListView,
    RestrictedMixin,
    ServiceFormView,
    add_service_errors,
    annotate_sources,
)
from organisations.models import System
from organisations.selectors import holdings_on

from . import selectors, services
from .choices import DelegationStatus, ImportState, PlaceLeadModel, PlaceLeadRole, SpatialLevel
from .filtersets import DelegationFilterSet
from .forms import (
    DecideForm,
    DelegationForm,
    MapDateForm,
    PlaceLeadArrangementForm,
    RegisterFilterForm,
    RevokeForm,
    SordImportForm,
)
from .models import (
    Delegation,
    DelegationFunction,
    Function,
    PlaceLeadArrangement,
    PlaceLeadPost,
    ReservedMatter,
    SordImport,
    StatutoryHolding,
)

KIND_LABELS = {"organisation": "Organisation", "body": "Body", "post": "Post"}
PARTY_FIELDS = (
    "delegator_organisation",
    "delegator_body",
    "delegator_post",
    "delegate_organisation",
    "delegate_body",
    "delegate_post",
)


def money(amount: Decimal | None) -> str:
    return "" if amount is None else f"£{amount:,.2f}"


def short_date(day: dt.date | None) -> str:
    return day.strftime("%-d %b %Y") if day else ""


def period_text(start: dt.date | None, end: dt.date | None) -> str:
    begins = short_date(start) if start else "Start not recorded"
    return f"{begins} – {short_date(end) if end else 'present'}"


# --- Drawing a chain of authority -----------------------------------------------------------
#
# A chain is drawn top to bottom: the statutory holder in the first box, each delegate in the box
# below its delegator, and on each arrow the legal vehicle and the limit that link sets.

BOX_W, BOX_H, GAP_Y, MARGIN = 320, 62, 92, 12
NAME_PX, META_PX, LABEL_PX = 14, 12, 12
EM = 0.56  # average glyph width, in ems, of the page's sans-serif font


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
            line = word[:limit]
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: limit - 1].rstrip() + "…"
    return lines


def draw_chain(boxes: list[dict], arrows: list[list[str]], *, title: str, id_prefix: str) -> dict:
    """What a template needs to draw a chain as an SVG. boxes: [{name, meta, kind}], top first;
    arrows: the label lines of the arrow from each box to the next."""
    label_w = max([len(line) * LABEL_PX * EM + 16 for lines in arrows for line in lines] or [0.0])
    width = max(BOX_W, label_w) + 2 * MARGIN
    x = (width - BOX_W) / 2
    cx = width / 2
    drawn_boxes, drawn_arrows = [], []
    for index, box in enumerate(boxes):
        y = MARGIN + index * (BOX_H + GAP_Y)
        lines = _wrap(box["name"], NAME_PX, BOX_W - 20, 2)
        text_h = len(lines) * (NAME_PX + 4) + META_PX + 4
        top = y + (BOX_H - text_h) / 2
        texts = [
            {"x": cx, "y": top + (i + 1) * (NAME_PX + 4) - 4, "text": line, "kind": "name"}
            for i, line in enumerate(lines)
        ]
        texts.append({"x": cx, "y": top + text_h - 2, "text": box["meta"], "kind": "meta"})
        drawn_boxes.append(
            {**box, "x": x, "y": y, "texts": texts, "last": index == len(boxes) - 1, "first": index == 0}
        )
    for index, lines in enumerate(arrows):
        y1 = MARGIN + index * (BOX_H + GAP_Y) + BOX_H
        y2 = y1 + GAP_Y
        height = len(lines) * (LABEL_PX + 4) + 8
        w = max(len(line) * LABEL_PX * EM + 16 for line in lines) if lines else 0
        label_y = (y1 + y2) / 2 - height / 2
        drawn_arrows.append(
            {
                "path": f"M {cx:.1f} {y1:.1f} L {cx:.1f} {y2:.1f}",
                "label_box": {"x": cx - w / 2, "y": label_y, "width": w, "height": height},
                "texts": [
                    {"x": cx, "y": label_y + (i + 1) * (LABEL_PX + 4), "text": line}
                    for i, line in enumerate(lines)
                ],
            }
        )
    height = MARGIN * 2 + len(boxes) * BOX_H + max(len(boxes) - 1, 0) * GAP_Y
    return {
        "id": id_prefix,
        "title": title,
        "description": (
            f"{len(boxes)} boxes from the statutory holder at the top to the holder at the bottom; each "
            "arrow is a delegation, labelled with its legal vehicle and limit. "
            "The table after the drawing gives the same links."
        ),
        "width": round(width),
        "height": round(height),
        "view_box": f"0 0 {width:.0f} {height:.0f}",
        "box_width": BOX_W,
        "box_height": BOX_H,
        "boxes": drawn_boxes,
        "arrows": drawn_arrows,
    }


def arrow_label(vehicle_display: str, limit: Decimal | None) -> list[str]:
    return [vehicle_display, f"Limit {money(limit)}" if limit is not None else "No limit of its own"]


def link_rows(chain) -> list[dict]:
    """The table beside a chain: one row for each arrow drawn (resolver links)."""
    return [
        {
            "number": link.delegation_id,
            "url": link.url,
            "delegator": link.delegator,
            "delegate": link.delegate,
            "vehicle": link.vehicle_display,
            "limit": money(link.financial_limit),
            "period": period_text(link.start_date, link.end_date),
            "functions": link.function_names,
            "area": link.area_name,
            "sources": annotate_sources(link.sources),
        }
        for link in chain
    ]


def holder_view(holder, index: int, answer) -> dict:
    """A holder of the answer, with its chain drawn and tabled."""
    view = {"holder": holder, "party_kind": KIND_LABELS.get(holder.party.kind, "")}
    root = holder.root
    if root is not None:
        view["root_sources"] = annotate_sources(root.sources)
        view["root_period"] = period_text(root.start_date, root.end_date)
    if holder.chain:
        boxes = [{"name": root.holder.name, "meta": "Holds it by statute", "kind": root.holder.kind}]
        boxes += [
            {
                "name": link.delegate.name,
                "meta": f"{KIND_LABELS[link.delegate.kind]}, by delegation",
                "kind": "",
            }
            for link in holder.chain
        ]
        view["diagram"] = draw_chain(
            boxes,
            [arrow_label(link.vehicle_display, link.financial_limit) for link in holder.chain],
            title=(
                f"Chain of authority from {root.holder.name} to {holder.party.name} for "
                f"{answer.function.name}, {answer.area.name}, on {answer.on:%-d %B %Y}"
            ),
            id_prefix=f"chain-{index}",
        )
        view["rows"] = link_rows(holder.chain)
    view["effective_limit"] = money(holder.effective_limit)
    return view


# --- "Who can decide…?" ---------------------------------------------------------------------

QUESTION = ("function", "area", "on")


class DecideView(TemplateView):
    """Who may decide a function for a place on a day, and under what authority."""

    template_name = "delegations/decide.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The form sends all three; a link may give some of them to start the question from.
        asked = all(key in self.request.GET for key in QUESTION)
        given = {key: self.request.GET[key] for key in QUESTION if self.request.GET.get(key)}
        form = DecideForm(
            self.request.GET if asked else None, today=today(), initial={"on": today(), **given}
        )
        answer, holders = None, []
        if asked and form.is_valid():
            data = form.cleaned_data
            answer = selectors.decision_rights(function=data["function"], area=data["area"], on=data["on"])
            holders = [holder_view(holder, i, answer) for i, holder in enumerate(answer.holders, start=1)]
        context.update(
            form=form,
            answer=answer,
            holders=holders,
            delegated=[h for h in holders if h["holder"].basis == "delegation"],
            statutory=[h for h in holders if h["holder"].basis == "statute"],
            reserved=[h for h in holders if h["holder"].basis == "reserved"],
            nav_section="decide",
            as_at=None,  # the question carries its own date
        )
        return context


# --- Functions ------------------------------------------------------------------------------


def nest(rows: list[tuple[Function, int]]) -> list[dict]:
    """The catalogue as nested nodes, for a nested list."""
    top: list[dict] = []
    stack: list[dict] = []
    for function, depth in rows:
        node = {"function": function, "children": []}
        del stack[depth:]
        (stack[-1]["children"] if stack else top).append(node)
        stack.append(node)
    return top


class FunctionListView(RestrictedMixin, TemplateView):
    model = Function
    template_name = "delegations/function_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.function_tree(self.get_queryset())
        context.update(
            tree=nest(rows),
            count=len(rows),
            levels=SpatialLevel.choices,
            may_add=False,
            nav_section="delegations",
        )
        return context


def _lineage(function: Function) -> list[Function]:
    """The wider functions it is part of, outermost first."""
    by_pk = {f.pk: f for f in Function.objects.filter(pk__in=function.ancestor_ids)}
    return [by_pk[pk] for pk in function.ancestor_ids if pk in by_pk]


class FunctionDetailView(RegistryDetailView):
    model = Function
    template_name = "delegations/function_detail.html"

    def base_queryset(self):
        return Function.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        function, on = self.object, self.request.as_at
        ancestors = _lineage(function)
        lineage = [*function.ancestor_ids, function.pk]
        holdings = list(
            StatutoryHolding.objects.filter(function_id__in=lineage)
            .select_related("holder", "area", "function")
            .order_by(F("start_date").asc(nulls_first=True), "area__name", "pk")
        )
        reserved = list(
            ReservedMatter.objects.filter(function_id__in=lineage)
            .select_related("area", "function", "reserved_to_organisation", "reserved_to_body")
            .order_by(F("start_date").asc(nulls_first=True), "pk")
        )
        delegations = list(
            selectors.delegation_list(
                Delegation.objects.filter(
                    pk__in=DelegationFunction.objects.filter(function_id__in=lineage).values("delegation")
                )
            ).order_by("area__name", F("start_date").asc(nulls_first=True), "pk")
        )
        for record in (*holdings, *reserved):
            record.sources_shown = annotate_sources(record.sources)
            record.in_force_now = record.in_force_on(on)
        decorate(delegations, on)
        context.update(
            ancestors=ancestors,
            children=list(function.children.order_by("name")),
            holdings=holdings,
            reserved=reserved,
            delegations=delegations,
            nav_section="delegations",
        )
        return context


class FunctionHistoryView(HistoryView):
    model = Function


# --- Delegations ----------------------------------------------------------------------------

# Filters offered on the list page; the others (delegator, delegate, parent) still apply when a link
# carries them.
LIST_FILTERS = ("q", "function", "system", "area", "status", "vehicle", "as_of")


class DelegationListView(RegistryListView):
    model = Delegation
    filterset_class = DelegationFilterSet
    template_name = "delegations/delegation_list.html"
    dated = False

    def base_queryset(self):
        return selectors.delegation_list(Delegation.objects.all())

    def filter_data(self):
        data = super().filter_data()
        # In force on the as-at date unless the visitor asks otherwise (an empty date: any status).
        if "as_of" not in self.request.GET:
            data["as_of"] = self.request.as_at.isoformat()
        return data

    def get_context_data(self, **kwargs):
        form = self.filterset.form
        as_of = form.fields.get("as_of")
        context = super().get_context_data(**kwargs)
        if as_of is not None:
            form.fields["as_of"] = as_of
        for name in list(form.fields):
            if name not in LIST_FILTERS:
                del form.fields[name]
        form.fields = {name: form.fields[name] for name in LIST_FILTERS if name in form.fields}
        on = form.cleaned_data.get("as_of") if form.is_valid() else None
        context["object_list"] = decorate(context["object_list"], on)
        query = self.request.GET.copy()
        query.pop("page", None)
        if "as_of" not in query:
            query["as_of"] = self.request.as_at.isoformat()
        context.update(
            on=on,
            export_query=query.urlencode(),
            may_import=may_write_at_all(self.request.user, Delegation, ADD),
            nav_section="delegations",
            as_at=None,  # the list has its own "in force on" date
        )
        return context


def _party(delegation: Delegation, side: str) -> dict:
    for kind in ("organisation", "body", "post"):
        obj = getattr(delegation, f"{side}_{kind}")
        if obj is not None:
            name = obj.title if kind == "post" else obj.name
            return {"name": name, "url": obj.get_absolute_url(), "kind": KIND_LABELS[kind]}
    return {"name": "Not recorded", "url": "", "kind": ""}


def decorate(delegations, on: dt.date | None = None) -> list[Delegation]:
    """Delegations as the tables show them: both parties named and linked, and whether in force on `on`."""
    delegations = list(delegations)
    for delegation in delegations:
        delegation.delegator_shown = _party(delegation, "delegator")
        delegation.delegate_shown = _party(delegation, "delegate")
        delegation.in_force_now = delegation.in_force_on(on) if on else False
    return delegations


class DelegationDetailView(RegistryDetailView):
    model = Delegation
    template_name = "delegations/delegation_detail.html"

    def base_queryset(self):
        return selectors.delegation_list(Delegation.objects.all()).select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        delegation, user = self.object, self.request.user
        functions = [
            link.function
            for link in DelegationFunction.objects.filter(delegation=delegation)
            .select_related("function")
            .order_by("function__name")
        ]
        chain = selectors.chain_up(delegation)
        decorate(chain)
        down = selectors.chain_down(delegation)
        decorate([child for child, _ in down], self.request.as_at)
        for child, depth in down:
            child.depth = depth
        limits = [d.financial_limit for d in chain if d.financial_limit is not None]
        top = chain[0]
        boxes = [{"name": top.delegator_shown["name"], "meta": top.delegator_shown["kind"], "kind": ""}]
        boxes += [
            {"name": d.delegate_shown["name"], "meta": d.delegate_shown["kind"], "kind": ""} for d in chain
        ]
        diagram = draw_chain(
            boxes,
            [arrow_label(d.get_vehicle_display(), d.financial_limit) for d in chain],
            title=f"Chain of authority from {top.delegator_shown['name']} to {boxes[-1]['name']}",
            id_prefix=f"delegation-{delegation.pk}-chain",
        )
        may_edit = context["may_edit"]
        context.update(
            functions=functions,
            delegator=_party(delegation, "delegator"),
            delegate=_party(delegation, "delegate"),
            chain_rows=[
                {
                    "number": d.pk,
                    "url": d.get_absolute_url(),
                    "delegator": d.delegator_shown,
                    "delegate": d.delegate_shown,
                    "vehicle": d.get_vehicle_display(),
                    "limit": money(d.financial_limit),
                    "period": period_text(d.start_date, d.end_date),
                    "functions": sorted(d.function_names or []),
                    "area": d.area.name,
                    "sources": annotate_sources(d.sources),
                }
                for d in chain
            ],
            diagram=diagram,
            down=[child for child, _ in down],
            effective_limit=money(min(limits)) if limits else "",
            limit=money(delegation.financial_limit),
            may_revoke=may_edit and delegation.status == DelegationStatus.IN_FORCE,
            may_sub_delegate=delegation.onward_delegation_permitted
            and may_write_at_all(user, Delegation, ADD),
            nav_section="delegations",
        )
        return context


class DelegationHistoryView(HistoryView):
    model = Delegation


def remapped(exc: ValidationError, form) -> ValidationError:
    """A service's refusal, keyed by the form's fields (the delegator's field for
    `delegator_organisation`, and so on)."""
    if not hasattr(exc, "error_dict"):
        return exc
    errors: dict[str, list] = {}
    for key, items in exc.error_dict.items():
        target = form.field_for(key) if key != NON_FIELD_ERRORS else key
        errors.setdefault(target, []).extend(items)
    return ValidationError(errors)


class DelegationsFormMixin:
    template_name = "delegations/form_page.html"
    caption = ""

    def call(self, service, form, *args, **kwargs):
        try:
            return service(*args, **kwargs)
        except ValidationError as exc:
            raise remapped(exc, form) from exc

    def back_url(self):
        return (
            self.object.get_absolute_url()
            if self.object is not None
            else reverse("delegations:delegation_list")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(back_url=self.back_url(), caption=self.caption, nav_section=self.nav_section)
        return context


class DelegationCreateView(DelegationsFormMixin, ServiceFormView):
    model = Delegation
    form_class = DelegationForm
    action = ADD
    title = "Add a delegation"
    nav_section = "delegations"

    def parent(self) -> Delegation | None:
        raw = self.request.GET.get("parent", "")
        return Delegation.objects.filter(pk=raw).select_related("area").first() if raw.isdigit() else None

    def get_initial(self):
        initial = super().get_initial()
        parent = self.parent()
        if parent is not None:
            # A sub-delegation: its delegator is the parent's delegate, and it starts from the
            # parent's area and functions (which it may narrow).
            initial.update(
                parent=parent.pk,
                delegator=next(
                    f"{kind}:{getattr(parent, f'delegate_{kind}_id')}"
                    for kind in ("organisation", "body", "post")
                    if getattr(parent, f"delegate_{kind}_id")
                ),
                area=parent.area_id,
                functions=[str(pk) for pk in parent.function_links.values_list("function_id", flat=True)],
                vehicle=parent.vehicle,
            )
        return initial

    def back_url(self):
        parent = self.parent()
        return parent.get_absolute_url() if parent else reverse("delegations:delegation_list")

    def call_service(self, form):
        return self.call(services.delegation_create, form, actor=self.request.user, **form.changes())


class DelegationEditView(DelegationsFormMixin, ServiceFormView):
    model = Delegation
    form_class = DelegationForm
    nav_section = "delegations"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"Edit delegation {self.object.pk}"
        return context

    def call_service(self, form):
        return self.call(
            services.delegation_update, form, self.object, actor=self.request.user, **form.changes()
        )


class DelegationRevokeView(DelegationsFormMixin, ServiceFormView):
    model = Delegation
    form_class = RevokeForm
    nav_section = "delegations"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"Revoke delegation {self.object.pk}"
        context["intro"] = (
            "Revoking ends the delegation and every sub-delegation that depends on it. "
            "The record stays, with the day it ended."
        )
        return context

    def call_service(self, form):
        return self.call(
            services.delegation_revoke, form, self.object, on=form.cleaned_data["on"], actor=self.request.user
        )


class DelegationExportView(RestrictedMixin, View):
    """A scheme of delegation spreadsheet of the area or system, and the date, the list is filtered
    to (everywhere, every date, when it is not)."""

    model = Delegation
    fmt = "csv"
    content_types = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }

    def get(self, request, *args, **kwargs):
        data = request.GET.copy()
        if "as_of" not in data:
            data["as_of"] = request.as_at.isoformat()
        form = DelegationFilterSet(data, queryset=Delegation.objects.none()).form
        chosen = form.cleaned_data if form.is_valid() else {}
        rows = selectors.sord_rows(
            area=chosen.get("area"), system=chosen.get("system"), on=chosen.get("as_of")
        )
        response = HttpResponse(
            selectors.sord_export(rows, self.fmt), content_type=self.content_types[self.fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="scheme-of-delegation.{self.fmt}"'
        return response


# --- Schemes of delegation ------------------------------------------------------------------


class SordImportView(LoginRequiredMixin, FormView):
    """Upload a scheme of delegation; the import runs in the background."""

    template_name = "delegations/form_page.html"
    form_class = SordImportForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_write_at_all(request.user, Delegation, ADD):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            with transaction.atomic():
                sord_import = services.sord_import_start(
                    content=upload.read(),
                    file_name=upload.name,
                    area=form.cleaned_data["area"],
                    status=form.cleaned_data["status"],
                    actor=self.request.user,
                )
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "You may not import delegations for this area.")
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_errors(form, remapped(exc, form))
            return self.form_invalid(form)
        return HttpResponseRedirect(sord_import.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title="Import a scheme of delegation",
            intro=(
                "Every row is checked by the same rules as a delegation entered by hand. If any row is "
                "refused, nothing is imported, and the report names each refused row and why."
            ),
            submit="Upload and import",
            back_url=reverse("delegations:delegation_list"),
            nav_section="delegations",
            as_at=None,  # an upload is not read as at a date
        )
        return context


class SordImportMixin(LoginRequiredMixin):
    """An import is seen by whoever uploaded it, and by staff; to anyone else it does not exist."""

    def get_object(self):
        queryset = SordImport.objects.visible_to(self.request.user).select_related("area", "uploaded_by")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])


class SordImportDetailView(SordImportMixin, DetailView):
    template_name = "delegations/sord_import_detail.html"
    context_object_name = "sord_import"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sord_import = self.object
        context.update(
            progress=selectors.sord_import_progress(sord_import),
            finished=sord_import.state in (ImportState.SUCCEEDED, ImportState.FAILED),
            succeeded=sord_import.state == ImportState.SUCCEEDED,
            report=sord_import.report or {},
            nav_section="delegations",
            as_at=None,
        )
        return context


class SordImportProgressView(SordImportMixin, DetailView):
    """How far an import has got, as JSON, for the progress bar."""

    def get(self, request, *args, **kwargs):
        sord_import = self.get_object()
        return JsonResponse(selectors.sord_import_progress(sord_import))


# --- Systems: the functions and decisions map, the tier table -------------------------------


class SystemPageMixin(RestrictedMixin):
    model = System
    pk_url_kwarg = "system"


class FunctionsMapView(SystemPageMixin, DetailView):
    """Functions × tiers for a system on a date: who holds each, and on what basis."""

    template_name = "delegations/functions_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = MapDateForm(self.request.GET or None, initial={"as_of": self.request.as_at})
        on = self.request.as_at
        if form.is_bound and form.is_valid() and form.cleaned_data.get("as_of"):
            on = form.cleaned_data["as_of"]
        table = selectors.functions_map(self.object, on)
        levels = list(table["levels"])
        rows = [
            {
                "function": row["function"],
                "depth": row["depth"],
                "cells": [
                    {
                        "holders": row["cells"].get(level, []),
                        "recommended": row["function"].spatial_level == level,
                    }
                    for level, _ in levels
                ],
            }
            for row in table["rows"]
        ]
        context.update(
            form=form,
            on=on,
            levels=levels,
            rows=rows,
            nav_section="systems",
            as_at=None,
        )
        return context


class TierTableView(SystemPageMixin, DetailView):
    """The system's tier table (001 Appendix 2): accountabilities, governance, delivery functions
    and teams at each tier, drawn from data."""

    template_name = "delegations/tier_table.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = selectors.tier_table(self.object)
        columns = list(table["columns"])
        context.update(
            columns=columns,
            tiers=[
                {**tier, "cells": [tier["columns"].get(key, []) for key, _ in columns]}
                for tier in table["tiers"]
            ],
            nav_section="systems",
            as_at=None,  # the table is not dated
        )
        return context


# --- Place-based leads ----------------------------------------------------------------------


class PlaceLeadRegisterMixin:
    def register_context(self):
        form = RegisterFilterForm(self.request.GET or None, initial={"on": self.request.as_at})
        on, system = self.request.as_at, None
        if form.is_bound and form.is_valid():
            on = form.cleaned_data.get("on") or on
            system = form.cleaned_data.get("system")
        return form, on, system


class PlaceLeadListView(PlaceLeadRegisterMixin, TemplateView):
    """By locality, on a date: the place-based lead arrangement, the posts holding it and who holds them."""

    template_name = "delegations/place_lead_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, on, system = self.register_context()
        rows = selectors.place_lead_register(on, system)
        context.update(
            form=form,
            on=on,
            system=system,
            rows=rows,
            without=sum(1 for row in rows if not row.has_lead),
            may_add=may_write_at_all(self.request.user, PlaceLeadArrangement, ADD),
            nav_section="place_leads",
            as_at=None,
        )
        return context


class PlaceLeadWithoutView(PlaceLeadRegisterMixin, TemplateView):
    """Localities with no place-based lead in post on a date, and why."""

    template_name = "delegations/place_lead_without.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, on, system = self.register_context()
        context.update(
            form=form,
            on=on,
            system=system,
            rows=selectors.localities_without_lead(on, system),
            nav_section="place_leads",
            as_at=None,
        )
        return context


class PlaceLeadDetailView(RegistryDetailView):
    model = PlaceLeadArrangement
    template_name = "delegations/place_lead_detail.html"

    def base_queryset(self):
        on = self.request.as_at
        return PlaceLeadArrangement.objects.select_related(
            "area__system", "host_organisation"
        ).prefetch_related(
            Prefetch(
                "post_links",
                queryset=PlaceLeadPost.objects.select_related("post__organisation", "post__area")
                .prefetch_related(
                    Prefetch("post__holdings", queryset=holdings_on(on), to_attr="holdings_shown")
                )
                .order_by("post__title", "pk"),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        arrangement = self.object
        roles = dict(PlaceLeadRole.choices)
        models = dict(PlaceLeadModel.choices)
        posts = [
            {"post": link.post, "roles": [roles.get(r, r) for r in link.roles], "sources": link.sources}
            for link in arrangement.post_links.all()
        ]
        others = list(
            PlaceLeadArrangement.objects.filter(area=arrangement.area_id)
            .exclude(pk=arrangement.pk)
            .order_by(F("start_date").asc(nulls_first=True), "pk")
        )
        context.update(
            posts=posts,
            considered=[models.get(m, m) for m in arrangement.models_considered],
            others=others,
            nav_section="place_leads",
        )
        return context


class PlaceLeadHistoryView(HistoryView):
    model = PlaceLeadArrangement


class PlaceLeadCreateView(DelegationsFormMixin, ServiceFormView):
    model = PlaceLeadArrangement
    form_class = PlaceLeadArrangementForm
    action = ADD
    title = "Record a place-based lead arrangement"
    nav_section = "place_leads"

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("area", "").isdigit():
            initial["area"] = self.request.GET["area"]
        return initial

    def back_url(self):
        return reverse("delegations:place_lead_list")

    def call_service(self, form):
        return self.call(
            services.place_lead_arrangement_create, form, actor=self.request.user, **form.changes()
        )


class PlaceLeadEditView(DelegationsFormMixin, ServiceFormView):
    model = PlaceLeadArrangement
    form_class = PlaceLeadArrangementForm
    nav_section = "place_leads"

    def base_queryset(self):
        return PlaceLeadArrangement.objects.select_related("area")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"Edit the place-based lead arrangement of {self.object.area.name}"
        return context

    def call_service(self, form):
        return self.call(
            services.place_lead_arrangement_update,
            form,
            self.object,
            actor=self.request.user,
            **form.changes(),
        )


# --- A place's page, with the delegations that apply to it and its place-based lead ---------


class AreaDetailView(GovernanceAreaDetailView):
    template_name = "delegations/area_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area, on = self.object, self.request.as_at
        context["area_delegations"] = decorate(
            selectors.delegation_list(Delegation.objects.in_force(on).filter(area=area)).order_by("pk"), on
        )
        context["place_lead"] = (
            PlaceLeadArrangement.objects.as_at(on).filter(area=area).first()
            if area.tier == "locality"
            else None
        )
        return context
