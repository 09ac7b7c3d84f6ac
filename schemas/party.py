"""Parties (seller, buyer, ship-to) with the identifiers a French ADV team matches on."""

from __future__ import annotations

from schemas.base import FrozenModel


class Address(FrozenModel):
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2


class Party(FrozenModel):
    name: str | None = None
    gln: str | None = None  # GS1 Global Location Number, 13 digits
    vat_id: str | None = None  # intra-community VAT number, e.g. FR40303265045
    siren: str | None = None
    siret: str | None = None
    internal_id: str | None = None  # a code assigned by buyer or seller (EDIFACT code list 91/92)
    iban: str | None = None  # the seller's bank account on invoices
    address: Address | None = None

    @property
    def key(self) -> str | None:
        """The strongest identifier, used to recognise the same party across documents."""
        for prefix, value in (("gln", self.gln), ("vat", self.vat_id), ("siret", self.siret), ("siren", self.siren)):
            if value:
                return f"{prefix}:{value}"
        if self.internal_id:
            return f"id:{self.internal_id}"
        if self.name:
            return f"name:{self.name.casefold()}"
        return None
