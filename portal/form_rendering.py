"""How every form renders: the design system's field (label, hint, error beside the input)
and an error summary at the top that links to each field."""

from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
