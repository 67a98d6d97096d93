"""Claim submission pages and API: upload an 837, follow its acknowledgments."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from healtheos.accounts.permissions import signed_in_user
from healtheos.apiclients.auth import problem, require_bearer
from healtheos.claims.models import Submission, SubmissionChannel
from healtheos.claims.submission import MAX_BYTES, SubmissionRefused, submission_receive
from healtheos.core.forms import UswdsFormMixin
from healtheos.offices.permissions import acting_membership, office_function_required
from healtheos.offices.roles import Function


class SubmissionUploadForm(UswdsFormMixin, forms.Form):
    file = forms.FileField(
        label="837 file",
        help_text="An 837P (professional) or 837I (institutional) file, up to 64 MB.",
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The file is larger than 64 MB; split it into several.")
        return upload


@office_function_required(Function.CLAIMS_SUBMIT)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    office = acting_membership(request).office
    form = SubmissionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            submission = submission_receive(
                office=office,
                data=file.read(),
                file_name=file.name or "claims.837",
                channel=SubmissionChannel.PORTAL,
                user=signed_in_user(request),
            )
        except SubmissionRefused as error:
            form.add_error("file", str(error))
        else:
            return HttpResponseRedirect(reverse("claims:submission", args=[submission.pk]))
    submissions = Submission.objects.for_office(office)[:20]
    status = 400 if form.errors else 200
    return render(
        request,
        "claims/submissions.html",
        {"form": form, "submissions": submissions},
        status=status,
    )


def _submission(request: HttpRequest, submission_id: int) -> Submission:
    submission = (
        Submission.objects.for_office(acting_membership(request).office)
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise Http404("no such submission")
    return submission


@office_function_required(Function.CLAIMS_VIEW)
@require_GET
def submission_detail(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = _submission(request, submission_id)
    finished = submission.status in ("done", "failed")
    # A file may hold 100,000 claims: they are shown a page at a time.
    page = Paginator(submission.claims.select_related("claim"), 100).get_page(
        request.GET.get("page")
    )
    context = {"submission": submission, "claims": page, "page": page}
    if getattr(request, "htmx", False):
        if finished:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "claims/_submission_progress.html", context)
    return render(request, "claims/submission.html", context)


def _ack_response(submission: Submission, which: str) -> HttpResponse:
    if which not in ("999", "277ca"):
        raise Http404("no such acknowledgment")
    text = submission.ack if which == "999" else submission.ack_277ca
    if not text:
        raise Http404("not acknowledged yet")
    name = f"submission-{submission.pk}-{'999' if which == '999' else '277ca'}.x12"
    if which == "999" and submission.ack_kind == "TA1":
        name = f"submission-{submission.pk}-ta1.x12"
    response = HttpResponse(text, content_type="application/edi-x12")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@office_function_required(Function.CLAIMS_VIEW)
@require_GET
def submission_ack(request: HttpRequest, submission_id: int, which: str) -> HttpResponse:
    return _ack_response(_submission(request, submission_id), which)


# -- the API -------------------------------------------------------------------------------


def submission_json(request: HttpRequest, submission: Submission) -> dict[str, object]:
    base = request.build_absolute_uri(f"/api/v1/claims/submissions/{submission.pk}")
    return {
        "id": submission.pk,
        "status": submission.status,
        "percent": submission.percent,
        "file_name": submission.file_name,
        "received_at": submission.received_at.isoformat(),
        "claims": {
            "total": submission.claims_total,
            "accepted": submission.claims_accepted,
            "rejected": submission.claims_rejected,
        },
        "acknowledgment": {"kind": submission.ack_kind, "url": f"{base}/999"}
        if submission.ack
        else None,
        "claim_acknowledgment": {"url": f"{base}/277ca"} if submission.ack_277ca else None,
        "results": [
            {
                "patient_control_number": c.patient_control_number,
                "accepted": c.accepted,
                "status": f"{c.status_category}:{c.status_code}",
                "reason": c.reason,
                "claim_number": c.claim.claim_number if c.claim else None,
            }
            for c in submission.claims.select_related("claim")
        ],
    }


@require_POST
@require_bearer("claims.submit")
def api_submit(request: HttpRequest) -> HttpResponse:
    """POST the 837 as the body (application/edi-x12). Answers 202 with the submission;
    acknowledgments follow at the URLs given (the same file sent again answers 200 with
    the first submission)."""
    office = request.acting_office  # type: ignore[attr-defined]
    before = Submission.objects.for_office(office).count()
    try:
        submission = submission_receive(
            office=office,
            data=request.body,
            file_name=request.headers.get("X-File-Name", "api.837")[:200],
            channel=SubmissionChannel.API,
            api_client=request.api_client,  # type: ignore[attr-defined]
        )
    except SubmissionRefused as error:
        return problem(400, "Bad Request", str(error))
    created = Submission.objects.for_office(office).count() > before
    response = JsonResponse(submission_json(request, submission), status=202 if created else 200)
    response["Location"] = f"/api/v1/claims/submissions/{submission.pk}"
    return response


def _api_submission(request: HttpRequest, submission_id: int) -> Submission | None:
    office = request.acting_office  # type: ignore[attr-defined]
    return Submission.objects.for_office(office).filter(pk=submission_id).first()


@require_GET
@require_bearer("claims.submit")
def api_submission(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = _api_submission(request, submission_id)
    if submission is None:
        return problem(404, "Not Found", "No such submission for this office.")
    return JsonResponse(submission_json(request, submission))


@require_GET
@require_bearer("claims.submit")
def api_submission_ack(request: HttpRequest, submission_id: int, which: str) -> HttpResponse:
    submission = _api_submission(request, submission_id)
    if submission is None:
        return problem(404, "Not Found", "No such submission for this office.")
    try:
        return _ack_response(submission, which)
    except Http404:
        return problem(404, "Not Found", "Not acknowledged yet; try again shortly.")
