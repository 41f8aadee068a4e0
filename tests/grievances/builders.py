"""Builders for grievance tests: a mechanism, keys, participation, and a case about a linked site."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from covenant.grievances import services
from covenant.grievances.models import Mechanism, Participation
from tests.conftest import World, actor_of
from tests.factories import registry_world

PASSPHRASE = "handler passphrase 2026"
MEMBER_PASSPHRASE = "member passphrase 2026"
SECRET_TEXT = "canary-a foreman Rahim locked the fire exit on line 7"
SECRET_NAME = "Nasrin Akter Sultana"
SECRET_PHONE = "+8801712345678"


def photo_bytes(
    fmt: str = "JPEG", *, comment: bytes = b"", gps: bool = False, size: tuple[int, int] = (32, 24)
) -> bytes:
    """A small photo; optionally with an EXIF GPS block and a comment to prove they are stripped."""
    image = Image.new("RGB", size, (180, 40, 40))
    out = io.BytesIO()
    kwargs: dict[str, Any] = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "SECRETCAM Maker"  # Make
        exif[0x0110] = "SECRETCAM-9000"  # Model
        exif[0x8825] = {1: "N", 2: (23.0, 1.0, 5.0), 3: "E", 4: (113.0, 45.0, 0.0)}  # GPS
        kwargs["exif"] = exif
    if comment and fmt == "JPEG":
        kwargs["comment"] = comment
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()


def grievance_world(world: World) -> World:
    """Member A is linked to the shared site and takes part; member B takes part but is not linked."""
    if "shared" not in world.extras:
        registry_world(world)
    mechanism = Mechanism.objects.create(
        secretariat=world.secretariat, slug="fair-home", name="Fair Home joint grievance mechanism"
    )
    recovery = services.set_up_key(actor_of(world.grievance_handler), PASSPHRASE)
    Participation.objects.create(mechanism=mechanism, org=world.member_a)
    Participation.objects.create(mechanism=mechanism, org=world.member_b)
    submitted = services.submit(
        actor_of(world.grievance_handler).__class__.anonymous(),
        services.Intake(
            mechanism=mechanism,
            channel="web",
            language="en",
            what=SECRET_TEXT,
            topics=["safety"],
            facility=world.extras["shared"],
            contact=f"{SECRET_NAME} {SECRET_PHONE}",
            photos=[photo_bytes()],
        ),
    )
    world.extras.update(
        mechanism=mechanism,
        case=submitted.case,
        receipt=submitted.receipt,
        attachment=submitted.case.attachments.get(),
        recovery=recovery,
        grievances=True,
    )
    return world


SUPPLIER_PASSPHRASE = "supplier passphrase 2026"
ACTION_TEXT = "canary-action repair the fire exit door on line 7 and train the floor staff"


def remediation_world(world: World) -> World:
    """The case's site belongs to ``world.supplier`` (the secretariat verified its claim); the
    supplier has a grievance key, the handlers shared the case with it and opened one corrective
    action (``extras["grievance_action"]``). The reporter did not consent to the supplier reading the report."""
    from covenant.grievances import remediation
    from covenant.registry import services as registry_services

    if "grievances" not in world.extras:
        grievance_world(world)
    if "remediation" in world.extras:
        return world
    claim = world.extras["claim"]
    claim.refresh_from_db()
    if claim.status == "pending":
        registry_services.decide_claim(actor_of(world.coordinator), claim, verified=True)
    services.set_up_key(actor_of(world.supplier_admin), SUPPLIER_PASSPHRASE)
    handler = actor_of(world.grievance_handler)
    case = world.extras["case"]
    case.refresh_from_db()
    private = services.unlock_key(handler, PASSPHRASE)
    key = services.case_key_for(handler, case, private)
    remediation.share_with_supplier(handler, case, key)
    action = remediation.open_action(handler, case, key, ACTION_TEXT, None)
    world.extras.update(remediation=True, grievance_action=action, case=case)
    return world


def wav_bytes(marker: bytes = b"canary-a voice recording", *, metadata: bytes = b"") -> bytes:
    """A tiny 8 kHz mono WAV whose samples spell ``marker``, with a LIST/INFO chunk holding
    ``metadata`` when given (the voice channel keeps only the fmt and data chunks)."""
    fmt = (1).to_bytes(2, "little") + (1).to_bytes(2, "little") + (8000).to_bytes(4, "little")
    fmt += (16000).to_bytes(4, "little") + (2).to_bytes(2, "little") + (16).to_bytes(2, "little")
    data = marker + b"\x00" * (len(marker) % 2)
    chunks = b"fmt " + len(fmt).to_bytes(4, "little") + fmt
    if metadata:
        info = b"INFOICMT" + len(metadata).to_bytes(4, "little") + metadata + b"\x00" * (len(metadata) % 2)
        chunks += b"LIST" + len(info).to_bytes(4, "little") + info
    chunks += b"data" + len(data).to_bytes(4, "little") + data
    return b"RIFF" + (4 + len(chunks)).to_bytes(4, "little") + b"WAVE" + chunks


def voice_recording(world: World) -> Any:
    """A voice case about the shared site (routed like the web case) and its recording."""
    if "recording" not in world.extras:
        if "grievances" not in world.extras:
            grievance_world(world)
        submitted = services.submit(
            actor_of(world.grievance_handler).__class__.anonymous(),
            services.Intake(
                mechanism=world.extras["mechanism"],
                channel="voice",
                language="en",
                what="",
                facility=world.extras["shared"],
                recordings=[wav_bytes()],
            ),
        )
        world.extras.update(voice_case=submitted.case, recording=submitted.case.attachments.get())
    return world.extras["recording"]
