"""Envelope checks: control counts and references, groups, several interchanges, truncation."""

from __future__ import annotations

from edifact_builders import interchange, message, order_body

from parsers.edifact import EdifactParser


def parse(text: str, encoding: str = "utf-8"):
    return EdifactParser().parse(text.encode(encoding))


def codes(result) -> set[str]:
    found = {f.code for f in result.findings}
    for doc in result.documents:
        found |= {f.code for f in doc.findings}
    return found


def test_a_clean_interchange_has_no_envelope_findings():
    result = parse(interchange(order_body()))
    assert len(result.documents) == 1
    assert not [c for c in codes(result) if c.startswith("EDI_")]
    assert result.envelope_keys[0].endswith("/REF1")
    assert "control counts checked" in result.notes[0]


def test_wrong_unt_count_is_reported_on_that_message_only():
    text = "UNA:+.? '\nUNB+UNOC:3+S:14+R:14+251120:1010+R1'\n" + message(order_body("A"), "M1", count=99) + "\n" \
        + message(order_body("B"), "M2") + "\nUNZ+2+R1'"
    result = parse(text)
    by_number = {d.number: {f.code for f in d.findings} for d in result.documents}
    assert "EDI_UNT_COUNT" in by_number["A"]
    assert "EDI_UNT_COUNT" not in by_number["B"]


def test_wrong_unz_count_and_reference_apply_to_every_message():
    text = interchange(order_body("A"), order_body("B"), count=5).replace("UNZ+5+REF1", "UNZ+5+OTHER")
    result = parse(text)
    for doc in result.documents:
        assert {"EDI_UNZ_COUNT", "EDI_UNZ_REF"} <= {f.code for f in doc.findings}


def test_truncated_file_keeps_what_it_can_and_says_so():
    text = interchange(order_body())
    result = parse(text[: text.index("UNS+S")])
    assert {"EDI_MISSING_UNT", "EDI_MISSING_UNZ"} <= codes(result)
    assert result.documents[0].number == "PO-1001"


def test_groups_are_counted_by_une_and_unz():
    body = message(order_body(), "M1")
    text = (f"UNB+UNOC:3+S:14+R:14+251120:1010+R1'UNG+ORDERS+S+R+251120:1010+G1+UN+D:96A'{body}"
            "UNE+1+G1'UNZ+1+R1'")
    assert not [c for c in codes(parse(text)) if c.startswith("EDI_")]
    assert "EDI_UNE_COUNT" in codes(parse(text.replace("UNE+1+G1", "UNE+2+G1")))
    assert "EDI_UNE_REF" in codes(parse(text.replace("UNE+1+G1", "UNE+1+G2")))


def test_several_interchanges_with_their_own_una_in_one_file():
    first = interchange(order_body("A"), ref="R1")
    second = interchange(order_body("B"), ref="R2").replace("UNA:+.? '", "UNA:+,? '").replace("4.50", "4,50")
    result = parse(first + second)
    assert [d.number for d in result.documents] == ["A", "B"]
    assert len(result.envelope_keys) == 2
    assert result.documents[1].lines[0].unit_price == result.documents[0].lines[0].unit_price


def test_bom_and_no_line_breaks_are_fine():
    text = "\ufeff" + interchange(order_body()).replace("\n", "")
    result = parse(text)
    assert result.documents[0].number == "PO-1001"
    assert not [c for c in codes(result) if c.startswith("EDI_")]


def test_unsupported_messages_are_kept_and_reported():
    text = interchange(order_body()).replace("UNZ+1", "UNZ+2").replace(
        "UNZ+", message(["BGM+23+X+9'"], "M9", kind="IFTSTA:D:01B:UN") + "\nUNZ+"
    )
    result = parse(text)
    assert len(result.documents) == 1
    assert "EDI_UNSUPPORTED_MESSAGE" in {f.code for f in result.findings}


def test_test_indicator_sends_the_interchange_to_review():
    text = interchange(order_body()).replace("+REF1'", "+REF1++++++1'", 1)
    assert "EDI_TEST_INTERCHANGE" in codes(parse(text))


def test_duplicate_message_reference_is_flagged():
    text = "UNB+UNOC:3+S:14+R:14+251120:1010+R1'" + message(order_body("A"), "M1") + message(order_body("B"), "M1") \
        + "UNZ+2+R1'"
    assert "EDI_DUPLICATE_MESSAGE_REF" in codes(parse(text))


def test_messages_without_unb_are_mapped_but_flagged():
    result = parse(message(order_body(), "M1"))
    assert result.documents[0].number == "PO-1001"
    assert "EDI_MISSING_UNB" in codes(result)


def test_not_edifact_and_empty_inputs_end_as_findings():
    assert "EDI_EMPTY" in codes(EdifactParser().parse(b""))
    result = EdifactParser().parse(b"UNB+IBMA:1+X+Y+240809+0930+1'\nH`free`text\nE`1`2\nUNZ+1+1'")
    assert {"EDI_BAD_SYNTAX", "EDI_UNKNOWN_SYNTAX_ID"} <= codes(result)


def test_latin1_unoc_and_utf8_in_disguise_are_both_read():
    text = interchange(order_body()).replace("Maison Durand", "Crémerie Dupré")
    assert parse(text, "latin-1").documents[0].buyer.name.startswith("Crémerie Dupré")
    utf8 = parse(text, "utf-8")
    assert utf8.documents[0].buyer.name.startswith("Crémerie Dupré")
    assert "EDI_CHARSET_MISMATCH" in codes(utf8)


def test_unoa_violations_are_warned():
    result = parse(interchange(order_body(), syntax="UNOA:3"))
    assert "EDI_CHARSET_VIOLATION" in codes(result)


def test_hostile_repetition_is_capped():
    junk = "".join(f"XX{i % 10}+{i}'" for i in range(5000))
    result = EdifactParser().parse(("UNB+UNOC:3+S+R+251120:1010+R1'" + junk + "UNZ+0+R1'").encode())
    outside = [f for f in result.findings if f.code == "EDI_SEGMENT_OUTSIDE_MESSAGE"]
    assert len(outside) <= 10
    assert "EDI_MORE_FINDINGS" in codes(result)


def test_a_line_break_between_the_release_character_and_what_it_escapes():
    text = interchange(order_body()).replace("Maison Durand SAS", "L?\r\n'Epicerie").replace("\n", "\r\n")
    result = parse(text)
    assert result.documents[0].buyer.name == "L'Epicerie"
    assert not [c for c in codes(result) if c.startswith("EDI_")]


def test_a_una_holds_for_its_own_interchange_only():
    first = interchange(order_body("A"), ref="R1").replace("UNA:+.? '", "UNA:+.\\ ~").replace("'\n", "~\n")
    second = interchange(order_body("B"), ref="R2", una=False)
    result = parse(first + second)
    assert [d.number for d in result.documents] == ["A", "B"]
    assert not [c for c in codes(result) if c.startswith("EDI_")]
