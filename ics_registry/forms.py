from django.forms.renderers import TemplatesSetting


class NHSUKFormRenderer(TemplatesSetting):
    """Render forms with the NHS.UK design system's markup (templates/forms/)."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
