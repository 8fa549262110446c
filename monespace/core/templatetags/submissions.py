"""``{% submission_token %}``: the hidden field that makes a form create once
(core/submissions.py)."""

from django import template

from monespace.core import submissions

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_token(context):
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    return submissions.hidden_field(request.user)
