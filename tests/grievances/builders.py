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
