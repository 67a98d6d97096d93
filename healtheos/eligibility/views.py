"""Eligibility pages: search and result, batch schedules, patient lists."""

from __future__ import annotations

import csv
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from healtheos.accounts.permissions import signed_in_user
from healtheos.audit.services import audit_record
from healtheos.eligibility.batch import BatchFileError, batch_run_start, template_csv
from healtheos.eligibility.forms import EligibilitySearchForm, ScheduleUploadForm
from healtheos.eligibility.models import BatchRun
from healtheos.eligibility.patients import PatientFilter, office_practitioners, patient_list
from healtheos.eligibility.result import Channel
from healtheos.eligibility.services import RateLimited, eligibility_check
from healtheos.offices.permissions import acting_membership, office_function_required
from healtheos.offices.roles import Function
from healtheos.plans.models import LineOfBusiness


@office_function_required(Function.ELIGIBILITY)
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """The search form; a valid POST answers on the same request (no redirect: the
    identifiers must not travel in a URL, where logs would keep them)."""
    if request.method != "POST":
        return render(request, "eligibility/search.html", {"form": EligibilitySearchForm()})
    form = EligibilitySearchForm(request.POST)
    if not form.is_valid():
        return render(request, "eligibility/search.html", {"form": form}, status=400)
    try:
        result = eligibility_check(
            office=acting_membership(request).office,
            query=form.query(),
            channel=Channel.PORTAL,
            user=signed_in_user(request),
            request=request,
        )
    except RateLimited as limited:
        response = render(
            request,
            "eligibility/search.html",
            {"form": form, "rate_limited": limited.retry_after},
            status=429,
        )
        response["Retry-After"] = str(limited.retry_after)
        return response
    # A found patient's page offers a blank form for the next one; a miss keeps what was
    # typed so that it can be corrected.
    next_form = form if result.member is None else EligibilitySearchForm()
    return render(request, "eligibility/result.html", {"result": result, "form": next_form})


def _batch_context(request: HttpRequest, form: ScheduleUploadForm, **extra: Any) -> dict[str, Any]:
    runs = BatchRun.objects.for_office(acting_membership(request).office)[:10]
    return {"form": form, "runs": runs, **extra}


@office_function_required(Function.ELIGIBILITY)
@require_http_methods(["GET", "POST"])
def batch(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(
            request, "eligibility/batch.html", _batch_context(request, ScheduleUploadForm())
        )
    form = ScheduleUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "eligibility/batch.html", _batch_context(request, form), status=400)
    upload = form.cleaned_data["schedule"]
    try:
        run = batch_run_start(
            office=acting_membership(request).office,
            user=signed_in_user(request),
            file_name=upload.name or "schedule.csv",
            data=upload.read(),
        )
    except BatchFileError as error:
        form.add_error("schedule", str(error))
        return render(request, "eligibility/batch.html", _batch_context(request, form), status=400)
    return HttpResponseRedirect(reverse("eligibility:batch_run", args=[run.pk]))


def _run(request: HttpRequest, run_id: int) -> BatchRun:
    run = BatchRun.objects.for_office(acting_membership(request).office).filter(pk=run_id).first()
    if run is None:
        raise Http404("no such batch")
    return run


@office_function_required(Function.ELIGIBILITY)
@require_GET
def batch_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    finished = run.status in ("done", "failed")
    rows = list(run.rows.all()) if finished else []
    context = {
        "run": run,
        "rows": rows,
        "finished": finished,
        "malformed": [r for r in rows if r.error],
        "changed": sum(1 for r in rows if r.changes),
        "checked": sum(1 for r in rows if not r.error),
    }
    if finished:
        audit_record(
            action="eligibility.batch_viewed",
            actor=signed_in_user(request),
            office=run.office,
            obj=run,
            request=request,
            detail={"rows": run.total_rows},
        )
    if getattr(request, "htmx", False) and not finished:
        return render(request, "eligibility/_batch_progress.html", context)
    if getattr(request, "htmx", False) and finished:
        # The progress panel asks the page to reload itself with the results.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "eligibility/batch_run.html", context)


@office_function_required(Function.ELIGIBILITY)
@require_GET
def batch_run_csv(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="eligibility-{run.pk}.csv"'
    writer = csv.writer(response)
    columns = [
        "line",
        "patient_account",
        "member_id",
        "name",
        "outcome",
        "plan",
        "line_of_business",
        "coverage_start",
        "coverage_end",
        "office_copay",
        "deductible_remaining",
        "out_of_pocket_remaining",
        "pcp",
        "changes",
        "message",
    ]
    writer.writerow(columns)
    for row in run.rows.all():
        s = row.summary
        writer.writerow(
            [
                row.line_number,
                row.source.get("patient_account", ""),
                s.get("member_id", row.source.get("member_id", "")),
                s.get("name", ""),
                row.outcome,
                s.get("plan", ""),
                s.get("line_of_business", ""),
                s.get("coverage_start", ""),
                s.get("coverage_end", ""),
                s.get("office_copay", ""),
                s.get("deductible_remaining", ""),
                s.get("out_of_pocket_remaining", ""),
                s.get("pcp", ""),
                " ".join(row.changes),
                row.error or s.get("hint", ""),
            ]
        )
    audit_record(
        action="eligibility.batch_exported",
        actor=signed_in_user(request),
        office=run.office,
        obj=run,
        request=request,
    )
    return response


@office_function_required(Function.ELIGIBILITY)
@require_GET
def batch_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="eligibility-schedule-template.csv"'
    return response


@office_function_required(Function.ELIGIBILITY)
@require_GET
def patients(request: HttpRequest) -> HttpResponse:
    office = acting_membership(request).office
    practitioners = list(office_practitioners(office=office))
    try:
        practitioner_id = int(request.GET.get("practitioner") or 0) or None
    except ValueError:
        practitioner_id = None
    if practitioner_id not in {p.pk for p in practitioners}:
        practitioner_id = None
    lob = request.GET.get("line_of_business", "")
    if lob not in LineOfBusiness.values:
        lob = ""
    today = timezone.localdate()
    assignments = patient_list(
        office=office,
        day=today,
        filters=PatientFilter(practitioner_id=practitioner_id, line_of_business=lob),
    )
    user = signed_in_user(request)
    if request.GET.get("format") == "csv":
        audit_record(
            action="eligibility.patient_list_exported", actor=user, office=office, request=request
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="patient-list.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "member_id",
                "last_name",
                "first_name",
                "date_of_birth",
                "pcp",
                "pcp_npi",
                "eligible_today",
                "line_of_business",
            ]
        )
        for a in assignments.iterator(chunk_size=2000):
            writer.writerow(
                [
                    a.member.member_id,
                    a.member.last_name,
                    a.member.first_name,
                    a.member.birth_date.isoformat(),
                    a.provider.display_name,
                    a.provider.npi,
                    "yes" if a.eligible else "no",  # type: ignore[attr-defined]
                    a.line_of_business or "",  # type: ignore[attr-defined]
                ]
            )
        return response
    audit_record(
        action="eligibility.patient_list_viewed", actor=user, office=office, request=request
    )
    page = Paginator(assignments, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "eligibility/patients.html",
        {
            "page": page,
            "practitioners": practitioners,
            "practitioner_id": practitioner_id,
            "line_of_business": lob,
            "lines_of_business": LineOfBusiness.choices,
            "filter_query": query.urlencode(),
            "lob_labels": dict(LineOfBusiness.choices),
        },
    )
