#!/usr/bin/env python3
"""The security review's demonstrations of H1-H3 and M1-M3, run black-box.

Starts the given `tenantry` binary (a release build) on SQLite in a
directory of its own, speaks to it only over HTTP, as the review's curl
commands do, and prints what each demonstration gave: status counts, wall
and server CPU time of the worst request, the slowest /healthz meanwhile,
the server's peak memory. It asserts nothing: run it against the build
before a fix and after, and compare (docs/SECURITY.md keeps the figures).

    cargo build --release -p server --bin tenantry
    python3 scripts/review-demos.py --binary target/release/tenantry

Each demonstration uses client addresses of its own on 127.0.0.0/8 (the
server keys its limits by address), so one's limits never spoil another's.
"""

import argparse
import concurrent.futures as futures
import http.client
import itertools
import json
import os
import re
import socket
import sqlite3
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter

BASE = "app.example"
TICK = os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, binary, leptos_toml):
        self.dir = tempfile.mkdtemp(prefix="tenantry-demos-")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = dict(
            os.environ,
            TENANTRY_BASE_DOMAIN=BASE,
            TENANTRY_LISTEN=f"127.0.0.1:{self.port}",
            TENANTRY_MAIL_OUTBOX="true",
            # The demonstrations make hundreds of rules and repositories.
            TENANTRY_DEFAULT_PLAN="enterprise",
            TENANTRY_LEPTOS_TOML=leptos_toml,
            RUST_LOG="warn",
        )
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.proc = subprocess.Popen(
            [binary], cwd=self.dir, env=env, stdout=self.log, stderr=self.log
        )
        for _ in range(300):
            try:
                if request(self, "127.0.0.1", BASE, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"the server did not start; see {self.dir}/server.log")

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def rss_mib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def outbox(self, to):
        db = sqlite3.connect(os.path.join(self.dir, "data", "control.sqlite"))
        try:
            return [
                body
                for (body,) in db.execute(
                    "SELECT body FROM outbox WHERE to_address = ? ORDER BY id", (to,)
                )
            ]
        finally:
            db.close()

    def tenant_files(self):
        tenants = os.path.join(self.dir, "data", "tenants")
        return len([n for n in os.listdir(tenants) if n.endswith(".sqlite")])

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()


def request(server, source, host, method, path, body=None, cookie=None, json_body=False,
            timeout=180, origin=None):
    """One request from `source` (an address on 127/8) to `host`: (status, headers, text)."""
    conn = http.client.HTTPConnection(
        "127.0.0.1", server.port, timeout=timeout, source_address=(source, 0)
    )
    headers = {"Host": f"{host}:{server.port}"}
    if cookie:
        headers["Cookie"] = cookie
    if origin:
        headers["Origin"] = origin
    if body is not None:
        if json_body:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body, separators=(",", ":"))
        elif isinstance(body, dict):
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urllib.parse.urlencode(body)
        else:
            headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def timed(server, *args, **kwargs):
    """`request`, with its wall time and the server's CPU time meanwhile."""
    cpu, start = server.cpu_seconds(), time.monotonic()
    answer = request(server, *args, **kwargs)
    return answer, time.monotonic() - start, server.cpu_seconds() - cpu


class Watch:
    """Polls /healthz and the server's memory while a demonstration runs."""

    def __init__(self, server):
        self.server, self.worst, self.peak_rss = server, 0.0, server.rss_mib()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.done.is_set():
            start = time.monotonic()
            try:
                request(self.server, "127.0.0.254", BASE, "GET", "/healthz", timeout=120)
            except OSError:
                pass
            self.worst = max(self.worst, time.monotonic() - start)
            self.peak_rss = max(self.peak_rss, self.server.rss_mib())
            time.sleep(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.done.set()
        self.thread.join()


def sign_up(server, source, slug, email, password):
    """Signs up `slug` and returns the owner's session cookie on its host."""
    status, headers, text = request(
        server, source, BASE, "POST", "/api/sign_up",
        {"org_name": slug, "subdomain": slug, "email": email, "password": password},
    )
    location = headers.get("location", "")
    if not location.startswith("http"):
        raise SystemExit(f"sign-up of {slug} failed: {status} {text[:300]}")
    url = urllib.parse.urlsplit(location)
    _, headers, _ = request(server, source, f"{slug}.{BASE}", "GET", f"{url.path}?{url.query}")
    for value in headers.get_all("set-cookie") or []:
        if value.startswith("tenantry_session=") or "session" in value.split("=", 1)[0]:
            return value.split(";", 1)[0]
    raise SystemExit(f"the handoff for {slug} set no session cookie")


def counts(statuses):
    return ", ".join(f"{n} x {s}" for s, n in sorted(Counter(statuses).items()))


def h1(server):
    start = time.monotonic()
    statuses = []
    for i in range(300):
        status, _, _ = request(
            server, "127.0.0.11", BASE, "POST", "/api/sign_up",
            {"org_name": f"Spam {i}", "subdomain": f"spam-{i}",
             "email": "target@example.org", "password": "chosen-pass-1"},
        )
        statuses.append(status)
    return {
        "300 sign-ups from one address, one email": counts(statuses),
        "tenant databases made": server.tenant_files(),
        "confirmation mails to the victim": len(server.outbox("target@example.org")),
        "seconds": round(time.monotonic() - start, 1),
    }


def labels_body():
    alphabet = string.ascii_lowercase + string.digits
    labels = ["".join(p) for p in itertools.islice(itertools.product(alphabet, repeat=3), 10500)]
    return json.dumps({"name": "evil/repo", "labels": labels}, separators=(",", ":"))


def h2(server):
    cookie = sign_up(server, "127.0.0.12", "evil", "owner@evil.example", "correct-horse-1")
    body = labels_body()
    host = f"evil.{BASE}"
    (status, _, _), wall, cpu = timed(
        server, "127.0.0.12", host, "POST", "/api/v1/repositories", body, cookie
    )
    with Watch(server) as watch, futures.ThreadPoolExecutor(os.cpu_count()) as pool:
        time.sleep(0.2)
        burst = list(pool.map(
            lambda _: request(server, "127.0.0.12", host, "POST", "/api/v1/repositories",
                              body, cookie)[0],
            range(os.cpu_count()),
        ))
    return {
        "body bytes": len(body),
        "one request": f"{status} in {wall * 1000:.0f} ms, server CPU {cpu * 1000:.0f} ms",
        f"{os.cpu_count()} at once": counts(burst),
        "slowest /healthz meanwhile": f"{watch.worst * 1000:.0f} ms",
    }


def h3(server):
    source, slug = "127.0.0.13", "regex"
    cookie = sign_up(server, source, slug, "rx@evil.example", "correct-horse-1")
    host = f"{slug}.{BASE}"
    _, _, text = request(server, source, host, "POST", "/api/v1/teams", {"name": "t"}, cookie,
                         json_body=True)
    team = json.loads(text)["id"]
    refused = Counter()
    for i in range(200):
        status, _, _ = request(server, source, host, "POST", "/api/v1/rules",
                               {"team_id": team, "pattern": f"(.*a){{20}}{i}"}, cookie,
                               json_body=True)
        refused[status] += 1
    names = [f"acme/{'payments-service-backend' * 7}-{i:04d}" for i in range(1000)]
    names = [n + "x" * (199 - len(n)) for n in names]
    pastes = []
    for chunk in range(0, 1000, 250):
        (status, _, _), wall, _ = timed(
            server, source, host, "POST", "/api/paste_repositories",
            {"list": "\n".join(names[chunk:chunk + 250])}, cookie,
        )
        pastes.append(f"{status} in {wall:.1f} s")
    _, _, text = request(server, source, host, "GET", "/api/v1/rules?per_page=1", cookie=cookie)
    rule = json.loads(text)["items"][0]["id"]
    with Watch(server) as watch:
        (status, _, text), wall, cpu = timed(
            server, source, host, "PATCH", f"/api/v1/rules/{rule}",
            {"team_id": team, "pattern": "(.*a){20}x"}, cookie, json_body=True,
        )
    return {
        "200 rules (.*a){20}N": counts(list(refused.elements())),
        "1,000 names of 199 characters, pasted 250 at a time": "; ".join(pastes),
        "one rule changed (recomputes all)":
            f"{status} in {wall * 1000:.0f} ms, server CPU {cpu * 1000:.0f} ms",
        "slowest /healthz meanwhile": f"{watch.worst * 1000:.0f} ms",
    }


def m1(server):
    sign_up(server, "127.0.0.20", "calm", "calm@example.org", "correct-horse-1")
    with Watch(server) as watch, futures.ThreadPoolExecutor(400) as pool:
        flood = [pool.submit(request, server, "127.0.0.14", BASE, "POST", "/api/reset_password",
                             {"token": "x", "password": "aaaaaaaa"}) for _ in range(400)]
        time.sleep(0.3)
        (status, _, _), wall, _ = timed(
            server, "127.0.0.20", BASE, "POST", "/api/log_in",
            {"email": "calm@example.org", "password": "correct-horse-1"},
        )
        statuses = [f.result()[0] for f in flood]
    return {
        "400 resets with a bogus token at once": counts(statuses),
        "a real log-in meanwhile": f"{status} in {wall * 1000:.0f} ms",
        "peak server memory": f"{watch.peak_rss:.0f} MiB",
        "slowest /healthz meanwhile": f"{watch.worst * 1000:.0f} ms",
    }


def m2(server):
    sign_up(server, "127.0.0.15", "victim", "v@example.org", "correct-horse-1")
    passwords = [f"wrong-{i}" for i in range(40)] + ["correct-horse-1"]
    with futures.ThreadPoolExecutor(len(passwords)) as pool:
        statuses = list(pool.map(
            lambda p: request(server, "127.0.0.16", BASE, "POST", "/api/log_in",
                              {"email": "v@example.org", "password": p})[0],
            passwords,
        ))
    checked = sum(1 for s in statuses if s != 429)
    return {
        "40 wrong guesses and the right one, at once": counts(statuses),
        "guesses that got a password check": checked,
        "the right password got in": statuses[-1] in (200, 302, 303),
    }


def m3(server):
    owner = "127.0.0.17"
    attacker = "127.0.0.18"
    sign_up(server, owner, "owned", "o@example.org", "correct-horse-1")
    request(server, owner, BASE, "POST", "/api/log_in",
            {"email": "o@example.org", "password": "correct-horse-1"})
    for i in range(5):
        request(server, attacker, BASE, "POST", "/api/log_in",
                {"email": "o@example.org", "password": f"bad{i}"})
    locked, _, _ = request(server, owner, BASE, "POST", "/api/log_in",
                           {"email": "o@example.org", "password": "correct-horse-1"})

    admin = sign_up(server, "127.0.0.19", "acme", "admin@acme.example", "correct-horse-1")
    link = re.search(r"https?://\S*/verify-email\?token=[\w-]+",
                     "\n".join(server.outbox("admin@acme.example")))
    if link:
        # Opening the link confirms in older builds; newer ones show a page
        # whose button posts the token.
        url = urllib.parse.urlsplit(link.group(0))
        _, _, page = request(server, "127.0.0.19", url.hostname, "GET",
                             f"{url.path}?{url.query}", cookie=admin)
        if 'data-testid="confirm-email"' in page:
            token = urllib.parse.parse_qs(url.query)["token"][0]
            request(server, "127.0.0.19", url.hostname, "POST", url.path, {"token": token},
                    admin, origin=f"http://{url.hostname}:{server.port}")
    for _ in range(3):
        request(server, attacker, BASE, "POST", "/api/request_password_reset",
                {"email": "newhire@acme.example"})
    invited, _, text = request(server, "127.0.0.19", f"acme.{BASE}", "POST", "/api/invite_member",
                               {"email": "newhire@acme.example", "role": "member"}, admin)
    return {
        "owner's log-in from their own address after a stranger's 5 bad ones": locked,
        "invitation after a stranger's 3 reset requests for the invitee":
            f"{invited} {text[:80].strip()}" if invited >= 400 else invited,
        "admin's address confirmed through the mailed link": bool(link),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(here, "..", "target/release/tenantry"))
    parser.add_argument("--leptos-toml", default=os.path.join(here, "..", "Leptos.toml"))
    parser.add_argument("--only", nargs="*", default=["h1", "h2", "h3", "m1", "m2", "m3"])
    args = parser.parse_args()
    server = Server(os.path.abspath(args.binary), os.path.abspath(args.leptos_toml))
    print(f"# {args.binary} (pid {server.proc.pid}, {server.dir})")
    try:
        for name in args.only:
            figures = globals()[name](server)
            print(f"\n## {name.upper()}")
            for key, value in figures.items():
                print(f"- {key}: {value}")
            sys.stdout.flush()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
