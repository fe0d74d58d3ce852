"""Pages of the registry: systems, places, organisations, people and posts, as at the chosen date."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from ics_registry.permissions import ADD, CHANGE
from ics_registry.views import (
    HistoryView,
    RegistryDetailView,
    RegistryListView,
    ServiceFormView,
)

from . import selectors, services
from .filtersets import AreaFilterSet, OrganisationFilterSet, PersonFilterSet, SystemFilterSet
from .forms import AreaForm, OrganisationForm, PersonForm, PostForm, PostHoldingForm
from .models import Area, Organisation, Person, Post, PostHolding, System


def home(request):
    """The front page: what the registry is, and the systems in it as at the chosen date."""
    systems = list(selectors.system_list(request.as_at).restrict(request.user, "view").order_by("name"))
    return render(request, "home.html", {"systems": systems})


# --- Systems -------------------------------------------------------------------------------


class SystemListView(RegistryListView):
    model = System
    filterset_class = SystemFilterSet
    template_name = "organisations/system_list.html"
    dated = False

    def base_queryset(self):
        return selectors.system_list(self.request.as_at).order_by("name")


class SystemDetailView(RegistryDetailView):
    model = System
    template_name = "organisations/system_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.system_detail(self.object, self.request.as_at))
        return context


class SystemHistoryView(HistoryView):
    model = System


# --- Areas ---------------------------------------------------------------------------------


class AreaListView(RegistryListView):
    model = Area
    filterset_class = AreaFilterSet
    template_name = "organisations/area_list.html"

    def base_queryset(self):
        return selectors.area_list().order_by("system__name", "tier", "name")


class AreaDetailView(RegistryDetailView):
    model = Area
    template_name = "organisations/area_detail.html"

    def base_queryset(self):
        return selectors.area_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.area_detail(self.object, self.request.as_at))
        context["may_add_post"] = context["may_edit"]
        return context


class AreaEditView(ServiceFormView):
    model = Area
    form_class = AreaForm

    def call_service(self, form):
        return services.area_update(self.object, actor=self.request.user, **form.changes())


class AreaHistoryView(HistoryView):
    model = Area


# --- Organisations -------------------------------------------------------------------------


class OrganisationListView(RegistryListView):
    model = Organisation
    filterset_class = OrganisationFilterSet
    template_name = "organisations/organisation_list.html"

    def base_queryset(self):
        return selectors.organisation_list().order_by("name")


class OrganisationDetailView(RegistryDetailView):
    model = Organisation
    template_name = "organisations/organisation_detail.html"

    def base_queryset(self):
        return selectors.organisation_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        on = self.request.as_at
        before, after = selectors.predecessors_and_successors(self.object)
        context["predecessors"] = before
        context["successors"] = after
        context["functions_held_by"] = list(selectors.successors_on(self.object, on))
        context["memberships"] = list(self.object.memberships.select_related("system").order_by("start_date"))
        context["posts"] = list(selectors.post_list(on).filter(organisation=self.object).order_by("title"))
        return context


class OrganisationCreateView(ServiceFormView):
    model = Organisation
    form_class = OrganisationForm
    action = ADD

    def call_service(self, form):
        return services.organisation_create(actor=self.request.user, **form.changes())


class OrganisationEditView(ServiceFormView):
    model = Organisation
    form_class = OrganisationForm

    def call_service(self, form):
        return services.organisation_update(self.object, actor=self.request.user, **form.changes())


class OrganisationHistoryView(HistoryView):
    model = Organisation


# --- People and posts ----------------------------------------------------------------------


class PersonListView(RegistryListView):
    model = Person
    filterset_class = PersonFilterSet
    template_name = "organisations/person_list.html"
    dated = False

    def base_queryset(self):
        return Person.objects.order_by("name")


class PersonDetailView(RegistryDetailView):
    model = Person
    template_name = "organisations/person_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["holdings"] = list(
            self.object.holdings.select_related("post__organisation", "post__area").order_by("-start_date")
        )
        return context


class PersonCreateView(ServiceFormView):
    model = Person
    form_class = PersonForm
    action = ADD
    scope_checked = False  # a new person holds no post yet, so is in nobody's areas

    def call_service(self, form):
        return services.person_create(actor=self.request.user, **form.changes())


class PersonEditView(ServiceFormView):
    model = Person
    form_class = PersonForm

    def call_service(self, form):
        return services.person_update(self.object, actor=self.request.user, **form.changes())


class PersonHistoryView(HistoryView):
    model = Person


class PostDetailView(RegistryDetailView):
    model = Post
    template_name = "organisations/post_detail.html"

    def base_queryset(self):
        return Post.objects.select_related("organisation", "area")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        holdings = list(self.object.holdings.select_related("person").order_by("position", "-start_date"))
        on = self.request.as_at
        context["holdings"] = holdings
        context["holders_on_date"] = [h for h in holdings if h.in_force_on(on)]
        context["may_edit_holdings"] = (
            PostHolding.objects.restrict(self.request.user, CHANGE).filter(post=self.object).exists()
            or context["may_edit"]
        )
        return context


class PostCreateView(ServiceFormView):
    model = Post
    form_class = PostForm
    action = ADD

    def get_initial(self):
        initial = super().get_initial()
        for name in ("area", "organisation"):
            if self.request.GET.get(name, "").isdigit():
                initial[name] = self.request.GET[name]
        return initial

    def call_service(self, form):
        return services.post_create(actor=self.request.user, **form.changes())


class PostEditView(ServiceFormView):
    model = Post
    form_class = PostForm

    def call_service(self, form):
        return services.post_update(self.object, actor=self.request.user, **form.changes())


class PostHistoryView(HistoryView):
    model = Post


class PostHoldingCreateView(ServiceFormView):
    """Appoint someone to a post: the post must be one the user may change."""

    model = PostHolding
    form_class = PostHoldingForm
    action = ADD

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.post_obj = get_object_or_404(
                Post.objects.restrict(request.user, CHANGE), pk=kwargs["post_pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"Record a holder of {self.post_obj}"
        return context

    def call_service(self, form):
        return services.post_holding_create(post=self.post_obj, actor=self.request.user, **form.changes())


class PostHoldingEditView(ServiceFormView):
    model = PostHolding
    form_class = PostHoldingForm

    def base_queryset(self):
        return PostHolding.objects.select_related("post", "person")

    def call_service(self, form):
        return services.post_holding_update(self.object, actor=self.request.user, **form.changes())


# --- Search --------------------------------------------------------------------------------


def search(request):
    """Names and codes across systems, areas, organisations, people and posts, as at the chosen date."""
    query = request.GET.get("q", "").strip()[:100]
    on, user = request.as_at, request.user
    results = {}
    if query:
        results = {
            "systems": list(
                System.objects.restrict(user, "view")
                .filter(Q(name__icontains=query) | Q(short_name__iexact=query))
                .order_by("name")[:20]
            ),
            "areas": list(
                selectors.area_list().restrict(user, "view").as_at(on).search(query).order_by("name")[:50]
            ),
            "organisations": list(
                Organisation.objects.restrict(user, "view").as_at(on).search(query).order_by("name")[:50]
            ),
            "people": list(Person.objects.restrict(user, "view").search(query).order_by("name")[:50]),
            "posts": list(
                Post.objects.restrict(user, "view")
                .as_at(on)
                .search(query)
                .select_related("organisation", "area")
                .order_by("title")[:50]
            ),
        }
    total = sum(len(v) for v in results.values())
    return render(request, "organisations/search.html", {"query": query, "results": results, "total": total})
