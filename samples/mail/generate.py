"""Free-text order e-mails and their truth: ``.venv/bin/python samples/mail/generate.py [--out DIR]``.

Writes the samples (``NAME.eml``; mostly French orders, some English, and mails that are not orders: a
question, a complaint, an out-of-office reply, a cancellation) and ``manifest.json``, the truth of each: the
class, and for an order its number, dates, customer, delivery address and lines. ``NAME.eml.expected.json``
(what ``adv replay NAME --json`` prints) is written by the golden tests, not here.

``generate(seed, count, templates)`` makes any number of mails for tests (``templates="dev"``, the wording the
samples use) and for the benchmark (``templates="heldout"``, wording no test uses). Deterministic; never imports
our code: the mails check it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import templates_dev  # noqa: E402
import templates_heldout  # noqa: E402
from corpus import SUPPLIER, Mail  # noqa: E402
from scenario import CLASSES, build  # noqa: E402

TEMPLATES = {"dev": templates_dev, "heldout": templates_heldout}


def _fr(mail: Mail) -> bool:
    return mail.truth.language == "fr" and "forwarded" not in mail.truth.noise


def _clean(mail: Mail) -> bool:
    return not {"no accents", "quoted history", "forwarded"} & set(mail.truth.noise)


def _bullets(mail: Mail) -> bool:
    return any(f"\n{b} " in mail.body for b in "-*•")


# name, class, what the sample must show: the first seed (from 1) whose mail shows it is taken, so together the
# samples cover every kind of mail and phrasing the reader handles
SAMPLES = (
    ("commande-puces-fr", "order", lambda m: _fr(m) and _clean(m) and _bullets(m) and len(m.truth.lines) >= 3),
    ("commande-en-ligne-fr", "order", lambda m: _fr(m) and _clean(m) and not _bullets(m)
     and len(m.truth.lines) >= 2 and m.truth.ship_to is not None),
    ("commande-code-client-fr", "order", lambda m: _fr(m) and _clean(m)
     and any(line.ref_field == "buyer_item_id" for line in m.truth.lines)),
    ("commande-numero-fr", "order", lambda m: _fr(m) and _clean(m) and m.truth.number is not None
     and m.truth.requested_delivery_date is not None),
    ("commande-sans-accents-fr", "order", lambda m: m.truth.language == "fr" and "no accents" in m.truth.noise),
    ("commande-reponse-citee-fr", "order", lambda m: _fr(m) and "quoted history" in m.truth.noise),
    ("commande-transferee-fr", "order", lambda m: m.truth.language == "fr" and "forwarded" in m.truth.noise),
    ("commande-semaine-fr", "order", lambda m: _fr(m) and _clean(m) and re.search(r"semaine \d", m.body) is not None),
    ("commande-lundi-prochain-fr", "order", lambda m: _fr(m) and _clean(m) and " prochain" in m.body),
    ("commande-depot-fr", "order", lambda m: _fr(m) and _clean(m) and "dépôt de" in m.body),
    ("order-bullets-en", "order", lambda m: m.truth.language == "en" and _clean(m) and _bullets(m)),
    ("order-inline-en", "order", lambda m: m.truth.language == "en" and _clean(m) and not _bullets(m)),
    ("commande-remplace-fr", "change", lambda m: _fr(m) and _clean(m)),
    ("annulation-fr", "cancel", lambda m: _fr(m) and _clean(m)),
    ("question-fr", "question", lambda m: _fr(m) and _clean(m)),
    ("reclamation-fr", "complaint", lambda m: _fr(m) and _clean(m)),
    ("absence-fr", "out_of_office", lambda m: _fr(m) and _clean(m)),
    ("out-of-office-en", "out_of_office", lambda m: m.truth.language == "en" and _clean(m)),
    ("reglement-fr", "other", lambda m: _fr(m) and _clean(m)),
)


def _sample(name: str, kind: str, shows) -> Mail:
    for seed in range(1, 5000):
        mail = mail_for(kind, seed, "dev", name)
        if shows(mail):
            return mail
    raise LookupError(f"no seed gives a {kind} mail for {name}")


def mail_for(kind: str, seed: int, templates: str = "dev", name: str = "") -> Mail:
    return build(kind, random.Random(seed), TEMPLATES[templates], name)


def generate(seed: int, count: int, templates: str = "dev") -> list[Mail]:
    """``count`` mails of every class (about 70 % orders), the same for the same seed."""
    rng = random.Random(seed)
    mails = []
    for number in range(count):
        kind = rng.choice(CLASSES)
        mails.append(build(kind, random.Random(rng.getrandbits(32)), TEMPLATES[templates], f"{templates}-{number}"))
    return mails


def eml_bytes(mail: Mail, number: int = 0) -> bytes:
    message = EmailMessage(policy=policy.default)
    message["From"] = f"{mail.sender_name} <{mail.sender}>"
    message["To"] = f"{SUPPLIER[0]} <{SUPPLIER[1]}>"
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.sent)
    message["Message-ID"] = f"<{mail.name or number}@adv-samples.example>"
    message.set_content(mail.body)
    return message.as_bytes(policy=policy.default)


def samples() -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    manifest = {}
    for name, kind, shows in SAMPLES:
        mail = _sample(name, kind, shows)
        out[f"{name}.eml"] = eml_bytes(mail)
        manifest[f"{name}.eml"] = mail.truth.as_json()
    out["manifest.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into (default: samples/mail)")
    parser.add_argument("--show", type=int, metavar="SEED", help="print 10 dev mails of this seed instead")
    args = parser.parse_args(argv)
    if args.show is not None:
        for mail in generate(args.show, 10):
            print(f"=== {mail.name} [{mail.truth.kind}] {mail.subject}\n{mail.body}")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for relative, data in samples().items():
        (args.out / relative).write_bytes(data)
        print(args.out / relative)
    return 0


if __name__ == "__main__":
    sys.exit(main())
