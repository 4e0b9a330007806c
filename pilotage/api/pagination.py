"""The API's page-number pagination: `page` is a positive integer (400 otherwise), a page past the last is 404."""

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

from pilotage.api.validation import int_param

MAX_PAGE = 10**6


class ApiPagination(PageNumberPagination):
    invalid_page_message = "Page inexistante : « {page_number} » dépasse la dernière page."

    def paginate_queryset(self, queryset, request, view=None):
        int_param(request.query_params, self.page_query_param, 1, MAX_PAGE, expected="Numéro de page attendu")
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise NotFound(
                self.invalid_page_message.format(page_number=request.query_params.get(self.page_query_param))
            ) from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}
                parameter["description"] = (
                    "Numéro de page, à partir de 1 (400 s'il n'est pas un entier positif, 404 après la dernière page)."
                )
        return parameters
