"""Template filters of the portal: French amounts and hours, safe file names."""

from django import template

from monespace.core.formats import format_euros, format_hours, format_number, format_percent
from monespace.core.uploads import clean_display_name

register = template.Library()


@register.filter
def euros(value):
    """{{ amount|euros }} → « 1 450,00 € »."""
    return format_euros(value)


@register.filter
def number(value, decimals=2):
    return format_number(value, int(decimals))


@register.filter
def hours(value):
    return format_hours(value)


@register.filter
def display_name(value):
    """A name typed or uploaded by someone, without control or bidirectional characters."""
    return clean_display_name(str(value or ""), limit=255)


@register.filter
def percent(value):
    """{{ rate|percent }} → « 27 % »."""
    return format_percent(value)
