"""Funding rules in the back office (issue 12): the dated rates staff add (forfaits by branch,
tutor aid, frais annexes ceilings, valeurs d'amorçage…) and the NPEC editions imported, with a
look-up of the NPEC a contract would get. Managers add and withdraw; every staff member reads."""

from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from monespace.accounts.enums import StaffRole
from monespace.core.formats import format_number
from monespace.core.forms import DATE, FrenchDecimalField, check_date
from monespace.core.forms import Form as PortalForm
from monespace.core.uploads import store_file
from monespace.dossiers.funding.apprenticeship import find_npec
from monespace.referentials.models import (
    PERCENT_PARAMETERS,
    YES_NO_PARAMETERS,
    CollectiveAgreement,
    FundingParameter,
    FundingRate,
    NpecEdition,
)
from monespace.referentials.services import RateError, rate_add, rate_delete

from .views import _posted_int, staff_required

# France compétences' full file is about 15 MB: beyond the users' upload limit.
NPEC_MAX_BYTES = 60 * 1024 * 1024
XLSX_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/zip",
)


class NpecUploadForm(PortalForm):
    file = forms.FileField(
        label=gettext_lazy("Référentiel des NPEC (fichier Excel de France compétences)"),
        help_text=gettext_lazy("Classeur .xlsx tel que publié, 60 Mo au plus."),
    )

    def clean_file(self):
        import magic

        from monespace.core import antivirus

        upload = self.cleaned_data["file"]
        if upload.size > NPEC_MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 60 Mo."))
        head = upload.read(8192)
        upload.seek(0)
        if not head or magic.from_buffer(head, mime=True) not in XLSX_TYPES:
            raise forms.ValidationError(_("Déposez le classeur Excel (.xlsx) tel que publié."))
        verdict = antivirus.scan(upload)
        if verdict.status in (antivirus.INFECTED, antivirus.REFUSED):
            raise forms.ValidationError(_("Ce fichier est refusé par l'antivirus."))
        if verdict.status == antivirus.UNAVAILABLE and settings.CLAMAV_REQUIRED:
            raise forms.ValidationError(
                _("L'antivirus ne répond pas : réessayez dans quelques minutes.")
            )
        return upload


LEVELS = [("", gettext_lazy("—"))] + [(str(n), str(n)) for n in range(3, 9)]


def can_edit_rules(user) -> bool:
    profile = getattr(user, "staff_profile", None)
    return user.is_superuser or (profile is not None and profile.role == StaffRole.MANAGER)


def known_idcc(value: str) -> str:
    """An IDCC of the official list (4 digits), or "" when none is typed."""
    idcc = value.strip()
    if not idcc:
        return ""
    if not idcc.isdigit():
        raise forms.ValidationError(_("L'IDCC s'écrit avec 4 chiffres, par exemple 1486."))
    idcc = idcc.zfill(4)
    if not CollectiveAgreement.objects.filter(idcc=idcc).exists():
        raise forms.ValidationError(
            _("L'IDCC %(idcc)s ne figure pas dans la liste des conventions collectives.")
            % {"idcc": idcc}
        )
    return idcc


class RateForm(PortalForm):
    parameter = forms.ChoiceField(label=gettext_lazy("Règle"), choices=FundingParameter.choices)
    idcc = forms.CharField(
        label=gettext_lazy("IDCC"),
        required=False,
        max_length=4,
        help_text=gettext_lazy("4 chiffres ; vide : toutes les branches."),
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Niveau de la certification"),
        required=False,
        choices=LEVELS,
        help_text=gettext_lazy("Pour la valeur d'amorçage seulement."),
    )
    effective_from = forms.DateField(label=gettext_lazy("En vigueur à partir du"), widget=DATE)
    value = FrenchDecimalField(
        label=gettext_lazy("Valeur"), max_digits=12, decimal_places=2, min_value=0
    )
    note = forms.CharField(
        label=gettext_lazy("Source ou commentaire"), required=False, max_length=300
    )

    def clean_idcc(self) -> str:
        return known_idcc(self.cleaned_data["idcc"])

    def clean_effective_from(self) -> date:
        check_date(self.cleaned_data["effective_from"])
        return self.cleaned_data["effective_from"]

    def clean(self):
        cleaned = super().clean()
        parameter, level = cleaned.get("parameter"), cleaned.get("level")
        value = cleaned.get("value")
        if value is not None and parameter in PERCENT_PARAMETERS and value > 100:
            self.add_error("value", _("Cette règle est un pourcentage : de 0 à 100."))
        if value is not None and parameter in YES_NO_PARAMETERS and value not in (0, 1):
            self.add_error("value", _("Cette règle vaut 1 (oui) ou 0 (non)."))
        if parameter == FundingParameter.STARTING_VALUE and not level:
            self.add_error("level", _("La valeur d'amorçage se fixe par niveau de certification."))
        elif parameter and parameter != FundingParameter.STARTING_VALUE and level:
            self.add_error("level", _("Seule la valeur d'amorçage se fixe par niveau."))
        return cleaned


class RateFilter(PortalForm):
    parameter = forms.ChoiceField(
        label=gettext_lazy("Règle"),
        required=False,
        choices=[("", gettext_lazy("Toutes")), *FundingParameter.choices],
    )
    idcc = forms.CharField(label=gettext_lazy("IDCC"), required=False, max_length=4)


class NpecLookupForm(PortalForm):
    rncp = forms.CharField(label=gettext_lazy("Code RNCP"), max_length=12)
    idcc = forms.CharField(label=gettext_lazy("IDCC de l'employeur"), max_length=4)
    day = forms.DateField(label=gettext_lazy("Date de conclusion du contrat"), widget=DATE)

    def clean_rncp(self) -> str:
        code = self.cleaned_data["rncp"].strip().upper().replace(" ", "")
        code = f"RNCP{code}" if code.isdigit() else code
        if not (code.startswith("RNCP") and code[4:].isdigit() and 2 <= len(code[4:]) <= 6):
            raise forms.ValidationError(_("RNCP suivi de 2 à 6 chiffres, par exemple RNCP38362."))
        return code

    def clean_idcc(self) -> str:
        idcc = self.cleaned_data["idcc"].strip()
        if not idcc.isdigit():
            raise forms.ValidationError(_("L'IDCC s'écrit avec 4 chiffres, par exemple 1486."))
        return idcc.zfill(4)

    def clean_day(self) -> date:
        check_date(self.cleaned_data["day"])
        return self.cleaned_data["day"]


@staff_required
@require_http_methods(["GET", "POST"])
def funding_rules(request):
    """« Règles de financement »: the dated figures, newest first, and the form to add one."""
    editable = can_edit_rules(request.user)
    form = RateForm(request.POST or None)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                rate = rate_add(actor=request.user, **form.cleaned_data)
            except RateError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(
                    request,
                    _("La valeur %(value)s est en vigueur à partir du %(date)s.")
                    % {
                        "value": format_number(rate.value),
                        "date": rate.effective_from.strftime("%d/%m/%Y"),
                    },
                )
                return redirect("backoffice:funding_rules")
    filters = RateFilter(request.GET or None)
    rates = FundingRate.objects.annotate(uses=Count("commitments")).select_related("created_by")
    if filters.is_valid():
        if filters.cleaned_data["parameter"]:
            rates = rates.filter(parameter=filters.cleaned_data["parameter"])
        if filters.cleaned_data["idcc"]:
            rates = rates.filter(idcc=filters.cleaned_data["idcc"].strip().zfill(4))
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(
        rates.order_by("parameter", "idcc", "level", "-effective_from", "pk"), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/funding_rules.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "editable": editable,
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_required
@require_POST
def funding_rule_delete(request, pk):
    if not can_edit_rules(request.user):
        raise PermissionDenied
    rate = get_object_or_404(FundingRate, pk=_posted_int(pk))
    try:
        rate_delete(actor=request.user, rate=rate)
    except RateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("La valeur est retirée."))
    return redirect("backoffice:funding_rules")


@staff_required
@require_http_methods(["GET", "POST"])
def npec(request):
    """The NPEC editions imported and a look-up: the NPEC a contract of that certification,
    employer and date would get. Managers upload a new edition of France compétences' file;
    the task worker imports it (the same import as ``import_npec``) and the page shows how it
    went, with the rows left out and why."""
    from monespace.referentials.models import NpecImport

    lookup = NpecLookupForm(request.GET or None)
    found = None
    cpnes: list[str] = []
    if lookup.is_valid():
        found, cpnes = find_npec(
            lookup.cleaned_data["rncp"], lookup.cleaned_data["idcc"], lookup.cleaned_data["day"]
        )
    editable = can_edit_rules(request.user)
    upload = NpecUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if upload.is_valid():
            from django.db import transaction

            from monespace.referentials.tasks import import_npec_upload

            row = NpecImport(
                original_name=(upload.cleaned_data["file"].name or "npec.xlsx")[:255],
                uploaded_by=request.user,
            )
            store_file(row.file, "npec", upload.cleaned_data["file"])
            row.save()
            transaction.on_commit(lambda: import_npec_upload.enqueue(upload_id=row.pk))
            messages.success(
                request, _("Le fichier est déposé : son import est en cours (voir ci-dessous).")
            )
            return redirect("backoffice:npec")
    imports = list(NpecImport.objects.select_related("uploaded_by", "edition")[:10])
    return render(
        request,
        "backoffice/npec.html",
        {
            "editions": NpecEdition.objects.all()[:50],
            "lookup": lookup,
            "found": found,
            "cpnes": cpnes,
            "editable": editable,
            "upload": upload,
            "imports": imports,
        },
        status=400 if upload.is_bound and upload.errors else 200,
    )
    return render(
        request,
        "backoffice/npec.html",
        {
            "editions": NpecEdition.objects.all()[:50],
            "lookup": lookup,
            "found": found,
            "cpnes": cpnes,
        },
    )


# --- Pro-A: the certifications each branch opens to it -----------------------------------------


class ProACertificationForm(PortalForm):
    idcc = forms.CharField(
        label=gettext_lazy("IDCC de la branche"),
        max_length=4,
        help_text=gettext_lazy("4 chiffres, par exemple 0843."),
    )
    rncp = forms.CharField(
        label=gettext_lazy("Code RNCP de la certification"),
        max_length=12,
        help_text=gettext_lazy("RNCP suivi de 3 à 5 chiffres."),
    )
    title = forms.CharField(label=gettext_lazy("Intitulé"), max_length=300, required=False)
    valid_from = forms.DateField(label=gettext_lazy("Éligible à partir du"), widget=DATE)
    valid_until = forms.DateField(
        label=gettext_lazy("Éligible jusqu'au"),
        widget=DATE,
        required=False,
        help_text=gettext_lazy("Vide : sans date de fin."),
    )

    def clean_idcc(self) -> str:
        return known_idcc(self.cleaned_data["idcc"])

    def clean_rncp(self) -> str:
        from monespace.core.identifiers import clean_rncp

        return clean_rncp(self.cleaned_data["rncp"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        for name in ("valid_from", "valid_until"):
            if cleaned.get(name):
                try:
                    check_date(cleaned[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        if start and end and end < start:
            self.add_error("valid_until", _("La fin d'éligibilité suit son début."))
        return cleaned


class ProAFilter(PortalForm):
    idcc = forms.CharField(label=gettext_lazy("IDCC"), required=False, max_length=4)


@staff_required
@require_http_methods(["GET", "POST"])
def proa_certifications(request):
    """« Certifications éligibles à Pro-A »: each branch's list (its extended agreement), by
    IDCC, with dates; a Pro-A towards a certification off its branch's list on the day of its
    conclusion is refused at entry. Managers add a row or end one; every staff member reads."""
    from django.db import IntegrityError, transaction

    from monespace.referentials.models import ProACertification

    editable = can_edit_rules(request.user)
    form = ProACertificationForm(request.POST if "add" in request.POST else None)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if "end" in request.POST:
            row = get_object_or_404(ProACertification, pk=_posted_int(request.POST.get("end")))
            day = timezone.localdate()
            if row.valid_from > day:
                # Not in force yet: it has decided nothing, it goes.
                row.delete()
                messages.success(request, _("La ligne, pas encore en vigueur, est retirée."))
                return redirect("backoffice:proa_certifications")
            if row.valid_until is None or row.valid_until > day:
                row.valid_until = max(day, row.valid_from)
                row.save(update_fields=["valid_until"])
            messages.success(
                request,
                _("%(rncp)s n'est plus éligible à Pro-A pour l'IDCC %(idcc)s après le %(date)s.")
                % {
                    "rncp": row.rncp,
                    "idcc": row.idcc,
                    "date": row.valid_until.strftime("%d/%m/%Y"),
                },
            )
            return redirect("backoffice:proa_certifications")
        if form.is_valid():
            try:
                with transaction.atomic():
                    ProACertification.objects.create(**form.cleaned_data)
            except IntegrityError:
                form.add_error(
                    "rncp", _("Cette certification figure déjà dans la liste à cette date.")
                )
            else:
                messages.success(
                    request,
                    _("%(rncp)s est éligible à Pro-A pour l'IDCC %(idcc)s.")
                    % {"rncp": form.cleaned_data["rncp"], "idcc": form.cleaned_data["idcc"]},
                )
                return redirect("backoffice:proa_certifications")
    filters = ProAFilter(request.GET or None)
    rows = ProACertification.objects.all()
    if filters.is_valid() and filters.cleaned_data["idcc"]:
        rows = rows.filter(idcc=filters.cleaned_data["idcc"].strip().zfill(4))
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(rows.order_by("idcc", "rncp", "-valid_from", "pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "backoffice/proa_certifications.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "editable": editable,
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )
