"""Pagination with a hard maximum: larger page sizes are capped, not refused."""

from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


class RegistryPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500  # larger requests are capped, not refused

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError as exc:
            raise exceptions.ValidationError({"page_size": ["A whole number between 1 and 500."]}) from exc
        if size < 1:
            raise exceptions.ValidationError({"page_size": ["A whole number between 1 and 500."]})
        return min(size, self.max_page_size)

    def get_paginated_response_schema(self, schema):
        base = super().get_paginated_response_schema(schema)
        base["required"] = ["count", "results"]
        return base
