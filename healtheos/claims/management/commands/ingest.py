"""``healtheos ingest FILE... [--ack-dir DIR] [--office TIN]``: X12 files from a drop folder.

The transaction set in each file decides what happens to it. An 837 is submitted for the
office whose billing provider it names (or ``--office``), exactly as an upload in the
portal would be, and its 999 and 277CA are written into ``--ack-dir``. An 835 from the
plan's payment system is balanced and stored payment by payment. Files over 4 MB get a
progress line on standard error. A line is printed per file; the exit status is 1 when any
file could not be taken at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from healtheos.claims.models import Submission, SubmissionChannel
from healtheos.claims.submission import SubmissionRefused, submission_receive
from healtheos.interop.x12 import X12SyntaxError, tokenize
from healtheos.offices.models import Office, OfficeStatus


def _facts(data: bytes) -> tuple[str, str, str]:
    """ST01, the receiver's payer ID (GS03) and the first billing provider TIN (REF*EI)."""
    try:
        segments, _ = tokenize(data, check_ids=False)
    except X12SyntaxError:
        return "", "", ""
    set_id = next((s.get(1) for s in segments if s.id == "ST"), "")
    receiver = next((s.get(3) for s in segments if s.id == "GS"), "").strip()
    tin = next((s.get(2) for s in segments if s.id == "REF" and s.get(1) == "EI"), "")
    return set_id, receiver, tin.replace("-", "")


class Command(BaseCommand):
    help = "Take X12 files (837 claims) as if they were submitted, writing their acknowledgments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--ack-dir", type=Path, default=None, help="where to write 999/277CA")
        parser.add_argument(
            "--office", default="", help="the submitting office's TIN (default: from the file)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ack_dir = Path(options["ack_dir"]) if options["ack_dir"] else None
        if ack_dir is not None:
            ack_dir.mkdir(parents=True, exist_ok=True)
        failed = 0
        for path in map(Path, options["files"]):
            try:
                line = self._one(path, ack_dir, options["office"])
            except (OSError, SubmissionRefused, CommandError) as error:
                failed += 1
                line = f"{path.name}: not taken: {error}"
            self.stdout.write(line)
        if failed:
            raise CommandError(f"{failed} file(s) could not be taken")

    def _remittance(self, path: Path, size: int) -> str:
        from healtheos.payments.remittance_ingest import remittance_ingest

        def progress(done: int) -> None:
            if size > 4 << 20:
                self.stderr.write(f"\r{path.name}: {100 * done // size:3d}%", ending="")
                self.stderr.flush()

        report = remittance_ingest(path=path, progress=progress)
        if size > 4 << 20:
            self.stderr.write("")
        return report.line()

    def _office(self, tin: str, receiver: str) -> Office:
        offices = Office.objects.filter(
            organization__tin=tin, status=OfficeStatus.APPROVED
        ).select_related("plan", "organization")
        if receiver:
            at_plan = offices.filter(plan__payer_id=receiver)
            if at_plan.exists():
                offices = at_plan
        found = list(offices[:2])
        if len(found) != 1:
            raise CommandError(
                f"no single approved office with TIN {tin or '(none in the file)'}"
                + (f" at payer {receiver}" if receiver else "")
                + "; give --office"
            )
        return found[0]

    def _one(self, path: Path, ack_dir: Path | None, office_tin: str) -> str:
        data = path.read_bytes()
        if not data.strip():
            raise SubmissionRefused("The file is empty.")
        set_id, receiver, tin = _facts(data[: 1 << 20])
        if set_id == "835":
            return self._remittance(path, len(data))
        if set_id != "837" and set_id:
            raise CommandError(f"a {set_id} is not taken by this command yet")
        office = self._office(office_tin.replace("-", "") or tin, receiver)
        large = len(data) > 4 << 20

        def progress(submission: Submission) -> None:
            if large:
                self.stderr.write(
                    f"\r{path.name}: {submission.percent:3d}% · {submission.claims_total:,} "
                    "claims stored",
                    ending="",
                )
                self.stderr.flush()

        submission = submission_receive(
            office=office,
            data=data,
            file_name=path.name,
            channel=SubmissionChannel.FILE,
            background=False,
            progress=progress,
        )
        if large:
            self.stderr.write("")
        written = []
        if ack_dir is not None:
            if submission.ack:
                target = ack_dir / f"{path.name}.{submission.ack_kind.lower()}"
                target.write_text(submission.ack)
                written.append(target.name)
            if submission.ack_277ca:
                target = ack_dir / f"{path.name}.277ca"
                target.write_text(submission.ack_277ca)
                written.append(target.name)
        acks = f" → {', '.join(written)}" if written else ""
        return (
            f"{path.name}: 837 for {office.name} · submission {submission.pk} · "
            f"{submission.claims_total} claims, {submission.claims_accepted} accepted, "
            f"{submission.claims_rejected} rejected · {submission.ack_kind or 'no'} "
            f"acknowledgment{acks}"
        )
