"""A form field that chooses rows by id and refuses ids no database column can hold: such
an id names no row, but reaching a query it overflowed there instead of being an ordinary
"not a valid value" (found by tests/portal/test_fuzz_forms.py)."""

from django import forms
from django.core.exceptions import ValidationError

BIGGEST_ID = 2**63 - 1


def _out_of_range(value) -> bool:
    try:
        return abs(int(value)) > BIGGEST_ID
    except (TypeError, ValueError):
        return False  # not a number at all: Django's own check names it


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value:
            if _out_of_range(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
