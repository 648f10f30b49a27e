"""URL converters shared by the portal's apps."""

from django.urls import register_converter


class IdConverter:
    """A database id: at most 18 digits, so that a huge number in a URL is a 404 on every
    database instead of an overflow inside a query."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id64")
