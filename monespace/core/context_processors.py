from django.conf import settings


def portal(request):
    return {
        "OPCO_NAME": settings.OPCO_NAME,
        "PORTAL_NAME": settings.PORTAL_NAME,
        "OPCO_PHONE": settings.OPCO_PHONE,
        "OPCO_HOURS": settings.OPCO_HOURS,
        "OPCO_CONTACT_URL": settings.OPCO_CONTACT_URL,
        "OPCO_DPO_EMAIL": settings.OPCO_DPO_EMAIL,
        "DEBUG_OUTBOX": settings.DEBUG,
    }
