"""A full dump of the database and the data folder holds none of what reporters wrote.

After cases come in through every channel (web with a photo, a hotline operator, a
reporter's follow-up, handlers' notes and messages), every row of every table and every
file under the data folder is read back as bytes, together with all captured log output,
and none of the words, names, phone numbers or photo bytes may appear in it. Runs on
SQLite and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from covenant.grievances import files, webhooks
from covenant.grievances.models import Case
from tests.conftest import World, client_for
from tests.grievances import test_webhooks as webhook_tests
from tests.grievances.builders import (
    PASSPHRASE,
    SECRET_NAME,
    SECRET_PHONE,
    SECRET_TEXT,
    SUPPLIER_PASSPHRASE,
    photo_bytes,
    remediation_world,
)

WEB_TEXT = "canary-web supervisor Karim slapped Fatema near the cutting table"
WEB_NAME = "Fatema Begum Chowdhury"
WEB_PHONE = "+880 1819 555 123"
BENGALI = "ম্যানেজার আমাদের ওভারটাইমের টাকা দেয়নি"
OPERATOR_TEXT = "canary-operator Thursday shift lead threatened dismissal"
REPLY_TEXT = "canary-reply the fire exit was chained again today"
NOTE_TEXT = "canary-note handler met union secretary Joynal"
MESSAGE_TEXT = "canary-message please tell us which floor"
PHOTO_MARKER = b"SECRETPHOTOCOMMENT"
SMS_TEXT = "canary-sms the agent took 900 dollars recruitment fee from Shahidul"
SMS_PHONE = "+8801999888777"
WA_TEXT = "canary-whatsapp Dormitorio sin agua, jefe Hernández"
WA_PHONE = "5215512345678"
LINK_TEXT = "canary-link she named the dye house behind the bus stand"
URGENT_TEXT = "canary-urgent-reason the supervisor threatened her family"
CLOSE_TEXT = "canary-closing Rahim was moved off the line and the exit is open"
REMEDY_TEXT = "canary-remedy-text four weeks of wages repaid to Fatema"
ACTION_TEXT = "canary-action rehire the two sewers dismissed after the walkout"
EVIDENCE_TEXT = "canary-evidence signed contracts for Moushumi and Rokeya"
VERIFY_TEXT = "canary-verified called Moushumi, she is back on line 3"
MEMBER_TEXT = "canary-member-commitment we fund the back pay for Rokeya"
MEMBER_OWNER = "canary-owner Jannatul Ferdous"


def _value_bytes(value: object) -> bytes:
    if value is None:
        return b""
    if isinstance(value, memoryview):
        return value.tobytes()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    return str(value).encode("utf-8", errors="replace")


def dump_database() -> bytes:
    chunks: list[bytes] = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                chunks.extend(_value_bytes(v) for v in row)
    return b"\x00".join(chunks)


def dump_files() -> bytes:
    root = Path(django_settings.DATA_DIR)
    return b"\x00".join(p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file())


def dump_everything() -> bytes:
    return dump_database() + b"\x00" + dump_files()


def _needles(photo: bytes) -> list[bytes]:
    clean, _kind = files.clean_photo(photo)
    needles = [
        s.encode("utf-8")
        for s in (
            SECRET_TEXT,
            SECRET_NAME,
            SECRET_PHONE,
            SECRET_PHONE.lstrip("+"),
            WEB_TEXT,
            WEB_NAME,
            WEB_PHONE,
            WEB_PHONE.replace(" ", ""),
            BENGALI,
            OPERATOR_TEXT,
            REPLY_TEXT,
            NOTE_TEXT,
            MESSAGE_TEXT,
            "Karim",
            "Joynal",
            "Fatema",
            SMS_TEXT,
            SMS_PHONE,
            SMS_PHONE.lstrip("+"),
            WA_TEXT,
            WA_PHONE,
            "Shahidul",
            "Hernández",
            "Karim Tex",
            LINK_TEXT,
            URGENT_TEXT,
            CLOSE_TEXT,
            REMEDY_TEXT,
            ACTION_TEXT,
            EVIDENCE_TEXT,
            VERIFY_TEXT,
            MEMBER_TEXT,
            MEMBER_OWNER,
            "Moushumi",
            "Rokeya",
            "Jannatul",
        )
    ]
    needles.append(json.dumps(BENGALI).strip('"').encode())  # as a JSON-escaped string
    needles.append(PHOTO_MARKER)
    needles += [photo[i : i + 48] for i in range(0, len(photo) - 48, max(1, len(photo) // 8))]
    needles += [clean[i : i + 48] for i in range(0, len(clean) - 48, max(1, len(clean) // 8))]
    return needles


@pytest.mark.django_db(transaction=False)
def test_dump_holds_no_case_content(
    gw: World,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    caplog.set_level(logging.DEBUG)
    photo = photo_bytes(gps=True, comment=PHOTO_MARKER, size=(64, 48))
    mechanism = gw.extras["mechanism"]
    web = Client(REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT="DumpTestAgent/1.0")
    response = web.post(
        reverse("grievances:intake", args=[mechanism.slug, "bn"]),
        {
            "site_id": gw.extras["shared"].public_id,
            "topics": ["harassment"],
            "what": f"{WEB_TEXT}\n{BENGALI}",
            "share_contact": "1",
            "contact": f"{WEB_NAME} {WEB_PHONE}",
            "photos": [SimpleUploadedFile("IMG_0001.jpg", photo, content_type="image/jpeg")],
        },
    )
    assert response.status_code == 200
    assert Case.objects.filter(language="bn").get().attachments.count() == 1

    handler = client_for(gw.grievance_handler)
    assert (
        handler.post(
            reverse("grievances:operator_intake"),
            {"language": "en", "workplace": "Unit 4", "what": OPERATOR_TEXT, "contact": SECRET_PHONE},
        ).status_code
        == 200
    )
    assert handler.post(reverse("grievances:key"), {"action": "unlock", "passphrase": PASSPHRASE}).status_code == 302
    case = gw.extras["case"]
    handler.post(reverse("grievances:add_note", args=[case.pk]), {"text": NOTE_TEXT})
    handler.post(reverse("grievances:add_message", args=[case.pk]), {"text": MESSAGE_TEXT})
    handler.post(reverse("grievances:set_retaliation", args=[case.pk]), {"at_risk": "on", "measures": NOTE_TEXT})
    assert NOTE_TEXT in handler.get(reverse("grievances:detail", args=[case.pk])).content.decode()
    # Remedy with the site's supplier and member A: actions, evidence, verification, commitments.
    remediation_world(gw)
    action = case.actions.get()
    handler.post(reverse("grievances:open_action", args=[case.pk]), {"text": ACTION_TEXT})
    second = case.actions.exclude(pk=action.pk).get()
    supplier = client_for(gw.supplier_admin)
    supplier.post(reverse("grievances:key"), {"action": "unlock", "passphrase": SUPPLIER_PASSPHRASE})
    assert ACTION_TEXT in supplier.get(reverse("grievances:detail", args=[case.pk])).content.decode()
    supplier.post(reverse("grievances:add_evidence", args=[case.pk, second.number]), {"note": EVIDENCE_TEXT})
    handler.post(
        reverse("grievances:verify_action", args=[case.pk, second.number]),
        {"method": "desk_review", "note": VERIFY_TEXT},
    )
    client_for(gw.admin_a).post(
        reverse("grievances:add_member_entry", args=[case.pk]),
        {"kind": "commitment", "text": MEMBER_TEXT, "owner": MEMBER_OWNER},
    )
    handler.post(reverse("grievances:show_member_entry", args=[case.pk, 1]), {"shown": "on"})
    page = handler.get(reverse("grievances:detail", args=[case.pk])).content.decode()
    assert all(text in page for text in (EVIDENCE_TEXT, VERIFY_TEXT, MEMBER_TEXT, MEMBER_OWNER))
    # Linking to a site, triage, a remedy and closing: each reason, text and message sealed too.
    handler.post(
        reverse("grievances:link_site", args=[case.pk]), {"site": gw.extras["other"].public_id, "reason": LINK_TEXT}
    )
    handler.post(reverse("grievances:set_urgent", args=[case.pk]), {"urgent": "on", "reason": URGENT_TEXT})
    handler.post(reverse("grievances:acknowledge", args=[case.pk]))
    for stage in ("admissibility", "investigation"):
        handler.post(reverse("grievances:move", args=[case.pk]), {"stage": stage})
    handler.post(reverse("grievances:record_remedy", args=[case.pk]), {"type": "apology", "description": REMEDY_TEXT})
    close = {"outcome": "remedied", "message": CLOSE_TEXT}
    assert CLOSE_TEXT in handler.post(reverse("grievances:close", args=[case.pk]), close).content.decode()
    handler.post(reverse("grievances:close", args=[case.pk]), {**close, "confirm": "1"})
    case.refresh_from_db()
    assert case.facility == gw.extras["other"] and case.urgent and case.stage == "closed"
    follow = web.post(
        reverse("grievances:follow_up", args=[mechanism.slug, "en"]),
        {"receipt": gw.extras["receipt"], "action": "reply", "text": REPLY_TEXT},
    )
    assert follow.status_code == 200 and MESSAGE_TEXT in follow.content.decode()
    assert CLOSE_TEXT in follow.content.decode() and REMEDY_TEXT in follow.content.decode()
    assert MEMBER_TEXT in follow.content.decode()

    # The SMS and WhatsApp channels: a whole dialogue each, with the number left as contact.
    settings.GRIEVANCE_SMS_AUTH_TOKEN = webhook_tests.SMS_TOKEN
    settings.GRIEVANCE_WHATSAPP_APP_SECRET = webhook_tests.WA_SECRET
    sms_receipt = webhook_tests.sms_conversation(Client(), SMS_TEXT, sender=SMS_PHONE, site="Karim Tex Gazipur")
    monkeypatch.setattr(webhooks, "send_whatsapp", lambda to, text: None)
    for text in ("hi", "6", WA_TEXT, WA_TEXT, "1"):
        assert webhook_tests.send_wa(Client(), webhook_tests.wa_payload(text, sender=WA_PHONE)).status_code == 200
    # A dialogue left half-way is in the dump too.
    webhook_tests.send_sms(Client(), "hello", sender=WA_PHONE)
    webhook_tests.send_sms(Client(), "1", sender=WA_PHONE)
    webhook_tests.send_sms(Client(), WA_TEXT, sender=WA_PHONE)

    dump = dump_everything()
    assert len(dump) > 10_000  # the dump did read the database
    logs = (caplog.text + "".join(capsys.readouterr())).encode()
    for needle in _needles(photo):
        assert needle not in dump, f"found in the dump: {needle[:40]!r}"
        assert needle not in logs, f"found in the logs: {needle[:40]!r}"
    for trace in (b"198.51.100.23", b"DumpTestAgent"):
        assert trace not in dump and trace not in logs
    # Receipts are not stored either, in any form people would type them.
    for receipt in (gw.extras["receipt"].encode(), sms_receipt.encode()):
        assert receipt not in dump and receipt not in logs
