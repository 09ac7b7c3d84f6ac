"""The wording of the sample and test mails (the benchmark's held-apart set uses ``templates_heldout``)."""

from __future__ import annotations

import random
from datetime import timedelta

from corpus import SUPPLIER
from scenario import Context, DateSpec, LineSpec
from wording import MONTHS_EN, WEEKDAYS_EN, WEEKDAYS_FR, day_fr, de, ordinal, phone, spaced_siret


MONTH_ABBREVIATIONS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
                       "déc.")


def _date_fr(spec: DateSpec, rng: random.Random) -> str:
    v = spec.value
    return {
        "dm": lambda: rng.choice((f"pour le {day_fr(v)}", f"le {day_fr(v)}")),
        "numeric": lambda: f"pour le {v.day:02d}/{v.month:02d}",
        "full": lambda: f"le {v.day:02d}/{v.month:02d}/{v.year}",
        "weekday_next": lambda: f"pour {WEEKDAYS_FR[spec.weekday]} prochain",
        "weekday": lambda: f"pour {WEEKDAYS_FR[spec.weekday]}",
        "tomorrow": lambda: "pour demain",
        "hours": lambda: f"sous {spec.amount}h",
        "days": lambda: f"sous {spec.amount} jours",
        "business": lambda: f"sous {spec.amount} jours ouvrés",
        "week": lambda: f"semaine {spec.amount}",
        "next_week": lambda: "la semaine prochaine",
    }[spec.kind]()


def _date_en(spec: DateSpec, rng: random.Random) -> str:
    v = spec.value
    return {
        "dm": lambda: rng.choice((f"by {MONTHS_EN[v.month - 1]} {ordinal(v.day)}", f"on {v.day} {MONTHS_EN[v.month - 1]}")),
        "numeric": lambda: f"on {v.day:02d}/{v.month:02d}",
        "full": lambda: f"on {v.day:02d}/{v.month:02d}/{v.year}",
        "weekday_next": lambda: f"next {WEEKDAYS_EN[spec.weekday]}",
        "weekday": lambda: f"on {WEEKDAYS_EN[spec.weekday]}",
        "tomorrow": lambda: "tomorrow",
        "hours": lambda: f"within {spec.amount} hours",
        "days": lambda: f"within {spec.amount} days",
        "business": lambda: f"within {spec.amount} working days",
        "week": lambda: f"in week {spec.amount}",
        "next_week": lambda: "next week",
    }[spec.kind]()


def _line_fr(line: LineSpec, style: str) -> str:
    qty = f"{line.quantity} {line.unit_word}".strip()
    what = f"{qty} {de(line.description)}" if line.unit else f"{qty} {line.description}"
    ref = f" (réf. {line.ref})" if line.ref else ""
    if style == "ref_first" and line.ref:
        return f"réf. {line.ref} : {qty}" + (f" {de(line.description)}" if line.unit else f" {line.description}")
    if style == "desc_first":
        return f"{line.description[:1].upper()}{line.description[1:]}{ref} : {qty}"
    return what + ref


def _line_en(line: LineSpec, style: str) -> str:
    qty = f"{line.quantity} {line.unit_word}".strip()
    what = f"{qty} of {line.description}" if line.unit else f"{qty} {line.description}"
    ref = f" (item {line.ref})" if line.ref else ""
    if style == "desc_first":
        return f"{line.description[:1].upper()}{line.description[1:]}{ref}: {qty}"
    return what + ref


def _lines(ctx: Context, rng: random.Random) -> str:
    fr = ctx.language == "fr"
    style = rng.choice(("bullets", "bullets", "inline", "ref_first", "desc_first"))
    render = _line_fr if fr else _line_en
    if style == "inline" or (style == "ref_first" and not all(line.ref for line in ctx.lines)):
        items = [render(line, "plain") for line in ctx.lines]
        joined = items[0] if len(items) == 1 else ", ".join(items[:-1]) + (" et " if fr else " and ") + items[-1]
        lead = rng.choice(("merci de nous livrer", "pourriez-vous nous livrer", "nous souhaitons commander")) if fr \
            else rng.choice(("please send us", "we would like to order", "could you deliver"))
        return f"{lead[:1].upper()}{lead[1:]} {joined}"
    bullet = rng.choice(("- ", "* ", "• "))
    head = rng.choice(("Voici notre commande :", "Merci de nous livrer :", "Pouvez-vous nous livrer :")) if fr else \
        rng.choice(("Please find our order below:", "Please send us:", "We would like to order:"))
    return head + "\n" + "\n".join(bullet + render(line, style) for line in ctx.lines)


def _site_fr(ctx: Context, rng: random.Random) -> str:
    name, street, postcode, city = ctx.site
    if ctx.site_style == "town":
        return f"Livraison à notre {rng.choice(('dépôt', 'entrepôt'))} de {city}."
    if name and rng.random() < 0.5:
        return f"Adresse de livraison :\n{name}\n{street}\n{postcode} {city}"
    return f"Livraison au {street}, {postcode} {city}."


def _site_en(ctx: Context, rng: random.Random) -> str:
    name, street, postcode, city = ctx.site
    if ctx.site_style == "town":
        return f"Delivery to our warehouse in {city}, please."
    return f"Delivery address: {street}, {postcode} {city}."


def signature(ctx: Context, rng: random.Random) -> str:
    fr = ctx.language == "fr"
    closing = rng.choice(("Cordialement,", "Bien cordialement,", "Bonne journée,", "Merci d'avance,")) if fr else \
        rng.choice(("Best regards,", "Kind regards,", "Thanks,"))
    parts = [closing, ctx.full_name]
    role = rng.choice(("Service achats", "Responsable achats", "Achats", "Direction")) if fr else \
        rng.choice(("Purchasing", "Buyer", "Procurement manager"))
    if ctx.with_company:
        parts.append(f"{role} - {ctx.customer.name}" if rng.random() < 0.6 else ctx.customer.name)
    if ctx.with_phone:
        parts.append(("Tél : " if fr else "Phone: ") + phone(rng, not fr))
    if ctx.with_address:
        parts += [ctx.customer.street, f"{ctx.customer.postal_code} {ctx.customer.city}"]
    if ctx.with_siret:
        parts.append(f"SIRET : {spaced_siret(ctx.customer.siret, rng)}")
    return "\n".join(parts)


def _order_fr(ctx: Context, rng: random.Random) -> list[str]:
    parts = [rng.choice(("Bonjour,", "Bonjour Madame, Monsieur,", "Bonjour à tous,"))]
    if ctx.earlier:
        parts.append(rng.choice((f"Cette commande annule et remplace notre commande n° {ctx.earlier}.",
                                 f"Merci de modifier notre commande {ctx.earlier} comme suit :")))
    if ctx.number and not ctx.number_in_subject:
        parts.append(rng.choice((f"Voici notre bon de commande n° {ctx.number}.", f"Réf. commande : {ctx.number}")))
    block = _lines(ctx, rng)
    if ctx.date is not None:
        when = _date_fr(ctx.date, rng)
        if "\n" in block:
            parts += [block, f"Livraison souhaitée {when}, merci." if not when.startswith("pour") else
                      f"Livraison {when} si possible."]
        else:
            parts.append(f"{block} {when}.")
    else:
        parts.append(block + ("." if "\n" not in block else ""))
    if ctx.site:
        parts.append(_site_fr(ctx, rng))
    parts.append(rng.choice(("Merci de nous confirmer la date de livraison.", "Merci par avance.",
                             "N'hésitez pas à m'appeler en cas de question.", "")))
    return [p for p in parts if p]


def _order_en(ctx: Context, rng: random.Random) -> list[str]:
    parts = [rng.choice(("Hello,", "Dear Sir or Madam,", "Hi team,"))]
    if ctx.earlier:
        parts.append(rng.choice((f"This order replaces our order no. {ctx.earlier}.",
                                 f"Please amend our order {ctx.earlier} as follows:")))
    if ctx.number and not ctx.number_in_subject:
        parts.append(f"Our purchase order number is {ctx.number}.")
    block = _lines(ctx, rng)
    if ctx.date is not None:
        when = _date_en(ctx.date, rng)
        parts += [block, f"We need the delivery {when}."] if "\n" in block else [f"{block} {when}."]
    else:
        parts.append(block + ("." if "\n" not in block else ""))
    if ctx.site:
        parts.append(_site_en(ctx, rng))
    parts.append(rng.choice(("Please confirm the delivery date.", "Thank you in advance.", "")))
    return [p for p in parts if p]


def _subject(kind: str, ctx: Context, rng: random.Random) -> str:
    fr = ctx.language == "fr"
    if ctx.number and ctx.number_in_subject:
        return f"Commande {ctx.number}" if fr else f"PO {ctx.number}"
    if kind == "change":
        return f"Modification commande {ctx.earlier}" if fr else f"Change to order {ctx.earlier}"
    return rng.choice(("Commande", "Nouvelle commande", "Commande semaine", "Réassort")) if fr else \
        rng.choice(("Order", "New order", "Purchase order"))


def _not_order(kind: str, ctx: Context, rng: random.Random) -> tuple[str, list[str]]:
    fr = ctx.language == "fr"
    from corpus import PRODUCTS
    product = rng.choice(PRODUCTS)
    what = rng.choice(product.fr if fr else product.en)
    later = ctx.sent.date() + timedelta(days=rng.randint(3, 15))
    if kind == "cancel":
        return (f"Annulation commande {ctx.earlier}" if fr else f"Cancellation of order {ctx.earlier}",
                ["Bonjour,", f"Merci d'annuler notre commande n° {ctx.earlier}, nous n'en avons plus besoin.",
                 "Désolé pour le dérangement."] if fr else
                ["Hello,", f"Please cancel our order {ctx.earlier}; we no longer need it.", "Sorry for the trouble."])
    if kind == "question":
        return (rng.choice(("Question", "Demande de renseignement", "Disponibilité")) if fr else "Question",
                ["Bonjour,", f"Pourriez-vous me dire si vous avez des {what} en stock ? Quel serait le délai "
                 f"pour {rng.randint(5, 50)} cartons ?", "Merci de votre retour."] if fr else
                ["Hello,", f"Do you have {what} in stock? What would be the lead time for {rng.randint(5, 50)} "
                 "cartons?", "Thanks for letting me know."])
    if kind == "complaint":
        n = rng.randint(2, 6)
        return (rng.choice(("Réclamation livraison", "Problème livraison")) if fr else "Complaint about delivery",
                ["Bonjour,", f"Nous avons reçu ce matin notre livraison mais {n} cartons {de(what)} étaient abîmés.",
                 "Merci de nous faire un avoir ou de les remplacer rapidement."] if fr else
                ["Hello,", f"We received our delivery this morning but {n} cartons of {what} were damaged.",
                 "Please send us a credit note or replace them."])
    if kind == "out_of_office":
        back = day_fr(later) if fr else f"{later.day} {MONTHS_EN[later.month - 1]}"
        return ("Réponse automatique : Commande" if fr else "Automatic reply: Order",
                ["Bonjour,", f"Je suis absent(e) du bureau jusqu'au {back} inclus.",
                 f"Pour toute urgence, merci de contacter le service achats au {phone(rng)}."] if fr else
                ["Hello,", f"I am out of the office until {back} with limited access to e-mail.",
                 "For urgent matters please contact our purchasing team."])
    return ("Règlement facture" if fr else "Payment",
            ["Bonjour,", f"Le virement de la facture F-2025-{rng.randint(100, 999)} a été effectué ce jour.",
             "Bonne réception."] if fr else
            ["Hello,", f"The payment for invoice F-2025-{rng.randint(100, 999)} was sent today.", "Best wishes."])


def write(kind: str, ctx: Context, rng: random.Random) -> tuple[str, str]:
    if kind in ("order", "change"):
        parts = _order_fr(ctx, rng) if ctx.language == "fr" else _order_en(ctx, rng)
        subject = _subject(kind, ctx, rng)
    else:
        subject, parts = _not_order(kind, ctx, rng)
    return subject, "\n\n".join(parts) + "\n\n" + signature(ctx, rng) + "\n"


def history(ctx: Context, rng: random.Random) -> str | None:
    """A quoted earlier message below the reply (with quantities of its own, which must not be read)."""
    if rng.random() >= 0.2:
        return None
    earlier = ctx.sent - timedelta(days=rng.randint(2, 20))
    if ctx.language == "fr":
        head = (f"Le {WEEKDAYS_FR[earlier.weekday()][:3]}. {earlier.day} {MONTH_ABBREVIATIONS[earlier.month - 1]} "
                f"{earlier.year} à {earlier.hour:02d}:{earlier.minute:02d}, {SUPPLIER[0]} <{SUPPLIER[1]}> a écrit :")
        quoted = ["Bonjour,", "Votre commande de 10 cartons de gants nitrile a bien été expédiée ce jour.",
                  "Livraison prévue le 12/10.", "Cordialement,", "Service clients BioFrais"]
    else:
        head = f"On {earlier.strftime('%a, %d %b %Y')} at {earlier.hour:02d}:{earlier.minute:02d}, {SUPPLIER[0]} " \
               f"<{SUPPLIER[1]}> wrote:"
        quoted = ["Hello,", "Your order of 10 cartons of nitrile gloves was shipped today.", "Regards,",
                  "BioFrais customer service"]
    return head + "\n" + "\n".join("> " + line for line in quoted) + "\n"


def forward(ctx: Context, mail, rng: random.Random):
    """Sometimes the order reaches ADV forwarded by a sales rep: (sender, name, subject, body) of the forward."""
    if rng.random() >= 0.08:
        return None
    when = mail.sent.strftime("%d/%m/%Y %H:%M")
    body = ("Bonjour,\n\nPour saisie, merci.\n\nJean\n\n---------- Message transféré ----------\n"
            f"De : {mail.sender_name} <{mail.sender}>\nDate : {when}\nObjet : {mail.subject}\n"
            f"À : Jean Commercial <jean.commercial@biofrais.example>\n\n{mail.body}")
    return "jean.commercial@biofrais.example", "Jean Commercial", f"TR: {mail.subject}", body
