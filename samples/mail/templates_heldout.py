"""Other wordings, for the benchmark's held-apart set only: no test and no sample uses them.

Different sentence frames, list layouts, date and address phrasings, signatures and non-order mails than
``templates_dev``, so the benchmark measures the extractor on phrasings it was not written against.
"""

from __future__ import annotations

import random
from datetime import timedelta

from corpus import SUPPLIER
from scenario import Context, DateSpec, LineSpec
from wording import MONTHS_EN, MONTHS_FR, WEEKDAYS_EN, WEEKDAYS_FR, day_fr, de, phone, spaced_siret


def _date_fr(spec: DateSpec, rng: random.Random) -> str:
    v = spec.value
    return {
        "dm": lambda: rng.choice((f"au plus tard le {day_fr(v)}", f"le {WEEKDAYS_FR[v.weekday()]} {day_fr(v)}",
                                  f"avant le {v.day} {MONTHS_FR[v.month - 1][:4]}.")),
        "numeric": lambda: rng.choice((f"le {v.day}/{v.month}", f"pour le {v.day:02d}.{v.month:02d}")),
        "full": lambda: rng.choice((f"le {v.day:02d}/{v.month:02d}/{v.year % 100:02d}", f"le {v.isoformat()}")),
        "weekday_next": lambda: f"{WEEKDAYS_FR[spec.weekday]} prochain",
        "weekday": lambda: rng.choice((f"d'ici {WEEKDAYS_FR[spec.weekday]}", f"ce {WEEKDAYS_FR[spec.weekday]}")),
        "tomorrow": lambda: rng.choice(("dès demain", "demain matin")),
        "hours": lambda: rng.choice((f"dans les {spec.amount}h", f"sous {spec.amount} heures")),
        "days": lambda: f"dans {spec.amount} jours",
        "business": lambda: f"d'ici {spec.amount} jours ouvrables",
        "week": lambda: rng.choice((f"en S{spec.amount}", f"sem. {spec.amount}")),
        "next_week": lambda: "début de semaine prochaine",
    }[spec.kind]()


def _date_en(spec: DateSpec, rng: random.Random) -> str:
    v = spec.value
    return {
        "dm": lambda: rng.choice((f"no later than {MONTHS_EN[v.month - 1][:3]} {v.day}",
                                  f"on {WEEKDAYS_EN[v.weekday()]} {v.day} {MONTHS_EN[v.month - 1]}")),
        "numeric": lambda: f"for {v.day:02d}/{v.month:02d}",
        "full": lambda: f"on {v.isoformat()}",
        "weekday_next": lambda: f"by next {WEEKDAYS_EN[spec.weekday]}",
        "weekday": lambda: f"by {WEEKDAYS_EN[spec.weekday]}",
        "tomorrow": lambda: "for tomorrow",
        "hours": lambda: f"within {spec.amount}h",
        "days": lambda: f"in {spec.amount} days",
        "business": lambda: f"within {spec.amount} business days",
        "week": lambda: f"during week {spec.amount}",
        "next_week": lambda: "early next week",
    }[spec.kind]()


def _row(line: LineSpec, style: str, fr: bool) -> str:
    qty = f"{line.quantity} {line.unit_word}".strip()
    desc = line.description
    if style == "table":
        return f"{line.ref or '-'} | {desc} | {qty}" if line.ref else f"{desc} | {qty}"
    if style == "qty_label":
        return (f"Qté {qty} – {desc}" if fr else f"Qty {qty} – {desc}") + (f" – code {line.ref}" if line.ref else "")
    if style == "numbered_x":
        return f"{desc} x {line.quantity}" + (f" {line.unit_word}" if line.unit else "") + \
            (f" [réf {line.ref}]" if fr and line.ref else f" [ref {line.ref}]" if line.ref else "")
    what = (f"{qty} {de(desc)}" if fr else f"{qty} of {desc}") if line.unit else f"{qty} {desc}"
    return what + ((f", référence {line.ref}" if fr else f", ref. {line.ref}") if line.ref else "")


def _lines(ctx: Context, rng: random.Random) -> str:
    fr = ctx.language == "fr"
    style = rng.choice(("table", "qty_label", "numbered_x", "sentence", "sentences"))
    if style == "sentence":
        items = [_row(line, "plain", fr) for line in ctx.lines]
        joined = items[0] if len(items) == 1 else "; ".join(items[:-1]) + (" ainsi que " if fr else " plus ") + items[-1]
        lead = rng.choice(("Je vous commande", "Il nous faudrait", "Nous aurions besoin de")) if fr else \
            rng.choice(("Kindly supply", "We will need", "Could you ship us"))
        if lead.endswith(" de"):
            return f"{lead[:-3]} {de(joined)}"
        return f"{lead} {joined}"
    if style == "sentences":
        out = []
        for k, line in enumerate(ctx.lines):
            lead = ("Il me faut aussi" if k else "Il me faut") if fr else ("Also" if k else "We need")
            out.append(f"{lead} {_row(line, 'plain', fr)}.")
        return " ".join(out)
    head = rng.choice(("Détail de la commande :", "Articles à livrer :", "Merci de préparer :")) if fr else \
        rng.choice(("Order details:", "Items:", "Please prepare:"))
    rows = [(f"{k + 1}) " if style == "numbered_x" else "") + _row(line, style, fr) for k, line in enumerate(ctx.lines)]
    return head + "\n" + "\n".join(rows)


def _site(ctx: Context, rng: random.Random) -> str:
    name, street, postcode, city = ctx.site
    fr = ctx.language == "fr"
    if ctx.site_style == "town":
        return f"À livrer sur notre site de {city}." if fr else f"Ship to our depot in {city}."
    if fr:
        return rng.choice((f"Lieu de livraison : {street} – {postcode} {city}",
                           f"Merci de livrer directement {(name + ', ') if name else ''}{street}, {postcode} {city}."))
    return f"Ship to: {(name + ', ') if name else ''}{street}, {postcode} {city}"


def signature(ctx: Context, rng: random.Random) -> str:
    fr = ctx.language == "fr"
    closing = rng.choice(("Salutations,", "Bien à vous,", "Cdlt,", "Merci et bonne journée")) if fr else \
        rng.choice(("Regards,", "Many thanks,", "Cheers,"))
    parts = [closing, f"{ctx.full_name} | {'Approvisionnement' if fr else 'Supply chain'}"]
    if ctx.with_company:
        parts.append(ctx.customer.name)
    if ctx.with_address:
        parts.append(f"{ctx.customer.street} - {ctx.customer.postal_code} {ctx.customer.city}")
    if ctx.with_phone:
        parts.append(("Standard : " if fr else "Tel ") + phone(rng, rng.random() < 0.5))
    if ctx.with_siret:
        parts.append(f"Siret {spaced_siret(ctx.customer.siret, rng)}")
    return "--\n" + "\n".join(parts) if rng.random() < 0.3 else "\n".join(parts)


def _order(ctx: Context, rng: random.Random) -> list[str]:
    fr = ctx.language == "fr"
    parts = [rng.choice(("Bonjour Mme, M.,", "Madame, Monsieur,", "Salut,", "Bonjour")) if fr else
             rng.choice(("Good morning,", "Dear team,", "Hello there,"))]
    if ctx.earlier:
        parts.append((f"Suite à notre échange, nous remplaçons la commande {ctx.earlier} par celle-ci."
                      if fr else f"Following our call, this replaces order {ctx.earlier}."))
    if ctx.number and not ctx.number_in_subject:
        parts.append(f"N° de commande : {ctx.number}" if fr else f"PO number: {ctx.number}")
    block = _lines(ctx, rng)
    parts.append(block)
    if ctx.date is not None:
        when = _date_fr(ctx.date, rng) if fr else _date_en(ctx.date, rng)
        parts.append(rng.choice((f"À livrer {when} svp.", f"Date de livraison souhaitée : {when}.")) if fr else
                     rng.choice((f"Delivery required {when}.", f"Please deliver {when}.")))
    if ctx.site:
        parts.append(_site(ctx, rng))
    return parts


def _subject(kind: str, ctx: Context, rng: random.Random) -> str:
    fr = ctx.language == "fr"
    if ctx.number and ctx.number_in_subject:
        return f"BC {ctx.number}" if fr else f"Order {ctx.number}"
    return rng.choice(("Cde", "Commande urgente", "Besoin produits", "Appro")) if fr else \
        rng.choice(("Order request", "Urgent order", "Restock"))


def _not_order(kind: str, ctx: Context, rng: random.Random) -> tuple[str, list[str]]:
    fr = ctx.language == "fr"
    from corpus import PRODUCTS
    product = rng.choice(PRODUCTS)
    what = rng.choice(product.fr if fr else product.en)
    later = ctx.sent.date() + timedelta(days=rng.randint(3, 15))
    if kind == "cancel":
        return ("Annulation" if fr else "Cancel order",
                [f"Bonjour, la commande {ctx.earlier} passée la semaine dernière est à annuler, merci."] if fr else
                [f"Hi, please cancel PO {ctx.earlier}, it was sent by mistake."])
    if kind == "question":
        return ("Renseignement" if fr else "Product question",
                ["Bonjour,", f"Est-ce que les {what} existent aussi en format professionnel ? Et quel est votre "
                 "prix par palette ?", "Bonne journée"] if fr else
                ["Hi,", f"Is the {what} also available in bulk? Could you send me a quote for 3 pallets?"])
    if kind == "complaint":
        return ("Litige livraison" if fr else "Missing items",
                ["Bonjour,", f"Il manquait 2 cartons {de(what)} dans la livraison d'hier, et le bon de livraison "
                 "était faux. C'est la deuxième fois ce mois-ci, c'est inacceptable."] if fr else
                ["Hello,", f"2 cartons of {what} were missing from yesterday's delivery and another one arrived "
                 "broken. This is unacceptable."])
    if kind == "out_of_office":
        return ("Absence" if fr else "Out of Office",
                [f"Bonjour, je suis en congés jusqu'au {day_fr(later)}. Votre message ne sera pas transféré. "
                 "En cas d'urgence, contactez l'accueil."] if fr else
                [f"Thank you for your email. I'm away until {MONTHS_EN[later.month - 1]} {later.day} and will reply "
                 "when I'm back."])
    return ("Invitation salon" if fr else "Newsletter",
            ["Bonjour,", "Nous serons présents au salon Sirha à Lyon, venez nous voir sur notre stand !"] if fr else
            ["Hello,", "Our new catalogue is out: discover 40 new products this season."])


def write(kind: str, ctx: Context, rng: random.Random) -> tuple[str, str]:
    if kind in ("order", "change"):
        parts, subject = _order(ctx, rng), _subject(kind, ctx, rng)
    else:
        subject, parts = _not_order(kind, ctx, rng)
    return subject, "\n\n".join(parts) + "\n\n" + signature(ctx, rng) + "\n"


def history(ctx: Context, rng: random.Random) -> str | None:
    if rng.random() >= 0.2:
        return None
    quoted = ["Bonjour,", "Suite à votre demande, 5 palettes sont disponibles pour le 15/11.", "Cordialement"]
    return ("-----Original Message-----\n" f"From: {SUPPLIER[0]} <{SUPPLIER[1]}>\n"
            f"Sent: {(ctx.sent - timedelta(days=3)).strftime('%d/%m/%Y %H:%M')}\nTo: {ctx.full_name}\n"
            "Subject: Disponibilités\n\n" + "\n".join(quoted) + "\n")


def forward(ctx: Context, mail, rng: random.Random):
    if rng.random() >= 0.08:
        return None
    body = ("FYI, commande reçue par téléphone puis confirmée par mail ci-dessous.\n\n"
            "________________________________\n"
            f"De : {mail.sender_name} <{mail.sender}>\nEnvoyé : {mail.sent.strftime('%d/%m/%Y %H:%M')}\n"
            f"À : ADV <adv@biofrais.example>\nObjet : {mail.subject}\n\n{mail.body}")
    return "marie.adv@biofrais.example", "Marie ADV", f"TR: {mail.subject}", body
