"""The words documents print before their values, in French, English and German.

Each list is in priority order (most specific first). Matching is case-, accent- and punctuation-insensitive
(``extractors.geometry.squash``), so ``N° de facture``, ``n de facture :`` and ``N°DE FACTURE`` are one
phrase. A supplier profile (``extractors/profiles/*.yaml``) may add phrases; it never removes any.
"""

from __future__ import annotations

from schemas import DocumentKind

# Document titles. German compounds ending in "rechnung" (Handelsrechnung, Mietrechnung…) are invoices too.
KIND_TITLES: dict[str, list[str]] = {
    DocumentKind.CREDIT_NOTE: ["facture d'avoir", "avoir", "note de crédit", "credit note", "credit memo",
                               "gutschrift", "gutschriftsanzeige"],
    DocumentKind.ORDER_RESPONSE: ["confirmation de commande", "accusé de réception de commande",
                                  "order confirmation", "order acknowledgement", "auftragsbestätigung",
                                  "bestellbestätigung"],
    DocumentKind.DELIVERY_NOTE: ["bon de livraison", "bordereau de livraison", "delivery note", "packing slip",
                                 "despatch note", "dispatch note", "lieferschein"],
    DocumentKind.ORDER: ["bon de commande", "commande", "purchase order", "order", "bestellung", "auftrag"],
    DocumentKind.INVOICE: ["facture", "invoice", "tax invoice", "rechnung", "rechnungskorrektur", "factuur",
                           "bill"],
}

# A number marker right after a title: "Facture N°", "Rechnung Nr.", "Invoice #".
NUMBER_MARKERS = ["n°", "no", "nr", "#", "num", "number", "nummer", "numéro", "numero"]

NUMBER_LABELS: dict[str, list[str]] = {
    DocumentKind.INVOICE: ["numéro de facture", "n° de facture", "n° facture", "facture n°", "invoice number",
                           "invoice no", "invoice nr", "invoice #", "invoice id", "rechnungsnummer", "rechnungs-nr",
                           "rechnung nr", "belegnummer", "beleg-nr"],
    DocumentKind.CREDIT_NOTE: ["numéro d'avoir", "n° d'avoir", "n° avoir", "avoir n°", "credit note number",
                               "credit note no", "gutschriftsnummer", "gutschrift nr", "belegnummer"],
    DocumentKind.ORDER: ["numéro de commande", "n° de commande", "n° bon de commande", "n° commande",
                         "commande n°", "purchase order number", "purchase order no", "order number", "order no",
                         "po number", "po no", "po #", "bestellnummer", "bestell-nr", "bestellung nr"],
    DocumentKind.DELIVERY_NOTE: ["numéro de bon de livraison", "n° bon de livraison", "n° de bl", "bl n°",
                                 "delivery note number", "delivery note no", "lieferscheinnummer",
                                 "lieferschein-nr", "lieferschein nr"],
    DocumentKind.ORDER_RESPONSE: ["n° de confirmation", "confirmation number", "auftragsnummer"],
}
GENERIC_NUMBER_LABELS = ["document number", "document no", "numéro", "number", "nummer", "n°", "nr", "no"]

DATE_LABELS: dict[str, list[str]] = {
    "issue_date": ["date de facture", "date facture", "date de l'avoir", "date d'émission", "date de commande",
                   "date du bon de livraison", "date d'expédition", "invoice date", "date of issue", "issue date",
                   "order date", "date issued", "issued at", "issued on", "rechnungsdatum", "belegdatum",
                   "bestelldatum", "lieferscheindatum", "ausstellungsdatum", "datum", "date", "vom", "von", "du",
                   "dated"],
    "due_date": ["date d'échéance", "date limite de paiement", "échéance", "à régler avant le", "payable avant le",
                 "payment due date", "due date", "payment due", "due on", "payable by", "remit until",
                 "fälligkeitsdatum", "fällig am", "zahlbar bis", "fälligkeit", "fällig"],
    "delivery_date": ["date de livraison", "livraison le", "delivery date", "date of delivery", "ship date",
                      "lieferdatum", "liefertermin", "liefer- und leistungsdatum", "leistungsdatum"],
    "requested_delivery_date": ["date de livraison souhaitée", "livraison souhaitée", "date de livraison",
                                "requested delivery date", "delivery date", "required by", "wunschtermin",
                                "gewünschter liefertermin", "liefertermin", "lieferdatum"],
}

REFERENCE_LABELS: dict[str, list[str]] = {
    "order_ref": ["votre commande n°", "votre commande", "n° de commande", "n° bon de commande", "commande n°",
                  "bon de commande", "réf. commande", "référence commande", "your order no", "your order",
                  "order number", "order no", "order ref", "purchase order no", "purchase order", "po number",
                  "po no", "po #", "ihre bestellung", "bestellnummer", "bestell-nr", "bestellung nr",
                  "auftragsnummer", "auftrags-nr", "auftrag nr"],
    "delivery_note_ref": ["n° bon de livraison", "bon de livraison n°", "bon de livraison", "bl n°",
                          "delivery note no", "delivery note", "lieferschein-nr", "lieferscheinnummer",
                          "lieferschein nr", "lieferschein"],
}

CURRENCY_LABELS = ["devise", "monnaie", "currency", "rechnungswährung", "währung", "beträge in", "amounts in"]

# Totals, in priority order. The generic words of GENERIC_TOTAL_LABELS ("total", "tva") come after the specific
# ones and only count outside the line table, at the start of a line or column.
SPECIFIC_TOTAL_LABELS: dict[str, list[str]] = {
    "payable": ["net à payer", "reste à payer", "solde à payer", "montant à payer", "total à payer", "à payer",
                "amount due", "balance due", "total due", "due payable", "amount payable", "payable amount",
                "zahlbetrag", "zu zahlender betrag", "zu zahlen", "fälliger betrag", "offener betrag"],
    "gross": ["total ttc", "montant ttc", "total toutes taxes comprises", "net à payer ttc", "grand total",
              "total incl. vat", "total including vat", "total incl. tax", "invoice total", "total amount",
              "amount incl. vat", "rechnungssumme brutto", "gesamtbetrag brutto", "bruttosumme", "bruttobetrag",
              "gesamtsumme brutto", "summe inkl. ust", "summe inkl. mwst", "gesamt inkl. mwst", "total inkl. mwst",
              "rechnungsbetrag", "gesamtbetrag", "endbetrag", "gesamtsumme"],
    "net": ["positionssumme", "summe positionen", "total ht", "montant ht", "total hors taxes", "total hors tva",
            "montant hors taxes", "base ht", "sous-total ht", "net total", "total net", "total excl. vat",
            "total excluding vat", "total excl. tax", "net amount", "untaxed amount", "subtotal", "sub-total",
            "sub total", "rechnungssumme netto", "rechnungssumme ohne ust", "gesamtbetrag netto", "gesamtsumme netto",
            "summe netto", "nettobetrag", "nettosumme", "warenwert", "zwischensumme"],
    "tax": ["total tva", "montant tva", "montant de la tva", "total taxes", "total des taxes", "vat total",
            "total vat", "vat amount", "tax amount", "total tax", "steuerbetrag", "umsatzsteuerbetrag",
            "mwst.-betrag", "ust.-betrag", "gesamtbetrag ust", "summe ust", "summe mwst", "zuzügl. ust", "zzgl. ust",
            "zzgl. mwst", "zuzüglich mwst", "zuzüglich ust", "plus vat", "vat total", "tva totale"],
}
GENERIC_TOTAL_LABELS: dict[str, list[str]] = {
    "payable": [],
    "gross": ["brutto", "total"],
    "net": ["netto"],
    "tax": ["mehrwertsteuer", "umsatzsteuer", "tva", "vat", "tax", "mwst", "ust"],
}
TOTAL_LABELS: dict[str, list[str]] = {name: SPECIFIC_TOTAL_LABELS[name] + GENERIC_TOTAL_LABELS[name]
                                      for name in SPECIFIC_TOTAL_LABELS}

PARTY_ANCHORS: dict[str, list[str]] = {
    "buyer": ["facturé à", "facturer à", "adresse de facturation", "client", "acheteur", "destinataire",
              "vos identifiants", "bill to", "billed to", "invoice to", "sold to", "customer", "buyer",
              "käufer/leistungsempfänger", "käufer", "rechnungsempfänger", "leistungsempfänger", "kunde",
              "auftraggeber", "besteller", "rechnungsadresse"],
    "seller": ["vendeur", "fournisseur", "émetteur", "nos références", "seller", "supplier", "vendor",
               "verkäufer", "lieferant", "rechnungsersteller", "leistungserbringer", "absender"],
    "ship_to": ["adresse de livraison", "livrer à", "livré à", "lieu de livraison", "ship to", "deliver to",
                "delivery address", "lieferadresse", "lieferanschrift", "warenempfänger"],
}

# Labels that name the identifier and sometimes its owner ("N° TVA client" is the buyer's).
IDENTIFIER_LABELS: dict[str, list[str]] = {
    "buyer_vat": ["n° tva client", "tva client", "n° tva intracommunautaire client", "customer vat",
                  "customer vat id", "buyer vat", "kunden-ust-id", "ust-id kunde"],
    "siret": ["siret", "n° siret"],
    "siren": ["siren", "n° siren", "rcs"],
    "vat": ["n° tva intracommunautaire", "n° tva intra", "tva intracommunautaire", "n° tva", "tva intra",
            "identifiant tva", "vat id", "vat no", "vat number", "vat reg no", "vat-id", "vat", "tva",
            "ust-idnr", "ust-id-nr", "ust-identnr", "ust-id", "umsatzsteuer-id", "ust-identifikationsnummer",
            "umsatzsteueridentifikationsnummer"],
    "gln": ["gln", "iln", "globale nummer", "global location number", "code ean", "ean"],
}

# Rows inside a line table that repeat a running total (a "Subtotal" after the table is the net total).
SUBTOTAL_ROW = ["sous-total", "sous total", "à reporter", "report", "reporté", "carried forward", "brought forward",
                "carry forward", "zwischensumme", "übertrag", "uebertrag"]

# Titles of the sections that follow a line table: a line starting with one ends the table.
SECTION_TITLES = ["umsatzsteueraufschlüsselung", "steueraufschlüsselung", "belegsummen", "zahlungsbedingungen",
                  "zahlungsinformationen", "bankverbindung", "conditions de paiement", "conditions de règlement",
                  "détail tva", "récapitulatif tva", "modalités de paiement", "payment terms", "payment details",
                  "vat summary", "tax summary", "vat breakdown", "bank details", "notes", "remarques"]
