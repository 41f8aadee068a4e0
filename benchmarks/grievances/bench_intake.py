"""Load test: 5,000 grievance cases submitted concurrently over loopback, each followed up by receipt.

A share of them (``--voice-share``, a fifth by default) come in as voice calls: the four signed
TwiML webhook requests of a call (menu, language by keypad, call-back choice, the recording
posted with its signed SHA-256), the recording a small WAV whose samples carry the marker.

It sets up a fresh database (SQLite in a temporary directory, or ``DATABASE_URL``) with a
sector initiative, its grievance handler's key and a mechanism, starts gunicorn on
127.0.0.1 (``--workers`` processes with ``--threads`` threads each), and then:

1. submits ``--cases`` cases through the public web form (no JavaScript: a GET for the CSRF
   token, then the multipart POST), ``--concurrency`` at a time, each with a unique marker
   in its text, and reads the receipt off the answer page; the voice share through the voice
   webhook, reading the receipt out of the spoken (``<Say>``) answer;
2. checks in the database that exactly ``--cases`` cases exist and, decrypting each with
   the handler's key (a voice case's recording too), that every marker is there exactly once
   (none lost, none duplicated), and that each voice receipt unlocks its own case's recording;
3. opens every case over HTTP with its receipt and checks the page shows that case's marker
   (a voice case: that the page opens; its text is the recording).

It prints throughput and p50/p95/max latency for both phases.

    python benchmarks/grievances/bench_intake.py                     # SQLite, 5,000 cases
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grievance_bench python benchmarks/grievances/bench_intake.py

On PostgreSQL give it a database of its own: it is flushed first.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks._stats import percentile  # noqa: E402

PASSPHRASE = "benchmark passphrase 2026"
VOICE_TOKEN = "benchmark-voice-provider-token"
VOICE_PATH = "/hooks/grievances/voice/"
SAY_RE = re.compile(r"<Say[^>]*>([^<]*)</Say>")
SPOKEN_RECEIPT_RE = re.compile(r"((?:\d ){3}\d(?:, (?:\d ){3}\d){3})")
SLUG = "bench"
RECEIPT_RE = re.compile(r'class="receipt" id="receipt">([\d ]+)<')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _setup(data_dir: str) -> None:
    os.environ["COVENANT_DATA_DIR"] = data_dir
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{data_dir}/bench.sqlite3")
    os.environ["DEBUG"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "covenant.settings"
    # The benchmark's guesses all come from 127.0.0.1: lift the per-source throttle only.
    os.environ["GRIEVANCE_THROTTLE_PER_SOURCE"] = "1000000"
    os.environ["GRIEVANCE_SUBMISSIONS_PER_SOURCE"] = "1000000"  # every client of the load test is 127.0.0.1
    os.environ["GRIEVANCE_VOICE_AUTH_TOKEN"] = VOICE_TOKEN
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if "postgres" in os.environ["DATABASE_URL"]:
        call_command("flush", interactive=False, verbosity=0)


def _seed() -> None:
    from covenant.accounts.models import User
    from covenant.core.actors import Actor
    from covenant.grievances import services
    from covenant.grievances.models import Mechanism
    from covenant.orgs import services as org_services

    system = Actor.system(via="cli")
    secretariat = org_services.create_organisation(system, name="Bench Sector", kind="secretariat", country="NL")
    user = User.objects.create_user("handler@bench.example", "bench password 123456", full_name="Handler")
    org_services.add_member(system, secretariat, user, "grievance_handler")
    Mechanism.objects.create(secretariat=secretariat, slug=SLUG, name="Bench mechanism")
    services.set_up_key(Actor(user=user, org=secretariat, role="grievance_handler", via="cli"), PASSPHRASE)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "covenant.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("The server did not start")


class Session:
    """One browser without JavaScript: a cookie jar and the form's CSRF token."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str = "",
        extra: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(extra or {})}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.read().decode("utf-8", errors="replace")

    def get_token(self, path: str) -> None:
        status, html = self.request("GET", path)
        match = CSRF_RE.search(html)
        if status != 200 or not match:
            raise RuntimeError(f"GET {path}: {status}")
        self.token = match.group(1)


def _multipart(fields: list[tuple[str, str]], files: list[tuple[str, bytes]] | None = None) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, data in files or []:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.wav"\r\n'
        parts.append(head.encode() + b"Content-Type: audio/wav\r\n\r\n" + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _wav(marker: str) -> bytes:
    """About a second of 8 kHz 16-bit mono "audio" whose first samples spell the marker."""
    fmt = (1).to_bytes(2, "little") * 2 + (8000).to_bytes(4, "little") + (16000).to_bytes(4, "little")
    fmt += (2).to_bytes(2, "little") + (16).to_bytes(2, "little")
    data = marker.encode().ljust(16000, b"\x00")
    chunks = b"fmt " + len(fmt).to_bytes(4, "little") + fmt + b"data" + len(data).to_bytes(4, "little") + data
    return b"RIFF" + (4 + len(chunks)).to_bytes(4, "little") + b"WAVE" + chunks


def _voice_call(session: Session, n: int, marker: str) -> str:
    """The four webhook requests of one call, signed as the provider signs them; the receipt heard."""
    from covenant.grievances.webhooks import twilio_signature

    base = f"http://127.0.0.1:{session.port}"
    call_sid = f"CA{uuid.uuid4().hex}"
    caller = f"+8801{n:09d}"
    audio = _wav(marker)
    steps: list[tuple[str, dict[str, str], bytes]] = [
        ("", {}, b""),
        ("?step=language&tries=0", {"Digits": "1"}, b""),
        ("?step=contact&lang=en", {"Digits": "2"}, b""),
        (
            "?step=recording&lang=en&contact=0",
            {"RecordingSid": f"RE{uuid.uuid4().hex}", "RecordingSha256": hashlib.sha256(audio).hexdigest()},
            audio,
        ),
    ]
    xml = ""
    for query, params, data in steps:
        fields = {"CallSid": call_sid, "From": caller, "To": "+3120000001", **params}
        signature = twilio_signature(VOICE_TOKEN, base + VOICE_PATH + query, fields)
        body, content_type = _multipart(list(fields.items()), [("Recording", data)] if data else [])
        status, xml = session.request(
            "POST", VOICE_PATH + query, body, content_type, extra={"X-Twilio-Signature": signature}
        )
        if status != 200:
            raise RuntimeError(f"voice call {n} {query or 'menu'}: {status}")
    match = SPOKEN_RECEIPT_RE.search(" ".join(SAY_RE.findall(xml)))
    if not match:
        raise RuntimeError(f"voice call {n}: no receipt read out")
    return re.sub(r"\D", "", match.group(1))


def _run(label: str, jobs: list[int], concurrency: int, port: int, work: Callable[[Session, int], None]) -> list[float]:
    local = threading.local()
    latencies: list[float] = []
    lock = threading.Lock()

    def one(n: int) -> None:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = Session(port)
            session.get_token(f"/report/{SLUG}/en/")
        started = time.perf_counter()
        work(session, n)
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, jobs))
    wall = time.perf_counter() - started
    print(
        f"{label}: {len(jobs)} in {wall:.1f} s = {len(jobs) / wall:.1f}/s; "
        f"latency p50 {percentile(latencies, 50) * 1000:.0f} ms, p95 {percentile(latencies, 95) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms"
    )
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--voice-share", type=float, default=0.2, help="share of cases filed by voice call")
    args = parser.parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="covenant-grievance-bench-")
    _setup(data_dir)
    _seed()
    port = _free_port()
    server = _start_server(port, args.workers, args.threads)
    receipts: dict[int, str] = {}
    step = round(1 / args.voice_share) if args.voice_share > 0 else 0
    voice_jobs = set(range(0, args.cases, step)) if step else set()
    by_kind: dict[str, list[float]] = {"web": [], "voice": []}
    kind_lock = threading.Lock()
    try:
        print(
            f"Server: gunicorn, {args.workers} workers x {args.threads} threads, {os.cpu_count()} CPUs; "
            f"database {os.environ['DATABASE_URL'].split(':')[0]}; {args.concurrency} concurrent clients"
        )

        def submit(session: Session, n: int) -> None:
            started = time.perf_counter()
            if n in voice_jobs:
                receipts[n] = _voice_call(session, n, f"bench-marker-{n:06d}")
                with kind_lock:
                    by_kind["voice"].append(time.perf_counter() - started)
                return
            body, content_type = _multipart(
                [
                    ("csrfmiddlewaretoken", session.token),
                    ("workplace", f"Bench Garments unit {n % 97}"),
                    ("topics", "wages"),
                    ("what", f"bench-marker-{n:06d} overtime was not paid for {n % 12 + 1} months"),
                ]
            )
            status, html = session.request("POST", f"/report/{SLUG}/en/", body, content_type)
            match = RECEIPT_RE.search(html)
            if status != 200 or not match:
                raise RuntimeError(f"submission {n}: {status}")
            receipts[n] = match.group(1).replace(" ", "")
            with kind_lock:
                by_kind["web"].append(time.perf_counter() - started)

        _run("Submit", list(range(args.cases)), args.concurrency, port, submit)
        for kind, values in by_kind.items():
            if values:
                print(
                    f"  {kind}: {len(values)}; latency p50 {percentile(values, 50) * 1000:.0f} ms, "
                    f"p95 {percentile(values, 95) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"
                    + (" (a whole call: 4 requests)" if kind == "voice" else "")
                )

        # None lost, none duplicated: every marker once, decrypted with the handler's key.
        from covenant.grievances import crypto, services
        from covenant.grievances.models import Case, OrgKey

        key = OrgKey.objects.get()
        private = crypto.unwrap_with_passphrase(bytes(key.private_by_passphrase), PASSPHRASE)
        markers: list[str] = []
        voice_markers: dict[str, str] = {}  # case id -> marker heard in its recording
        for case in Case.objects.prefetch_related("recipients", "attachments").iterator(chunk_size=500):
            sealed = case.recipients.all()[0].sealed_key
            case_key = crypto.open_sealed(private, bytes(sealed))
            content = json.loads(crypto.decrypt(case_key, bytes(case.content_enc), f"case:{case.pk}:content".encode()))
            if case.channel == "voice":
                audio = services.attachment_bytes(case.attachments.all()[0], case_key)
                found = re.search(rb"bench-marker-\d{6}", audio)
                marker = found.group(0).decode() if found else "?"
                voice_markers[str(case.pk)] = marker
                markers.append(marker)
            else:
                markers.append(content["what"].split()[0])
        expected = {f"bench-marker-{n:06d}" for n in range(args.cases)}
        assert len(markers) == args.cases, f"{len(markers)} cases stored for {args.cases} submissions"
        assert set(markers) == expected and len(set(markers)) == len(markers), "lost or duplicated cases"
        assert len(set(receipts.values())) == args.cases, "receipts are not unique"
        assert len(voice_markers) == len(voice_jobs), f"{len(voice_markers)} voice cases for {len(voice_jobs)} calls"

        def own_case(n: int) -> bool:
            derived = crypto.derive_receipt_keys(receipts[n], crypto.receipt_salt(services.server_secret()))
            case = Case.objects.filter(receipt_lookup=derived.lookup.hex()).only("pk").first()
            return case is not None and voice_markers.get(str(case.pk)) == f"bench-marker-{n:06d}"

        with ThreadPoolExecutor(max_workers=2) as pool:
            wrong = [
                n for n, ok in zip(sorted(voice_jobs), pool.map(own_case, sorted(voice_jobs)), strict=True) if not ok
            ]
        assert not wrong, f"voice receipts that do not open their own recording: {wrong[:5]}"
        print(
            f"Stored: {len(markers)} cases ({len(voice_markers)} by voice), every marker exactly once; "
            f"{len(set(receipts.values()))} distinct receipts; every voice receipt unlocks its own recording"
        )

        def follow(session: Session, n: int) -> None:
            body = urlencode({"csrfmiddlewaretoken": session.token, "receipt": receipts[n]}).encode()
            status, html = session.request(
                "POST", f"/report/{SLUG}/en/follow-up/", body, "application/x-www-form-urlencoded"
            )
            shown = 'id="stage"' in html if n in voice_jobs else f"bench-marker-{n:06d}" in html
            if status != 200 or not shown:
                raise RuntimeError(f"receipt of case {n} did not open it: {status}")

        _run("Follow-up", list(range(args.cases)), args.concurrency, port, follow)
        print(f"Every receipt opened its own case. Data in {data_dir}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
