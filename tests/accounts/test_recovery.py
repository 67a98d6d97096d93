from __future__ import annotations

import datetime as dt
import re
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from healtheos.accounts.models import User
from tests.conftest import World


def test_forgot_username_emails_it_and_answers_the_same_either_way(world: World) -> None:
    known = Client().post("/accounts/username/", {"email": "frank@example.test"})
    unknown = Client().post("/accounts/username/", {"email": "nobody@example.test"})

    def without_tokens(body: bytes) -> bytes:
        return re.sub(rb'(X-CSRFToken": "|value=")[A-Za-z0-9]{32,}', b"TOKEN", body)

    assert without_tokens(known.content) == without_tokens(unknown.content)
    assert len(mail.outbox) == 1
    assert "frank" in mail.outbox[0].body


def test_a_person_sees_their_sessions_and_can_end_them_all(world: World) -> None:
    laptop, phone = Client(), Client()
    laptop.force_login(world.frank)
    phone.force_login(world.frank)
    page = laptop.get("/accounts/sessions/")
    assert page.context["sessions"].count() == 2
    laptop.post("/accounts/sessions/end-all/")
    assert phone.get("/dashboard/").status_code == 302
    assert laptop.get("/dashboard/").status_code == 302


def test_accounts_unused_past_the_plan_window_are_deactivated(world: World) -> None:
    User.objects.filter(username="rita").update(last_login=timezone.now() - dt.timedelta(days=120))
    User.objects.filter(username="frank").update(last_login=timezone.now() - dt.timedelta(days=5))
    out = StringIO()
    call_command("deactivate_inactive_accounts", stdout=out)
    assert not User.objects.get(username="rita").is_active
    assert User.objects.get(username="frank").is_active
    assert "deactivated" in out.getvalue()
