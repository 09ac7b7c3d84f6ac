"""Small helpers to write EDIFACT test inputs by hand, readably."""

from __future__ import annotations

from stdnum import ean


def gln(body: str) -> str:
    """A valid 13-digit GLN/GTIN from its first 12 digits."""
    return body + ean.calc_check_digit(body)


BUYER = gln("301234500001")
SELLER = gln("376543200001")
DELIVERY = gln("301234500101")
GTIN_A = gln("376000000001")
GTIN_B = gln("376000000002")


def interchange(*messages: list[str], ref: str = "REF1", una: bool = True, count: int | None = None,
                sender: str = BUYER, syntax: str = "UNOC:3") -> str:
    """An interchange around ``messages`` (each a list of body segments without UNH/UNT)."""
    parts = ["UNA:+.? '"] if una else []
    parts.append(f"UNB+{syntax}+{sender}:14+{SELLER}:14+251120:1010+{ref}'")
    for number, body in enumerate(messages, start=1):
        parts.append(message(body, ref=f"M{number}"))
    parts.append(f"UNZ+{len(messages) if count is None else count}+{ref}'")
    return "\n".join(parts) + "\n"


def message(body: list[str], ref: str = "M1", kind: str = "ORDERS:D:96A:UN:EAN008", count: int | None = None) -> str:
    segments = [f"UNH+{ref}+{kind}'", *body]
    segments.append(f"UNT+{len(segments) + 1 if count is None else count}+{ref}'")
    return "\n".join(segments)


def order_body(number: str = "PO-1001") -> list[str]:
    return [
        f"BGM+220+{number}+9'",
        "DTM+137:20251120:102'",
        "DTM+2:20251127:102'",
        "RFF+CT:CONTRAT-7'",
        f"NAD+BY+{BUYER}::9++Maison Durand SAS+12 rue de la Paix+Lyon++69002+FR'",
        "RFF+VA:FR40303265045'",
        f"NAD+SU+{SELLER}::9++Les Comptoirs Lyonnais'",
        f"NAD+DP+{DELIVERY}::9'",
        "CUX+2:EUR:9'",
        f"LIN+1++{GTIN_A}:EN'",
        "PIA+5+GN-204:SA'",
        "IMD+F++:::Gants nitrile taille M'",
        "QTY+21:12:CT'",
        "PRI+AAA:4.50'",
        "MOA+203:54.00'",
        f"LIN+2++{GTIN_B}:EN'",
        "IMD+F++:::Huile d?'olive vierge extra 1 L'",
        "QTY+21:3'",
        "PRI+AAA:8.25'",
        "MOA+203:24.75'",
        "UNS+S'",
        "MOA+79:78.75'",
        "CNT+2:2'",
    ]
