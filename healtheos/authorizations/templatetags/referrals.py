"""``{% referrals_on_file member_pk on %}``: the patient's active referrals the acting
office can see, for the eligibility result of a plan product that requires one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from healtheos.authorizations.referrals import member_referrals
from healtheos.members.models import Member

register = template.Library()


@register.inclusion_tag("authorizations/_referrals_on_file.html", takes_context=True)
def referrals_on_file(context: template.Context, member_pk: int, on: dt.date) -> dict[str, Any]:
    membership = context.get("membership")
    if membership is None:
        return {"referrals": []}
    member = Member.objects.filter(pk=member_pk, plan_id=membership.office.plan_id).first()
    if member is None:
        return {"referrals": []}
    referrals = list(member_referrals(office=membership.office, member=member, on=on)[:5])
    return {"referrals": referrals}
