"""Reading the body of one 835 transaction set, one segment at a time.

:class:`SetParser` is fed the segments between ST and SE and keeps only the claim it is
reading as mutable drafts; each finished claim is frozen at once, so memory grows with
the frozen result and not with the raw input. The loop structure (header, 1000A payer,
1000B payee, 2000 LX, 2100 CLP, 2110 SVC, PLB summary) is tracked by the last loop start
seen. Segments the guide allows but the portal does not use (CUR, RDM, TS3, TS2, MIA, MOA,
QTY, …) are passed over; money segments out of place are faults.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from decimal import Decimal

from healtheos.interop.x12.eligibility.segments import Trace, read_date, read_name
from healtheos.interop.x12.remittance.drafts import ClaimDraft, LineDraft, PartyDraft, trim
from healtheos.interop.x12.remittance.model import (
    CLAIM_STATUSES,
    HANDLING_CODES,
    PAYMENT_METHODS,
    Adjustment,
    BankAccount,
    ClaimPayment,
    Contact,
    ProviderAdjustment,
    Remittance,
    SetOrigin,
)
from healtheos.interop.x12.tokenizer import Delimiters, Segment, X12SyntaxError

_NUMBER = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_HEADER, _PAYER, _PAYEE, _LX, _CLAIM, _LINE, _SUMMARY = range(7)


_GROUPS = frozenset(("CO", "CR", "OA", "PI", "PR"))
_match_number = _NUMBER.fullmatch


def _money(text: str) -> Decimal | None:
    """An amount when ``text`` is a well-formed one, else None (the slow path says why)."""
    if text and len(text) <= 20 and _match_number(text):
        return Decimal(text)
    return None


def _quick_cas(segment: Segment) -> list[Adjustment] | None:
    """A well-formed CAS's adjustments, else None (the slow path says what is wrong)."""
    group = segment[1]
    if group not in _GROUPS:
        return None
    out = []
    size = len(segment)
    for element in range(2, size, 3):
        reason = segment[element]
        if not reason:
            continue
        amount = _money(segment[element + 1]) if element + 1 < size else None
        if amount is None:
            return None
        quantity = None
        if element + 2 < size and segment[element + 2]:
            quantity = _money(segment[element + 2])
            if quantity is None:
                return None
        out.append(Adjustment(group, reason, amount, quantity))
    return out or None


class SetParser:
    """Feed it the body segments of one 835 set with their interchange positions, then
    :meth:`finish` it at the SE."""

    def __init__(self, delimiters: Delimiters, origin: SetOrigin) -> None:
        self.delimiters = delimiters
        self.origin = origin
        self.loop = _HEADER
        self.bpr: Segment | None = None
        self.bpr_position = 0
        self.trace: Trace | None = None
        self.receiver_id = ""
        self.production_date: dt.date | None = None
        self.parties: dict[str, PartyDraft] = {}
        self.party: PartyDraft | None = None
        self.header = ""
        self.claim: ClaimDraft | None = None
        self.line: LineDraft | None = None
        self.claims: list[ClaimPayment] = []
        self.plb: list[ProviderAdjustment] = []
        self.dates: dict[str, dt.date] = {}

    # -- faults and elements ---------------------------------------------------------------

    def fault(
        self,
        message: str,
        position: int,
        segment_id: str,
        element: int = 0,
        code: str = "8",
        bad_value: str = "",
    ) -> X12SyntaxError:
        return X12SyntaxError(
            message,
            segment_position=position,
            segment_id=segment_id[:3],
            element_position=element,
            code=code,
            bad_value=bad_value[:20],
            set_code="5",
            set_position=self.origin.position,
            position_in_set=position - self.origin.position + 1,
        )

    def amount(self, segment: Segment, element: int, position: int) -> Decimal:
        text = segment[element] if element < len(segment) else ""
        if not text:
            raise self.fault(
                f"{segment[0]}{element:02d} (an amount) is missing.",
                position,
                segment[0],
                element,
                "1",
            )
        if len(text) > 20 or not _NUMBER.fullmatch(text):
            raise self.fault(
                f"{segment[0]}{element:02d} {text[:20]!r} is not a number.",
                position,
                segment[0],
                element,
                "6",
                text,
            )
        return Decimal(text)

    def code(self, segment: Segment, element: int, codes: Collection[str], position: int) -> None:
        text = segment.get(element)
        if text not in codes or not text:
            raise self.fault(
                f"{segment[0]}{element:02d} {text[:10]!r} is not one of the guide's codes.",
                position,
                segment[0],
                element,
                "7" if text else "1",
                text,
            )

    def optional(self, segment: Segment, element: int, position: int) -> Decimal | None:
        if element < len(segment) and segment[element]:
            return self.amount(segment, element, position)
        return None

    def date(self, segment: Segment, element: int, position: int) -> dt.date:
        text = segment[element] if element < len(segment) else ""
        day = self.dates.get(text)
        if day is not None:
            return day
        day = read_date(text)
        if day is not None and len(self.dates) < 4096:
            self.dates[text] = day
        if day is None:
            code = "1" if not text else "8"
            raise self.fault(
                f"{segment[0]}{element:02d} {text[:10]!r} is not a date (CCYYMMDD).",
                position,
                segment[0],
                element,
                code,
                text,
            )
        return day

    def unexpected(self, segment: Segment, position: int) -> X12SyntaxError:
        return self.fault(
            f"{segment[0]} at position {position} is not where the 835 allows it.",
            position,
            segment[0],
            code="2",
        )

    # -- feeding ---------------------------------------------------------------------------

    def feed(self, segment: Segment, position: int) -> None:
        """Read one segment. The segments that make up most of a claim (CLP, and SVC, NM1,
        LQ, DTM, REF, AMT and CAS inside a claim or a line, with well-formed values) take a
        short path that does what :meth:`_feed` would; all others, and every fault, go
        through :meth:`_feed`, which checks everything again and says what is wrong."""
        segment_id = segment[0]
        loop = self.loop
        size = len(segment)
        if segment_id == "CLP" and _PAYEE <= loop <= _LINE and size > 4:
            charge, paid = _money(segment[3]), _money(segment[4])
            text = segment[5] if size > 5 else ""
            responsibility = _money(text) if text else None
            if (
                charge is not None
                and paid is not None
                and (responsibility is not None or not text)
                and segment[1]
                and segment[2] in CLAIM_STATUSES
            ):
                self._close_claim()
                self.claim = ClaimDraft(
                    segment, position, self.header, (charge, paid, responsibility)
                )
                self.loop = _CLAIM
                return
        elif loop in (_LINE, _CLAIM):
            target = self.line if loop == _LINE else self.claim
            if segment_id == "SVC" and size > 3 and self.claim is not None:
                charge, paid = _money(segment[2]), _money(segment[3])
                text5 = segment[5] if size > 5 else ""
                text7 = segment[7] if size > 7 else ""
                units = _money(text5) if text5 else None
                original = _money(text7) if text7 else None
                if (
                    charge is not None
                    and paid is not None
                    and (units is not None or not text5)
                    and (original is not None or not text7)
                ):
                    self._close_line()
                    self.line = LineDraft(segment, position, (charge, paid, units, original))
                    self.loop = _LINE
                    return
            elif segment_id == "NM1" and loop == _CLAIM and self.claim is not None:
                self.claim.names.setdefault(segment[1] if size > 1 else "", read_name(segment))
                return
            elif segment_id == "LQ" and loop == _LINE and self.line is not None:
                if size > 1 and segment[1] == "HE":
                    self.line.remarks.append(segment[2] if size > 2 else "")
                return
            elif segment_id == "DTM":
                day = self.dates.get(segment[2]) if size > 2 else None
                if day is not None and target is not None:
                    target.dates[segment[1]] = day
                    return
            elif segment_id == "REF":
                if target is not None:
                    target.references.append(
                        (segment[1] if size > 1 else "", segment[2] if size > 2 else "")
                    )
                    return
            elif segment_id == "AMT":
                value = _money(segment[2]) if size > 2 else None
                if value is not None and target is not None:
                    target.amounts.append((segment[1], value))
                    return
            elif segment_id == "CAS" and target is not None and 2 < size <= 20:
                adjustments = _quick_cas(segment)
                if adjustments is not None:
                    target.adjustments.extend(adjustments)
                    return
        self._feed(segment, position)

    def _feed(self, segment: Segment, position: int) -> None:
        segment_id = segment[0]
        if self.bpr is None:
            if segment_id != "BPR":
                raise self.fault("An 835 begins with BPR.", position, segment_id, code="3")
            self.bpr, self.bpr_position = segment, position
            for element, codes in ((1, HANDLING_CODES), (3, "CD"), (4, PAYMENT_METHODS)):
                self.code(segment, element, codes, position)
            self.amount(segment, 2, position)
            self.date(segment, 16, position)
            return
        loop = self.loop
        if segment_id == "CLP":
            if loop in (_HEADER, _PAYER, _SUMMARY):
                raise self.unexpected(segment, position)
            self._close_claim()
            money = (
                self.amount(segment, 3, position),
                self.amount(segment, 4, position),
                self.optional(segment, 5, position),
            )
            if not segment.get(1):
                raise self.fault("CLP01 is missing.", position, "CLP", 1, "1")
            self.code(segment, 2, CLAIM_STATUSES, position)
            self.claim = ClaimDraft(segment, position, self.header, money)
            self.loop = _CLAIM
        elif segment_id == "SVC":
            if self.claim is None or loop < _CLAIM:
                raise self.unexpected(segment, position)
            self._close_line()
            line_money = (
                self.amount(segment, 2, position),
                self.amount(segment, 3, position),
                self.optional(segment, 5, position),
                self.optional(segment, 7, position),
            )
            self.line = LineDraft(segment, position, line_money)
            self.loop = _LINE
        elif segment_id == "CAS":
            target = self.line if loop == _LINE else self.claim if loop == _CLAIM else None
            if target is None:
                raise self.unexpected(segment, position)
            target.adjustments.extend(self._cas(segment, position))
        elif segment_id == "LX":
            self._close_claim()
            self.header = segment.get(1)
            self.loop = _LX
        elif segment_id == "PLB":
            self._close_claim()
            self.loop = _SUMMARY
            self._plb(segment, position)
        elif segment_id == "N1":
            if loop > _PAYEE:
                raise self.unexpected(segment, position)
            self.party = PartyDraft(segment)
            self.parties.setdefault(segment.get(1), self.party)
            self.loop = _PAYEE if segment.get(1) == "PE" else _PAYER
        elif loop >= _CLAIM and loop != _SUMMARY:
            self._claim_segment(segment, position)
        elif loop == _HEADER:
            self._header_segment(segment, position)
        elif loop in (_PAYER, _PAYEE) and self.party is not None:
            self._party_segment(segment)
        elif loop == _SUMMARY:
            raise self.unexpected(segment, position)

    def _header_segment(self, segment: Segment, position: int) -> None:
        segment_id = segment[0]
        if segment_id == "TRN" and self.trace is None:
            if not segment.get(2):
                raise self.fault("TRN02 (the trace number) is missing.", position, "TRN", 2, "1")
            self.trace = Trace(segment.get(1), segment.get(2), segment.get(3), segment.get(4))
        elif segment_id == "REF" and segment.get(1) == "EV":
            self.receiver_id = segment.get(2)
        elif segment_id == "DTM" and segment.get(1) == "405":
            self.production_date = self.date(segment, 2, position)

    def _party_segment(self, segment: Segment) -> None:
        party = self.party
        assert party is not None
        segment_id = segment[0]
        if segment_id == "N3":
            party.n3 = trim(list(segment[1:3]))
        elif segment_id == "N4":
            party.n4 = segment
        elif segment_id == "REF":
            party.references.append((segment.get(1), segment.get(2)))
        elif segment_id == "PER":
            numbers = tuple(
                (segment.get(index), segment.get(index + 1))
                for index in (3, 5, 7)
                if segment.get(index)
            )
            party.contacts.append(Contact(segment.get(1), segment.get(2), numbers))

    def _claim_segment(self, segment: Segment, position: int) -> None:
        claim, line = self.claim, self.line
        assert claim is not None
        segment_id = segment[0]
        if line is not None:
            if segment_id == "DTM":
                line.dates[segment.get(1)] = self.date(segment, 2, position)
            elif segment_id == "REF":
                line.references.append((segment.get(1), segment.get(2)))
            elif segment_id == "AMT":
                line.amounts.append((segment.get(1), self.amount(segment, 2, position)))
            elif segment_id == "LQ":
                if segment.get(1) == "HE":
                    line.remarks.append(segment.get(2))
            elif segment_id in ("NM1", "MIA", "MOA", "PER"):
                raise self.unexpected(segment, position)
            return
        if segment_id == "NM1":
            claim.names.setdefault(segment.get(1), read_name(segment))
        elif segment_id == "REF":
            claim.references.append((segment.get(1), segment.get(2)))
        elif segment_id == "DTM":
            claim.dates[segment.get(1)] = self.date(segment, 2, position)
        elif segment_id == "AMT":
            claim.amounts.append((segment.get(1), self.amount(segment, 2, position)))
        elif segment_id == "LQ":
            raise self.unexpected(segment, position)

    def _cas(self, segment: Segment, position: int) -> list[Adjustment]:
        group = segment.get(1)
        if group not in ("CO", "CR", "OA", "PI", "PR"):
            raise self.fault(
                f"CAS01 {group[:4]!r} is not a group code.", position, "CAS", 1, "7", group
            )
        out = []
        for element in range(2, min(len(segment), 20), 3):
            reason = segment[element]
            if not reason:
                continue
            amount = self.amount(segment, element + 1, position)
            quantity = self.optional(segment, element + 2, position)
            out.append(Adjustment(group, reason, amount, quantity))
        if not out:
            raise self.fault("CAS has no reason code.", position, "CAS", 2, "1")
        return out

    def _plb(self, segment: Segment, position: int) -> None:
        provider = segment.get(1)
        period = self.date(segment, 2, position)
        component = self.delimiters.component
        found = False
        for element in range(3, min(len(segment), 15), 2):
            if not segment[element]:
                continue
            reason, _, reference = segment[element].partition(component)
            amount = self.amount(segment, element + 1, position)
            self.plb.append(
                ProviderAdjustment(provider, period, reason, amount, reference, position)
            )
            found = True
        if not found:
            raise self.fault("PLB has no adjustment.", position, "PLB", 3, "1")

    # -- freezing --------------------------------------------------------------------------

    def _close_line(self) -> None:
        line, claim = self.line, self.claim
        if line is not None and claim is not None:
            claim.lines.append(line.freeze(self.delimiters.component))
        self.line = None

    def _close_claim(self) -> None:
        self._close_line()
        if self.claim is not None:
            self.claims.append(self.claim.freeze())
        self.claim = None

    def finish(self, position: int, segments: tuple[Segment, ...] = ()) -> Remittance:
        self._close_claim()
        bpr = self.bpr
        if bpr is None:
            raise self.fault("The 835 has no BPR.", position, "BPR", code="3")
        if self.trace is None:
            raise self.fault("The 835 has no TRN.", position, "TRN", code="3")
        payer, payee = self.parties.get("PR"), self.parties.get("PE")
        if payer is None or payee is None:
            missing = "PR" if payer is None else "PE"
            raise self.fault(f"The 835 has no N1*{missing}.", position, "N1", code="3")
        return Remittance(
            handling=bpr[1],
            total_paid=Decimal(bpr[2]),
            credit_debit=bpr[3],
            method=bpr[4],
            payment_format=bpr.get(5),
            sender_account=_account(bpr, 6),
            originator_id=bpr.get(10),
            originator_supplemental=bpr.get(11),
            receiver_account=_account(bpr, 12),
            payment_date=self.date(bpr, 16, self.bpr_position),
            trace=self.trace,
            receiver_id=self.receiver_id,
            production_date=self.production_date,
            payer=payer.freeze(),
            payee=payee.freeze(),
            claims=tuple(self.claims),
            provider_adjustments=tuple(self.plb),
            origin=self.origin,
            position=self.bpr_position,
            segments=segments,
        )


def _account(bpr: Segment, start: int) -> BankAccount | None:
    values = [bpr.get(index) for index in range(start, start + 4)]
    return BankAccount(*values) if any(values) else None
