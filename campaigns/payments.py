"""How money reaches a campaign: the payment providers. A provider starts a contribution
(what the contributor is told to do) and, for a card gateway later, confirms it from the
gateway's notification. Today: bank transfer (confirmed by the bank statement) and cash or
in-person gifts (confirmed by two treasurers). A card gateway plugs in by adding a
:class:`PaymentProvider` to :data:`PROVIDERS` under method ``card``; until then a card
contribution is refused with a clear message, never half-recorded."""

from __future__ import annotations

from typing import Any, Protocol

from flask_babel import gettext as _

from app.api import ApiError


class PaymentProvider(Protocol):
    #: stored on the contribution
    code: str

    def start(self, contribution: Any) -> None:
        """Called once the pledge is stored (a gateway would open its payment here)."""

    def confirms_itself(self) -> bool:
        """Whether the provider confirms payments (a gateway's callback), not people."""


class BankTransfer:
    code = "bank_transfer"

    def start(self, contribution: Any) -> None:  # noqa: ARG002 - nothing to open
        return None

    def confirms_itself(self) -> bool:
        return False


class InPerson:
    code = "in_person"

    def start(self, contribution: Any) -> None:  # noqa: ARG002 - nothing to open
        return None

    def confirms_itself(self) -> bool:
        return False


#: method -> provider; ``card`` has none until a gateway is contracted
PROVIDERS: dict[str, PaymentProvider] = {"transfer": BankTransfer(), "cash": InPerson()}


def provider_for(method: str) -> PaymentProvider:
    found = PROVIDERS.get(method)
    if found is None:
        raise ApiError(
            422,
            "no_provider",
            _("Card payments are not available yet: give by bank transfer or in person."),
            {"method": [_("Not available yet.")]},
        )
    return found
