from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from monespace.core import health
from monespace.core import views as core_views

# The Django admin signs in through allauth: same rate limits, second factor and events.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("monespace.www.urls")),
    path("accounts/", include("allauth.urls")),
    path("notifications/", include("monespace.notifications.urls")),
    path("backoffice/", include("monespace.backoffice.urls")),
    path("api/", include("monespace.api.urls")),
    path("hijack/", include("hijack.urls")),
    path("django-admin/", admin.site.urls),
    path("livez", health.livez, name="livez"),
    path("readyz", health.readyz, name="readyz"),
    path("dev/outbox/", core_views.dev_outbox, name="dev_outbox"),
    path("dev/outbox/<int:pk>/", core_views.dev_outbox, name="dev_outbox_message"),
]
if settings.BENCHMARK_REFERENCE_VIEW:
    # The load benchmark's reference page (benchmarks/scale/); the view checks the setting too.
    urlpatterns.append(
        path("_bench/reference/", core_views.benchmark_reference, name="benchmark_reference")
    )

handler400 = "monespace.core.views.error_400"
handler403 = "monespace.core.views.error_403"
handler404 = "monespace.core.views.error_404"
handler500 = "monespace.core.views.error_500"
