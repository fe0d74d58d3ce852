"""Base views: one permission mixin for every page, list pages driven by the model's FilterSet,
and form pages that hand their data to a service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import ModelForm
from django.http import Http404, HttpResponseRedirect
from django.views.generic import DetailView, FormView, ListView

from .history import events_for
from .permissions import ADD, CHANGE, OUT_OF_SCOPE, VIEW, may_write_at_all, still_in_scope


class RestrictedMixin:
    """Every page reads through `restrict(user, action)`: what a user may not act on is a 404."""

    model = None
    action = VIEW

    def base_queryset(self):
        return self.model.objects.all()

    def get_queryset(self):
        return self.base_queryset().restrict(self.request.user, self.action)


class RegistryListView(RestrictedMixin, ListView):
    filterset_class = None
    paginate_by = 50
    dated = True

    def filter_data(self):
        data = self.request.GET.copy()
        data.pop("page", None)
        data.pop("as_at", None)
        if self.dated and "as_of" in self.filterset_class.base_filters:
            data["as_of"] = self.request.as_at.isoformat()
        return data

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.filter_data(), queryset=super().get_queryset(), request=self.request
        )
        if not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        if "as_of" in form.fields:
            del form.fields["as_of"]  # the page's "as at" control sets it
        context["filter_form"] = form
        context["result_count"] = (
            context["paginator"].count if context.get("paginator") else len(context["object_list"])
        )
        context["may_add"] = may_write_at_all(self.request.user, self.model, ADD)
        return context


class RegistryDetailView(RestrictedMixin, DetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = context["object"]
        context["may_edit"] = (
            self.model.objects.restrict(self.request.user, CHANGE).filter(pk=obj.pk).exists()
        )
        context["in_force"] = obj.in_force_on(self.request.as_at) if hasattr(obj, "in_force_on") else True
        context["sources"] = annotate_sources(obj.sources)
        return context


def source_documents() -> dict:
    """The source documents by code. They change only when reference data is loaded, so each
    process keeps them for a few minutes rather than asking the database on every page."""
    from django.core.cache import cache

    from .models import SourceDocument

    documents = cache.get("registry:source-documents")
    if documents is None:
        documents = {doc.code: doc for doc in SourceDocument.objects.all()}
        cache.set("registry:source-documents", documents, 300)
    return documents


def annotate_sources(sources):
    documents = source_documents()
    rows = []
    for item in sources or []:
        document = documents.get(str(item.get("document")))
        rows.append({**item, "document_title": document.title if document else ""})
    return rows


class HistoryView(RestrictedMixin, DetailView):
    """The history tab of any record: who changed what, when, from what to what."""

    template_name = "history.html"
    back_url_name = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = events_for(context["object"], show_actors=self.request.user.is_authenticated)
        context["model_label"] = self.model._meta.verbose_name
        return context


class ServiceFormView(LoginRequiredMixin, RestrictedMixin, FormView):
    """A form page that calls a service. The service decides; its refusals appear beside fields."""

    template_name = "form_page.html"
    action = CHANGE
    title = ""
    object = None
    # A record written here must stay in the writer's own areas (see still_in_scope).
    scope_checked = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if "pk" in kwargs:
            try:
                self.object = self.get_queryset().get(pk=kwargs["pk"])
            except self.model.DoesNotExist as exc:
                raise Http404 from exc
        elif not may_write_at_all(request.user, self.model, ADD):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.object is not None:
            kwargs["instance"] = self.object
        kwargs["user"] = self.request.user
        return kwargs

    def call_service(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            with transaction.atomic():
                obj = self.call_service(form)
                if self.scope_checked and not still_in_scope(self.request.user, self.model, obj.pk):
                    raise ValidationError(OUT_OF_SCOPE)
        except (PermissionDenied, ValidationError) as exc:
            if isinstance(exc, PermissionDenied):
                form.add_error(None, str(exc) or "You may not make this change.")
            else:
                add_service_errors(form, exc)
            if self.object is not None and self.object.pk:
                # The service set the refused values on the instance before refusing them; the page
                # title and breadcrumbs name the record as saved (the form keeps what was typed).
                self.object.refresh_from_db()
            return self.form_invalid(form)
        messages.success(self.request, f"{self.model._meta.verbose_name.capitalize()} saved: {obj}")
        return HttpResponseRedirect(obj.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title or (
            f"Edit {self.object}" if self.object else f"Add {self.model._meta.verbose_name}"
        )
        context["object"] = self.object
        return context


def add_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target if field != NON_FIELD_ERRORS else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class ServiceModelForm(ModelForm):
    """A ModelForm that parses input only; the service is the one place the rules are checked."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def _post_clean(self):  # skip model validation: services validate
        pass

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


def paginate(request, queryset, per_page=50):
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))
