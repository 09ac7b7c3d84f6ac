"""Phrases that say what a mail is for: ordering, delivery, cancelling or changing an order, asking, complaining,
being away. Matched on folded tokens (no case, no accents), so "Réponse automatique" and "reponse automatique"
are one cue. ``classify`` weighs them.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from extractors.text.vocabulary import fold

CUES: dict[str, tuple[str, ...]] = {
    "ORDER": (
        "commander", "je commande", "nous commandons", "je vous commande", "merci de nous livrer", "merci de livrer",
        "pouvez-vous nous livrer", "pourriez-vous nous livrer", "pouvez vous nous livrer", "pourriez vous nous livrer",
        "pouvez-vous nous envoyer", "pourriez-vous nous envoyer", "merci de nous envoyer", "merci de nous faire parvenir",
        "veuillez nous livrer", "veuillez livrer", "veuillez nous envoyer", "veuillez nous faire parvenir",
        "nous souhaitons commander", "je souhaiterais commander", "nous aurions besoin", "il nous faudrait",
        "il nous faut", "nous avons besoin", "j'ai besoin", "bon de commande", "notre commande", "ma commande",
        "commande", "reassort", "reapprovisionnement", "passer commande", "voici notre commande", "merci de preparer",
        "pouvez-vous preparer", "a livrer", "faire livrer", "nous prendrons", "je prendrai", "on voudrait",
        "nous voudrions", "je voudrais", "merci de nous expedier", "merci d'expedier", "merci de me livrer",
        "please send", "please ship", "please deliver", "please supply", "please dispatch", "we would like to order",
        "we'd like to order", "i would like to order", "i'd like to order", "we need", "we would need", "we will need",
        "purchase order", "our order", "kindly send", "kindly deliver", "kindly supply", "could you send",
        "could you deliver", "could you ship", "can you send", "can you deliver", "can you ship", "please find our order",
        "please book", "we would like", "we'd like", "i would like", "i'd like", "order", "po"),
    "DELIVERY": ("livrer", "livraison", "livre", "livrez", "envoyer", "expedier", "expedition", "deliver", "delivery",
                 "ship", "shipping", "dispatch", "depot", "entrepot", "warehouse"),
    "CANCEL": ("annule", "annuler", "annulez", "annulation", "annulons", "annulee", "cancel", "cancelled", "canceled",
               "cancellation", "cancelling", "ne plus livrer", "plus besoin", "no longer need"),
    "CHANGE": ("remplace", "remplacer", "remplacez", "annule et remplace", "modifier", "modifie", "modifiez",
               "modification", "rectificatif", "rectifier", "corriger", "correction", "au lieu de", "changer",
               "replace", "replaces", "replacing", "amend", "amended", "amendment", "change our order",
               "update our order", "instead of", "modify", "revised order"),
    "OUT_OF_OFFICE": ("absent", "absente", "absence", "conges", "out of office", "reponse automatique",
                      "message automatique", "automatic reply", "auto-reply", "autoreply", "de retour le",
                      "de retour lundi", "je serai de retour", "back on", "i will be back", "i'll be back",
                      "away from the office", "en deplacement", "acces limite", "limited access", "vacances",
                      "holiday", "annual leave", "en cas d'urgence", "in case of emergency", "in urgent cases",
                      "pour toute urgence", "je n'aurai pas acces", "without access"),
    "COMPLAINT": ("reclamation", "abime", "abimes", "abimee", "abimees", "casse", "casses", "cassee", "cassees",
                  "endommage", "endommages", "endommagee", "endommagees", "manquant", "manquants", "manquait",
                  "manque", "erreur de livraison", "litige", "non conforme", "pas recu", "toujours pas recu",
                  "toujours pas", "en retard", "retard", "mecontent", "mecontents", "decu", "decus", "inadmissible",
                  "inacceptable", "perime", "perimes", "avoir", "remboursement", "reprendre", "retour de marchandise",
                  "damaged", "broken", "missing", "wrong", "complaint", "late", "not received", "never received",
                  "refund", "credit note", "disappointed", "unacceptable", "expired", "leaking", "fuit", "fuyaient",
                  "probleme", "problem", "souci", "erreur", "defectueux", "defective"),
    "QUESTION": ("est-ce que", "est ce que", "pourriez-vous me dire", "pouvez-vous me dire", "pouvez-vous m'indiquer",
                 "pourriez-vous m'indiquer", "auriez-vous", "avez-vous", "disponible", "disponibilite", "tarif",
                 "tarifs", "prix", "devis", "catalogue", "delai", "delais", "renseignement", "renseignements",
                 "information", "informations", "savoir si", "quel est", "quelle est", "quels sont", "combien",
                 "could you tell", "can you tell", "do you have", "do you stock", "is it possible", "availability",
                 "available", "price", "prices", "quote", "quotation", "lead time", "question", "wondering",
                 "would it be possible", "serait-il possible", "est-il possible", "fiche technique", "data sheet"),
    "OTHER": ("facture", "factures", "paiement", "virement", "reglement", "invoice", "payment", "remittance",
              "newsletter", "webinar", "desinscrire", "unsubscribe", "merci pour la livraison", "bien recu",
              "thank you for the delivery", "releve", "statement", "rendez-vous", "meeting", "salon", "invitation",
              "nouveau catalogue", "promotion", "promo"),
}


_NOT_BY_LEMMA = {"avoir", "livre", "commande", "order", "manque", "souci", "retard", "late", "prix", "price"}


@Language.factory("adv_cues")
class CueFinder:
    """Labels cue phrases in ``doc.spans["adv_cues"]``; the longest phrase wins where two overlap."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.matcher = Matcher(nlp.vocab)
        for label, phrases in CUES.items():
            patterns = [[{"_": {"fold": fold(t.text)}} for t in nlp.make_doc(phrase)] for phrase in phrases]
            # one-word cues also match by lemma: "remplaçons", "annulée", "livrerez"
            patterns += [[{"_": {"fold_lemma": fold(phrase)}}] for phrase in phrases if " " not in phrase
                         and "-" not in phrase and phrase not in _NOT_BY_LEMMA]
            self.matcher.add(label, patterns)

    def __call__(self, doc: Doc) -> Doc:
        found = self.matcher(doc, as_spans=True)
        doc.spans["adv_cues"] = filter_spans(found)
        return doc
