"""Intake, receipts, routing, handling and remedy through the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from covenant.core.actors import Actor
from covenant.core.models import AuditEvent
from covenant.grievances import crypto, files, selectors, services
from covenant.grievances.models import Attachment, Case, CaseEntry, CaseRecipient, Participation, Stage
from tests.conftest import World, actor_of, make_org, make_user
from tests.factories import link, make_facility
from tests.grievances.builders import PASSPHRASE, SECRET_TEXT, photo_bytes

ANON = Actor.anonymous()


def _intake(w: World, **extra: object) -> services.Intake:
    fields: dict[str, object] = {
        "mechanism": w.extras["mechanism"],
        "channel": "web",
        "language": "en",
        "what": "They keep our passports",
        "topics": ["forced_labour"],
        "facility": w.extras["shared"],
    }
    fields.update(extra)
    return services.Intake(**fields)  # type: ignore[arg-type]


def _handler_key(w: World) -> bytes:
    return services.unlock_key(actor_of(w.grievance_handler), PASSPHRASE)


def _case_key(w: World, case: Case) -> bytes:
    key = services.case_key_for(actor_of(w.grievance_handler), case, _handler_key(w))
    assert key is not None
    return key


# --- Crypto ------------------------------------------------------------------------------


def test_crypto_round_trips_and_binds_context() -> None:
    key = crypto.new_key()
    blob = crypto.encrypt(key, b"hello", b"case:1:content")
    assert crypto.decrypt(key, blob, b"case:1:content") == b"hello"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(key, blob, b"case:2:content")  # moved to another case
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(crypto.new_key(), blob, b"case:1:content")
    keys = crypto.new_org_keys("a long passphrase", opslimit=1, memlimit=8 * 1024 * 1024)
    private = crypto.unwrap_with_passphrase(keys.by_passphrase, "a long passphrase")
    assert crypto.public_key_of(private) == keys.public_key
    assert crypto.unwrap_with_recovery_key(keys.by_recovery, keys.recovery_key.lower()) == private
    with pytest.raises(crypto.DecryptionError):
        crypto.unwrap_with_passphrase(keys.by_passphrase, "wrong passphrase!")
    sealed = crypto.seal_to(keys.public_key, key)
    assert crypto.open_sealed(private, sealed) == key


def test_receipts_are_16_random_digits_and_normalised() -> None:
    receipts = {crypto.new_receipt() for _ in range(200)}
    assert len(receipts) == 200
    assert all(len(r) == 16 and r.isdigit() for r in receipts)
    assert crypto.normalize_receipt("1234 5678-1234.5678") == "1234567812345678"
    assert crypto.normalize_receipt("১২৩৪৫৬৭৮১২৩৪৫৬৭৮") == "1234567812345678"  # Bengali digits
    assert crypto.normalize_receipt("١٢٣٤٥٦٧٨١٢٣٤٥٦٧٨") == "1234567812345678"  # Arabic-Indic digits
    assert crypto.normalize_receipt("12345") is None
    assert crypto.normalize_receipt("1234567812345678x") is None


# --- Intake and follow-up ---------------------------------------------------------------------


def test_submit_stores_content_only_encrypted_and_receipt_only_hashed(gw: World) -> None:
    case = gw.extras["case"]
    receipt = gw.extras["receipt"]
    assert SECRET_TEXT.encode() not in bytes(case.content_enc)
    assert receipt not in case.receipt_lookup
    assert len(case.receipt_lookup) == 64
    assert case.anonymous is False  # contact details were given
    content = services.read_content(case, _case_key(gw, case))
    assert content.what == SECRET_TEXT
    # No audit event for what a reporter does: its timestamp would give the time of day.
    assert not AuditEvent.objects.filter(object_type="grievances.case").exists()


def test_follow_up_with_receipt_reads_updates_and_adds_information(gw: World) -> None:
    case = gw.extras["case"]
    services.acknowledge(actor_of(gw.grievance_handler), case)
    services.message_reporter(actor_of(gw.grievance_handler), case, _case_key(gw, case), "Can you tell us the date?")
    opened = services.open_case(crypto.format_receipt(gw.extras["receipt"]), "src-1")
    assert opened is not None and opened.case.pk == case.pk
    assert opened.case.stage == Stage.ACKNOWLEDGED
    bodies = [services.entry_body(e, opened.key) for e in opened.case.entries.all()]
    assert "Can you tell us the date?" in bodies
    services.reporter_reply(opened, "It was on Monday", [photo_bytes("PNG")])
    assert case.attachments.count() == 2
    last = case.entries.order_by("-seq").first()
    assert last is not None and services.entry_body(last, _case_key(gw, case)) == "It was on Monday"


def test_wrong_receipt_answers_the_same_as_no_case(gw: World) -> None:
    receipt = gw.extras["receipt"]
    wrong = ("0" if receipt[0] != "0" else "1") + receipt[1:]
    assert services.open_case(wrong, "src-a") is None
    assert services.open_case("9999999999999999", "src-b") is None
    assert services.open_case("not a receipt", "src-c") is None


def test_guessing_is_throttled_per_source_and_per_receipt(gw: World, settings: object) -> None:
    for i in range(settings.GRIEVANCE_THROTTLE_PER_SOURCE):  # type: ignore[attr-defined]
        assert services.open_case(f"{i:016d}", "guesser") is None
    with pytest.raises(services.Throttled):
        services.open_case(gw.extras["receipt"], "guesser")  # even the right one, from that source
    # Per receipt, from many sources.
    for i in range(settings.GRIEVANCE_THROTTLE_PER_RECEIPT):  # type: ignore[attr-defined]
        services.open_case("1111222233334444", f"botnet-{i}")
    with pytest.raises(services.Throttled):
        services.open_case("1111222233334444", "botnet-new")
    # The real reporter, from elsewhere, is unaffected.
    assert services.open_case(gw.extras["receipt"], "reporter") is not None


def test_operator_receipt_is_replaced_at_first_follow_up(gw: World) -> None:
    handler = actor_of(gw.grievance_handler)
    submitted = services.submit(handler, _intake(gw, channel="operator", contact=""))
    assert submitted.case.receipt_must_change
    opened = services.open_case(submitted.receipt, "caller")
    assert opened is not None and opened.new_receipt and opened.new_receipt != submitted.receipt
    assert services.open_case(submitted.receipt, "caller") is None  # the read-out number stops working
    again = services.open_case(opened.new_receipt, "caller")
    assert again is not None and again.case.pk == submitted.case.pk and again.new_receipt == ""


def test_operator_intake_only_by_handlers(gw: World) -> None:
    with pytest.raises(PermissionDenied):
        services.submit(actor_of(gw.coordinator), _intake(gw, channel="operator"))
    with pytest.raises(PermissionDenied):
        services.submit(ANON, _intake(gw, channel="operator"))


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Case.objects.count(),
        CaseEntry.objects.count(),
        Attachment.objects.count(),
        CaseRecipient.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize(
    ("what", "photos", "message"),
    [
        ("", [], "Please write what happened."),
        ("   \n ", [], "Please write what happened."),
        ("text", [b"GIF89a" + b"\0" * 40], "Only photos (JPEG or PNG) can be sent."),
        ("text", [b"%PDF-1.4 not a photo"], "Only photos (JPEG or PNG) can be sent."),
        ("text", [b"\xff\xd8\xff" + b"garbage" * 10], "This photo could not be read. Try another one."),
        ("text", [photo_bytes(), photo_bytes(), photo_bytes(), photo_bytes()], "Send at most 3 photos."),
    ],
)
def test_bad_input_is_refused_with_nothing_half_stored(gw: World, what: str, photos: list[bytes], message: str) -> None:
    before = _counts()
    files_before = sorted(p.name for p in files.folder().iterdir())
    with pytest.raises(ValidationError) as exc:
        services.submit(ANON, _intake(gw, what=what, photos=photos))
    assert message in exc.value.messages
    assert _counts() == before
    assert sorted(p.name for p in files.folder().iterdir()) == files_before


def test_oversized_photo_refused(gw: World, settings: object) -> None:
    settings.GRIEVANCE_PHOTO_MAX_BYTES = 1024  # type: ignore[attr-defined]
    before = _counts()
    with pytest.raises(ValidationError, match="too large"):
        services.submit(ANON, _intake(gw, photos=[photo_bytes(size=(400, 400)) + b"\0" * 2048]))
    assert _counts() == before


def test_failure_after_files_were_written_removes_them(gw: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    before = _counts()
    files_before = set(files.folder().iterdir())
    monkeypatch.setattr(Attachment, "save", boom)  # after the encrypted file was written
    with pytest.raises(RuntimeError):
        services.submit(ANON, _intake(gw, photos=[photo_bytes()]))
    assert _counts() == before
    assert set(files.folder().iterdir()) == files_before


def test_photos_are_stripped_of_metadata() -> None:
    raw = photo_bytes(gps=True, comment=b"SECRETCOMMENT")
    assert b"SECRETCAM" in raw and b"SECRETCOMMENT" in raw
    clean, kind = files.clean_photo(raw)
    assert kind == "image/jpeg"
    assert b"SECRETCAM" not in clean and b"SECRETCOMMENT" not in clean and b"Exif" not in clean
    png, kind = files.clean_photo(photo_bytes("PNG"))
    assert kind == "image/png" and png.startswith(files.PNG_MAGIC)


def test_attachments_are_encrypted_on_disk(gw: World) -> None:
    attachment = gw.extras["attachment"]
    on_disk = (Path(settings.DATA_DIR) / "grievances" / attachment.path).read_bytes()
    assert not on_disk.startswith(files.JPEG_MAGIC)
    plain = services.attachment_bytes(attachment, _case_key(gw, gw.extras["case"]))
    assert plain.startswith(files.JPEG_MAGIC)


def test_intake_refused_until_the_secretariat_has_a_key(world: World) -> None:
    from covenant.grievances.models import Mechanism

    mechanism = Mechanism.objects.create(secretariat=world.secretariat, slug="m", name="M")
    with pytest.raises(ValidationError):
        services.submit(
            ANON, services.Intake(mechanism=mechanism, channel="web", language="en", what="x", workplace="y")
        )
    assert not Case.objects.exists()


# --- Routing ---------------------------------------------------------------------------------


def test_case_routed_to_secretariat_and_linked_participating_members_only(gw: World) -> None:
    case = gw.extras["case"]
    orgs = {r.org_id: r.handler for r in case.recipients.all()}
    assert orgs == {gw.secretariat.pk: True, gw.member_a.pk: False}
    # Member A sees it (redacted), member B (taking part, not linked) does not know it exists.
    assert list(selectors.visible_cases(actor_of(gw.admin_a))) == [case]
    assert list(selectors.visible_cases(actor_of(gw.viewer_a))) == [case]
    for user in (gw.admin_b, gw.supplier_admin, gw.auditor, gw.cso_admin, gw.coordinator):
        assert not selectors.visible_cases(actor_of(user)).exists(), user
    assert list(selectors.visible_cases(actor_of(gw.grievance_handler))) == [case]


def test_member_not_taking_part_does_not_receive_cases(gw: World) -> None:
    link(gw.member_b, gw.extras["shared"])
    Participation.objects.filter(org=gw.member_b).update(active=False)
    submitted = services.submit(ANON, _intake(gw))
    assert set(submitted.case.recipients.values_list("org_id", flat=True)) == {gw.secretariat.pk, gw.member_a.pk}
    Participation.objects.filter(org=gw.member_b).update(active=True)
    submitted = services.submit(ANON, _intake(gw))
    assert gw.member_b.pk in set(submitted.case.recipients.values_list("org_id", flat=True))


def test_ended_link_does_not_route(gw: World) -> None:
    site = make_facility("Chittagong Knit Ltd", "BD", "Chattogram")
    link(gw.member_b, site, end_date=timezone.localdate() - timedelta(days=1))
    submitted = services.submit(ANON, _intake(gw, facility=site))
    assert list(submitted.case.recipients.values_list("org_id", flat=True)) == [gw.secretariat.pk]


def test_members_get_no_key_until_given_the_full_case(gw: World) -> None:
    case = gw.extras["case"]
    member = case.recipients.get(org=gw.member_a)
    assert member.sealed_key is None and not member.full_access
    member_recovery = services.set_up_key(actor_of(gw.admin_a), "member passphrase 2026")
    assert member_recovery
    member_private = services.unlock_key(actor_of(gw.admin_a), "member passphrase 2026")
    assert services.case_key_for(actor_of(gw.admin_a), case, member_private) is None
    services.grant_full_access(actor_of(gw.grievance_handler), case, _case_key(gw, case), gw.member_a)
    key = services.case_key_for(actor_of(gw.admin_a), case, member_private)
    assert key is not None and services.read_content(case, key).what == SECRET_TEXT


def test_co_handling_cso_receives_the_sealed_key(gw: World) -> None:
    cso_handler = make_user(gw.cso, "grievance_handler", "handler@workersfirst.example")
    Participation.objects.create(mechanism=gw.extras["mechanism"], org=gw.cso, role="handler")
    services.set_up_key(actor_of(cso_handler), "cso passphrase 2026!")
    submitted = services.submit(ANON, _intake(gw))
    private = services.unlock_key(actor_of(cso_handler), "cso passphrase 2026!")
    key = services.case_key_for(actor_of(cso_handler), submitted.case, private)
    assert key is not None
    assert not selectors.visible_cases(actor_of(gw.cso_admin)).exists()  # the CSO's admin is not a handler


def test_other_supplier_org_is_never_routed(gw: World) -> None:
    other = make_org("Other Member", "member", size="sme")
    Participation.objects.create(mechanism=gw.extras["mechanism"], org=other)
    submitted = services.submit(ANON, _intake(gw))
    assert other.pk not in set(submitted.case.recipients.values_list("org_id", flat=True))


# --- Handling --------------------------------------------------------------------------------


def test_stages_follow_the_flow_and_inadmissible_needs_a_reason(gw: World) -> None:
    handler = actor_of(gw.grievance_handler)
    case = gw.extras["case"]
    key = _case_key(gw, case)
    with pytest.raises(ValidationError):
        services.move_to(handler, case, Stage.INVESTIGATION, key)
    case = services.acknowledge(handler, case)
    assert case.acknowledged_on == timezone.localdate()
    case = services.move_to(handler, case, Stage.ADMISSIBILITY, key)
    with pytest.raises(ValidationError, match="outcome"):
        services.move_to(handler, case, Stage.CLOSED, key)
    with pytest.raises(ValidationError, match="reason"):
        services.close_case(handler, case, key, "not_admissible", "We cannot take this up")
    case = services.close_case(
        handler, case, key, "not_admissible", "We cannot take this up", reason="Not about a supplier of members"
    )
    assert case.admissible is False and case.closed_on == timezone.localdate()
    assert services.open_text(case, key, "inadmissible", case.inadmissible_reason_enc).startswith("Not about")
    case = services.move_to(handler, case, Stage.APPEAL, key)
    case = services.move_to(handler, case, Stage.INVESTIGATION, key)
    assert case.stage == Stage.INVESTIGATION and case.closed_on is None


def test_only_handlers_handle(gw: World) -> None:
    case = gw.extras["case"]
    for user in (gw.admin_a, gw.coordinator):
        with pytest.raises(PermissionDenied):
            services.acknowledge(actor_of(user), case)


def test_notes_remedy_retaliation_assignment(gw: World) -> None:
    handler = actor_of(gw.grievance_handler)
    case = gw.extras["case"]
    key = _case_key(gw, case)
    note = services.add_note(handler, case, key, "Spoke with the union rep")
    assert b"union" not in bytes(note.body_enc)
    services.set_retaliation(handler, case, key, True, "Moved to another line")
    case.refresh_from_db()
    assert case.retaliation_risk
    assert services.open_text(case, key, "measures", case.protective_measures_enc) == "Moved to another line"
    with pytest.raises(ValidationError):
        services.record_remedy(handler, case, key, services.RemedyInput(type="back_pay"))
    remedy = services.record_remedy(
        handler,
        case,
        key,
        services.RemedyInput(type="back_pay", amount=Decimal("1200.50"), currency="bdt", female=30, male=12),
    )
    assert remedy.beneficiaries == 42 and remedy.currency == "BDT"
    services.assign(handler, case, [gw.grievance_handler.pk])
    assert list(case.assigned_to.all()) == [gw.grievance_handler]
    with pytest.raises(ValidationError):
        services.assign(handler, case, [gw.admin_a.pk])
    summaries = " ".join(str(e.summary) for e in AuditEvent.objects.filter(action__startswith="grievances."))
    for secret in ("union", "Moved to another line", "1200"):
        assert secret not in summaries


def test_clocks_and_reminders(gw: World) -> None:
    case = gw.extras["case"]
    later = case.received_on + timedelta(days=8)
    assert case.overdue(later) == ["acknowledge"]
    assert case.overdue(case.received_on + timedelta(days=91)) == ["acknowledge", "feedback"]
    assert not mail.outbox  # no e-mail per new case: its time stamp would tell the time of the report
    assert services.send_reminders(case.received_on) == 1
    assert "New cases to acknowledge: " + case.reference in mail.outbox[-1].body
    assert services.send_reminders(later) == 1
    assert mail.outbox[-1].to == [gw.grievance_handler.email]
    assert "ran out: " + case.reference in mail.outbox[-1].body and SECRET_TEXT not in mail.outbox[-1].body
    services.acknowledge(actor_of(gw.grievance_handler), case)
    case.refresh_from_db()
    assert case.overdue(later) == []
    case.stage = Stage.ADMISSIBILITY
    case.stage_since = case.received_on
    assert case.overdue(case.received_on + timedelta(days=15)) == ["stage"]


def test_purge_shreds_files_and_deletes_closed_cases(gw: World) -> None:
    case = gw.extras["case"]
    path = files.folder() / gw.extras["attachment"].path
    assert path.exists()
    Case.objects.filter(pk=case.pk).update(stage=Stage.CLOSED, closed_on=timezone.localdate() - timedelta(days=2000))
    assert services.purge_closed() == 1
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not path.exists()
    assert not CaseEntry.objects.filter(case_id=case.pk).exists()


def test_shred_overwrites_before_unlinking(tmp_path: Path, settings: object) -> None:
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    name = files.write(b"SECRET" * 100)
    path = files.folder() / name
    seen: list[bytes] = []
    real_unlink = Path.unlink

    def spy(self: Path, missing_ok: bool = False) -> None:
        seen.append(self.read_bytes())
        real_unlink(self, missing_ok=missing_ok)

    Path.unlink = spy  # type: ignore[method-assign]
    try:
        files.shred(name)
    finally:
        Path.unlink = real_unlink  # type: ignore[method-assign]
    assert seen and b"SECRET" not in seen[0] and len(seen[0]) == 600
    assert not path.exists()


def test_recovery_key_sets_a_new_passphrase(gw: World) -> None:
    handler = actor_of(gw.grievance_handler)
    new_recovery = services.recover_key(handler, gw.extras["recovery"], "a brand new passphrase")
    assert new_recovery != gw.extras["recovery"]
    services.unlock_key(handler, "a brand new passphrase")
    with pytest.raises(ValidationError):
        services.unlock_key(handler, PASSPHRASE)
    with pytest.raises(ValidationError):
        services.recover_key(handler, gw.extras["recovery"], "another passphrase!!")  # the old one was replaced


def test_satisfaction_asked_when_closed(gw: World) -> None:
    opened = services.open_case(gw.extras["receipt"], "r")
    assert opened is not None
    with pytest.raises(ValidationError):
        services.reporter_satisfaction(opened, "satisfied")
    Case.objects.filter(pk=opened.case.pk).update(stage=Stage.CLOSED, closed_on=timezone.localdate())
    opened = services.open_case(gw.extras["receipt"], "r")
    assert opened is not None
    services.reporter_satisfaction(opened, "satisfied")
    assert Case.objects.get(pk=opened.case.pk).satisfaction == "satisfied"


def test_management_commands(gw: World) -> None:
    from io import StringIO

    from django.core.management import call_command

    from covenant.grievances.models import Conversation

    Conversation.objects.create(
        key="k" * 64, channel="sms", step="what", state_enc=b"x", updated_on=timezone.localdate() - timedelta(days=3)
    )
    out = StringIO()
    call_command("purge_grievances", stdout=out)
    assert "0 case(s), 1 unfinished dialogue(s)" in out.getvalue()
    out = StringIO()
    call_command("grievance_reminders", stdout=out)
    assert "1 reminder" in out.getvalue()  # the case in gw waits for acknowledgement


def test_effectiveness_review_suppresses_cells_under_five(gw: World) -> None:
    handler = actor_of(gw.grievance_handler)
    for n in range(6):
        submitted = services.submit(ANON, _intake(gw, topics=["wages"], contact="" if n else "me"))
        services.acknowledge(handler, submitted.case)
    services.submit(ANON, _intake(gw, topics=["child_labour"], channel="web"))
    review = selectors.effectiveness_review(gw.extras["mechanism"], timezone.localdate().year)
    assert review["total"] == 8
    topics = {c.label: c.count for c in review["by_topic"]}
    assert topics["Pay and wages"] == 6
    assert topics["Children working"] is None  # one case: suppressed
    assert topics["Health and safety"] is None
    assert review["median_days_to_acknowledge"] == 0
    assert review["acknowledged_on_time_pct"] == 100.0
    assert review["satisfied_pct"] is None and review["satisfaction_answers"] is None
    assert review["anonymous_pct"] == 75.0  # 6 of 8 without contact details
    criteria = [c for c, _evidence in review["ungp31"]]
    assert len(criteria) == 8 and "Predictable" in criteria and "Rights-compatible" in criteria
    empty = selectors.effectiveness_review(gw.extras["mechanism"], 1999)
    assert empty["total"] is None and empty["by_topic"] == []


def test_crypto_module_has_no_django_imports() -> None:
    import ast

    source = Path(crypto.__file__).read_text()
    modules = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert not [m for m in modules if m.startswith("django") or m.startswith("covenant")]


def test_reporter_actions_leave_no_timestamped_trace(gw: World) -> None:
    opened = services.open_case(gw.extras["receipt"], "src")
    assert opened is not None
    services.reporter_reply(opened, "more")
    events = AuditEvent.objects.filter(object_type="grievances.case")
    assert not events.exists()
    services.acknowledge(actor_of(gw.grievance_handler), gw.extras["case"])
    assert list(events.values_list("action", flat=True)) == ["grievances.case.stage"]


def test_throttle_source_behind_proxies(settings: object) -> None:
    from django.test import RequestFactory

    from covenant.grievances.public import _source

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.9")
    assert _source(request) == "10.0.0.1"
    settings.AXES_IPWARE_PROXY_COUNT = 1  # type: ignore[attr-defined]
    assert _source(request) == "10.0.0.9"
    settings.AXES_IPWARE_PROXY_COUNT = 2  # type: ignore[attr-defined]
    assert _source(request) == "203.0.113.5"


def test_the_secretariats_first_handler_key_opens_its_mechanism(world: World) -> None:
    from django.test import Client
    from django.urls import reverse

    from covenant.grievances.models import Mechanism

    assert not Mechanism.objects.exists()
    services.set_up_key(actor_of(world.grievance_handler), PASSPHRASE)
    mechanism = Mechanism.objects.get(secretariat=world.secretariat)
    assert AuditEvent.objects.filter(action="grievances.mechanism.opened").count() == 1
    assert Client().get(reverse("grievances:languages", args=[mechanism.slug])).status_code == 200


def test_the_overdue_list_agrees_with_each_cases_clocks(gw: World) -> None:
    from django.utils import timezone

    handler = actor_of(gw.grievance_handler)
    case = gw.extras["case"]
    today = timezone.localdate()
    for received, stage_since, stage in (
        (today, today, Stage.RECEIVED),  # on time
        (today - timedelta(days=8), today - timedelta(days=8), Stage.RECEIVED),  # not acknowledged
        (today - timedelta(days=3), today - timedelta(days=30), Stage.ADMISSIBILITY),  # stage too long
    ):
        Case.objects.filter(pk=case.pk).update(received_on=received, stage_since=stage_since, stage=stage)
        case.refresh_from_db()
        listed = list(selectors.case_list(handler, show="overdue"))
        assert listed == ([case] if case.overdue(today) else []), (stage, case.overdue(today))
