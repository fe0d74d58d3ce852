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

    def get_page_number(self, request, paginator):
        # A page that is not a whole number from 1 is bad input (400, beside the field); a page
        # past the last one is simply not there (404).
        raw = request.query_params.get(self.page_query_param)
        if raw is None or raw in self.last_page_strings:
            return super().get_page_number(request, paginator)
        try:
            number = int(raw)
        except ValueError as exc:
            raise exceptions.ValidationError({"page": ["A whole number from 1."]}) from exc
        if number < 1:
            raise exceptions.ValidationError({"page": ["A whole number from 1."]})
        return number

    def get_paginated_response_schema(self, schema):
        base = super().get_paginated_response_schema(schema)
        base["required"] = ["count", "results"]
        return base
