"""Every list of the API comes in pages: `?page=2&page_size=100`, at most MAX_PAGE_SIZE a page."""

from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 200


class Pages(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
