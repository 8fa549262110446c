"""PDF rendering of our own HTML templates (WeasyPrint). Fonts and styles are local files only."""

from django.template.loader import render_to_string


def render_pdf(template_name, context):
    from weasyprint import HTML  # imported on use: WeasyPrint takes seconds to import

    html = render_to_string(template_name, context)
    return HTML(string=html).write_pdf()
