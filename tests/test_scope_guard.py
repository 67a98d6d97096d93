from __future__ import annotations

import pytest

from healtheos.authorizations.models import PriorAuthorization
from healtheos.claims.models import Claim
from healtheos.core.tenancy import UnscopedQueryError
from healtheos.messaging.models import Thread
from healtheos.payments.models import Payment
from tests.conftest import World

SCOPED_MODELS = [Claim, PriorAuthorization, Payment, Thread]


@pytest.mark.parametrize("model", SCOPED_MODELS)
def test_an_unscoped_query_of_office_data_fails_loudly(world: World, model: type) -> None:
    with pytest.raises(UnscopedQueryError):
        list(model.objects.all())
    with pytest.raises(UnscopedQueryError):
        model.objects.filter(pk=1).exists()
    with pytest.raises(UnscopedQueryError):
        model.objects.count()


@pytest.mark.parametrize("model", SCOPED_MODELS)
def test_a_scoped_query_sees_only_its_own_office(world: World, model: type) -> None:
    mine = list(model.objects.for_office(world.bluebonnet.office))
    theirs = list(model.objects.for_office(world.prairie.office))
    assert len(mine) == 1
    assert len(theirs) == 1
    assert mine[0].pk != theirs[0].pk


def test_scope_survives_chaining(world: World) -> None:
    queryset = Claim.objects.for_office(world.bluebonnet.office).order_by("claim_number")
    assert queryset.filter(status="received").count() == 1


def test_payer_wide_queries_are_explicit(world: World) -> None:
    assert Claim.objects.payer_wide().count() == 2
