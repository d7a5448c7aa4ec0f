#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Load benchmark of lanyardd on loopback, with wrk.

Makes (once) a demo database, starts the real lanyardd on it with an SMTP
server on loopback to sign in through, and runs wrk against two requests:

  page    GET /api/v1/facilities/ID/people?limit=50 — 50-person JSON pages,
          the first page and pages deeper in the list (cursors collected
          beforehand), picked at random per request;
  person  GET /api/v1/people/ID for random people of the facility.

Each is run ROUNDS times; the script prints each run and the median of the
requests per second and of the p99 latency, against the targets of issue 5
(>= 10,000 requests/s, p99 <= 5 ms on 2 cores). wrk and lanyardd share the
machine's cores, as they would on a one-box install.

Usage: bench/server-bench.py [--build DIR] [--people N] [--rounds N]
                             [--seconds S] [--connections C] [--threads T]
Needs Debian's wrk and python3-aiosmtpd (build-aux/debian-packages.txt).
"""

import argparse
import email
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def call(conn, method, path, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    if resp.status >= 300:
        raise RuntimeError(f"{method} {path}: {resp.status} {data[:200]!r}")
    return json.loads(data) if data else None


LUA = r"""
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local token = "%s"
math.randomseed(%d)
request = function()
  return wrk.format("GET", paths[math.random(#paths)], { ["Authorization"] = "Bearer " .. token })
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %%d %%.3f %%.3f %%.3f %%.3f %%d\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, errors))
end
"""


def run_wrk(url, lua, args):
    out = subprocess.run(["wrk", "-t", str(args.threads), "-c", str(args.connections),
                          "-d", f"{args.seconds}s", "-s", lua, url],
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r"RESULT (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", out)
    requests, duration, p50, p99, worst, errors = m.groups()
    return {"rps": int(requests) / float(duration), "p50": float(p50), "p99": float(p99),
            "max": float(worst), "errors": int(errors)}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(here, "..", "_build"))
    ap.add_argument("--people", type=int, default=100000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "lanyard-server-bench"))
    args = ap.parse_args()

    lanyardd = os.path.join(args.build, "src", "server", "lanyardd")
    lanyardctl = os.path.join(args.build, "src", "cli", "lanyardctl")
    os.makedirs(args.data, exist_ok=True)
    db = os.path.join(args.data, f"people-{args.people}.db")
    if not os.path.exists(db):
        print(f"# making {db} ({args.people} people) …", flush=True)
        subprocess.run([lanyardctl, "--database", db, "demo", "--people", str(args.people), "--seed", "1"],
                       check=True, stdout=subprocess.DEVNULL)
    subprocess.run([lanyardd, "--database", db, "--create-admin", "bench@example.org"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    mailbox = Mailbox()
    smtp_port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    port = free_port()
    conf = os.path.join(args.data, "lanyardd.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(f"[server]\ndatabase={db}\nlisten=127.0.0.1\nport={port}\nlog-level=warning\n"
                f"[smtp]\nurl=smtp://127.0.0.1:{smtp_port}\nfrom=Lanyard <lanyard@example.org>\nrequire-tls=false\n")
    server = subprocess.Popen([lanyardd, "--config", conf])
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        call(conn, "POST", "/api/v1/auth/code", body={"email": "bench@example.org"})
        deadline = time.monotonic() + 30
        while not mailbox.messages:
            if time.monotonic() > deadline:
                raise RuntimeError("no sign-in mail arrived")
            time.sleep(0.05)
        code = re.search(r"\b(\d{8})\b", mailbox.messages[-1].get_payload(decode=True).decode()).group(1)
        token = call(conn, "POST", "/api/v1/auth/token", body={"email": "bench@example.org", "code": code})["token"]

        fid = call(conn, "GET", "/api/v1/facilities", token)[0]["id"]
        base = f"/api/v1/facilities/{fid}/people?limit=50"
        pages = [base]
        ids = []
        cursor = None
        while len(pages) < 200:
            page = call(conn, "GET", base + (f"&cursor={cursor}" if cursor else ""), token)
            ids += [p["id"] for p in page["people"]]
            cursor = page["next-cursor"]
            if not cursor:
                break
            pages.append(base + f"&cursor={cursor}")
        rng = random.Random(1)
        people = [f"/api/v1/people/{i}" for i in rng.sample(ids, min(len(ids), 2000))]

        results = {}
        for name, paths in (("page", pages), ("person", people)):
            listing = os.path.join(args.data, f"{name}.paths")
            with open(listing, "w", encoding="utf-8") as f:
                f.write("\n".join(paths) + "\n")
            lua = os.path.join(args.data, f"{name}.lua")
            with open(lua, "w", encoding="utf-8") as f:
                f.write(LUA % (listing, token, 1))
            runs = []
            for r in range(args.rounds):
                res = run_wrk(f"http://127.0.0.1:{port}", lua, args)
                runs.append(res)
                print(f"{name:6} run {r + 1}: {res['rps']:8.0f} req/s  p50 {res['p50']:.2f} ms  "
                      f"p99 {res['p99']:.2f} ms  max {res['max']:.1f} ms  errors {res['errors']}", flush=True)
            results[name] = runs

        print(f"# {args.people} people, wrk -t{args.threads} -c{args.connections} -d{args.seconds}s, "
              f"{args.rounds} rounds, {os.cpu_count()} CPUs")
        for name, runs in results.items():
            rps = statistics.median(r["rps"] for r in runs)
            p99 = statistics.median(r["p99"] for r in runs)
            verdict = "PASS" if rps >= 10000 and p99 <= 5 else "MISS"
            print(f"{name:6} median {rps:8.0f} req/s (target >= 10000), median p99 {p99:.2f} ms "
                  f"(target <= 5): {verdict}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        smtp.stop()


if __name__ == "__main__":
    sys.exit(main())
