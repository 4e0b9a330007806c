"""The API's page-number pagination: `page` is a positive integer (400 otherwise), a page past the last is 404;
`taille` chooses the page size (1 to MAX_PAGE_SIZE, 400 otherwise; PAGE_SIZE when absent)."""

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

from pilotage.api.validation import int_param

MAX_PAGE = 10**6
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


class ApiPagination(PageNumberPagination):
    invalid_page_message = "Page inexistante : « {page_number} » dépasse la dernière page."
    page_size = PAGE_SIZE
    page_size_query_param = "taille"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        size = int_param(request.query_params, self.page_size_query_param, 1, self.max_page_size,
                         expected="Taille de page attendue")  # fmt: skip
        return self.page_size if size is None else size

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
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
                parameter["description"] = (
                    f"Nombre de résultats par page, de 1 à {MAX_PAGE_SIZE} ({PAGE_SIZE} par défaut ; 400 au-delà)."
                )
        return parameters
