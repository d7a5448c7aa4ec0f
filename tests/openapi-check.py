#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks a running lanyardd against docs/openapi.yaml.

Starts the real lanyardd on a demo database with a real SMTP server on
loopback (aiosmtpd), signs in the way a client does — the code is read from
the mail — and then calls every operation of the document, with good input
and with bad. Every answer must use a status the document lists for that
operation, and its body must match the schema given for that status. An
operation of the document that was never called fails the check, and so
does a route the server answers that the document does not have.

Usage: openapi-check.py OPENAPI.yaml LANYARDD LANYARDCTL
Needs Debian's python3-yaml, python3-jsonschema and python3-aiosmtpd.
"""

import email
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

try:
    import yaml
    import jsonschema
    from aiosmtpd.controller import Controller
except ImportError as e:  # pragma: no cover - a missing package is a setup error
    print(f"1..0 # SKIP a Python module is missing: {e}")
    sys.exit(77)


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


class Checker:
    def __init__(self, doc, port):
        self.doc = doc
        self.port = port
        self.token = None
        self.called = set()
        self.failures = []
        self.checks = 0
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.resolver = jsonschema.RefResolver.from_schema(doc)
        # Templates of the document's paths, as regular expressions.
        self.routes = []
        for path in doc["paths"]:
            rx = "^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"
            self.routes.append((re.compile(rx), path))
        # A literal segment wins over a parameter: /people/delete is not /people/{id}.
        self.routes.sort(key=lambda route: route[1].count("{"))

    def template_of(self, path):
        bare = path.split("?", 1)[0]
        for rx, template in self.routes:
            if rx.match(bare):
                return template
        return None

    def fail(self, what):
        self.failures.append(what)
        print(f"# FAIL {what}")

    def request(self, method, path, body=None, expect=None, headers=None, raw=None):
        """Calls the server, checks the answer against the document, returns (status, json)."""
        hdrs = {"Accept": "application/json"}
        if self.token:
            hdrs["Authorization"] = f"Bearer {self.token}"
        if headers:
            hdrs.update(headers)
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            hdrs["Content-Type"] = "application/json"
        self.conn.request(method, "/api/v1" + path, body=data, headers=hdrs)
        resp = self.conn.getresponse()
        text = resp.read()
        status = resp.status
        parsed = None
        if text:
            try:
                parsed = json.loads(text)
            except ValueError:
                self.fail(f"{method} {path}: {status} with a body that is not JSON: {text[:80]!r}")
        self.checks += 1
        label = f"{method} {path} -> {status}"
        template = self.template_of(path)
        if template is None:
            # Not in the document: the server must not answer it with success.
            if status < 400:
                self.fail(f"{label}: answered, but the document has no such path")
            elif parsed is not None:
                self.validate(parsed, {"$ref": "#/components/schemas/Error"}, label)
        else:
            op = self.doc["paths"][template].get(method.lower())
            if op is None:
                if status != 405 and status != 404:
                    self.fail(f"{label}: method not in the document, expected 405")
            else:
                self.called.add((method.upper(), template))
                responses = op.get("responses", {})
                spec = responses.get(str(status))
                if spec is None:
                    self.fail(f"{label}: status not listed for {method} {template} "
                              f"(listed: {', '.join(sorted(responses))})")
                else:
                    spec = self.deref(spec)
                    schema = (spec.get("content", {}).get("application/json", {}).get("schema"))
                    if schema is not None:
                        if parsed is None:
                            self.fail(f"{label}: no JSON body, the document gives one")
                        else:
                            self.validate(parsed, schema, label)
                    elif text:
                        self.fail(f"{label}: a body where the document gives none")
        if status >= 400 and parsed is not None:
            self.validate(parsed, {"$ref": "#/components/schemas/Error"}, label)
        if expect is not None and status != expect:
            self.fail(f"{label}: expected {expect}; body {text[:200]!r}")
        return status, parsed

    def deref(self, node):
        while isinstance(node, dict) and "$ref" in node:
            _, node = self.resolver.resolve(node["$ref"])
        return node

    def validate(self, instance, schema, label):
        validator = jsonschema.Draft202012Validator(schema, resolver=self.resolver)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
        for e in errors[:3]:
            where = "/".join(str(p) for p in e.path) or "(body)"
            self.fail(f"{label}: {where}: {e.message[:200]}")


def wait_for(pred, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


def run(doc_path, lanyardd, lanyardctl):
    with open(doc_path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    jsonschema.Draft202012Validator.check_schema({"$defs": doc["components"]["schemas"]})

    tmp = tempfile.mkdtemp(prefix="lanyard-openapi-")
    db = os.path.join(tmp, "lanyard.db")
    subprocess.run([lanyardctl, "--database", db, "demo", "--people", "120", "--seed", "4"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run([lanyardd, "--database", db, "--create-admin", "admin@example.org",
                    "--name", "Ada Admin"], check=True, stdout=subprocess.DEVNULL)

    mailbox = Mailbox()
    smtp_port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()

    port = free_port()
    conf = os.path.join(tmp, "lanyardd.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(f"[server]\ndatabase={db}\nlisten=127.0.0.1\nport={port}\n"
                f"[smtp]\nurl=smtp://127.0.0.1:{smtp_port}\nfrom=Lanyard <lanyard@example.org>\n"
                "require-tls=false\n")
    server = subprocess.Popen([lanyardd, "--config", conf])
    try:
        def answers():
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    return True
            except OSError:
                return False
        wait_for(answers, 20, "lanyardd to listen")
        c = Checker(doc, port)
        exercise(c, mailbox)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            code = "killed after 20 s"
        smtp.stop()

    missing = []
    for path, item in doc["paths"].items():
        for method in item:
            if method in ("get", "put", "post", "delete", "patch") and (method.upper(), path) not in c.called:
                missing.append(f"{method.upper()} {path}")
    for m in missing:
        c.fail(f"never called: {m}")
    if code != 0:
        c.fail(f"lanyardd exited with {code} after SIGTERM, expected 0")

    print(f"# {c.checks} requests checked against {doc_path}, "
          f"{len(c.called)} operations called, {len(c.failures)} failures")
    return 1 if c.failures else 0


def exercise(c, mailbox):
    # Signing in, as a client does.
    c.request("GET", "/facilities", expect=401)
    c.request("POST", "/auth/code", raw=b"{not json", expect=400)
    c.request("POST", "/auth/code", body={"email": 42}, expect=422)
    c.request("POST", "/auth/code", body={"email": "nobody@example.org"}, expect=202)
    c.request("POST", "/auth/code", body={"email": "admin@example.org"}, expect=202)
    msg = wait_for(lambda: next((m for m in mailbox.messages if "admin@example.org" in m["To"]), None),
                   30, "the sign-in mail")
    body = msg.get_payload(decode=True).decode("utf-8")
    code = re.search(r"\b(\d{8})\b", body).group(1)
    c.request("POST", "/auth/token", body={"email": "admin@example.org", "code": "00000000" if code != "00000000" else "11111111"}, expect=401)
    _, tok = c.request("POST", "/auth/token", body={"email": "admin@example.org", "code": code}, expect=201)
    c.token = tok["token"]
    c.request("POST", "/auth/token", body={"email": "admin@example.org", "code": code}, expect=401)
    c.request("POST", "/auth/token", raw=b"{\"email\": \"" + b"x" * (17 * 1024) + b"\"}", expect=413)
    c.request("GET", "/auth/session", expect=200)

    # Facilities.
    _, facilities = c.request("GET", "/facilities", expect=200)
    fid = facilities[0]["id"]
    _, fac = c.request("POST", "/facilities", body={"name": "Annex", "timezone": "Europe/Berlin"}, expect=201)
    c.request("POST", "/facilities", body={"name": 5}, expect=422)
    fac["name"] = "Annex North"
    _, fac2 = c.request("PUT", f"/facilities/{fac['id']}", body=fac, expect=200)
    c.request("PUT", f"/facilities/{fac['id']}", body=fac, expect=409)
    c.request("PUT", f"/facilities/{fac['id']}", body=fac2, headers={"If-Match": '"999"'}, expect=412)
    c.request("PUT", "/facilities/999999", body=fac2, expect=404)

    # Doors, scopes, rules.
    _, doors = c.request("GET", f"/facilities/{fid}/doors", expect=200)
    c.request("GET", "/facilities/999999/doors", expect=404)
    _, door = c.request("POST", f"/facilities/{fid}/doors", body={"name": "Loading Bay"}, expect=201)
    c.request("POST", f"/facilities/{fid}/doors", body={"name": ""}, expect=422)
    door["name"] = "Loading Bay East"
    _, door = c.request("PUT", f"/doors/{door['id']}", body=door, expect=200)
    _, scopes = c.request("GET", f"/facilities/{fid}/scopes", expect=200)
    _, scope = c.request("POST", f"/facilities/{fid}/scopes",
                         body={"name": "Back of House", "door-ids": [door["id"]]}, expect=201)
    c.request("POST", f"/facilities/{fid}/scopes", body={"name": "Bad", "door-ids": [999999]}, expect=422)
    scope["name"] = "Back of House (all)"
    _, scope = c.request("PUT", f"/scopes/{scope['id']}", body=scope, expect=200)
    _, rules = c.request("GET", f"/facilities/{fid}/rules", expect=200)
    _, rule = c.request("POST", f"/facilities/{fid}/rules",
                        body={"name": "Staff anywhere", "enabled": True, "condition": "tag", "value": "staff",
                              "target": "all-doors", "schedule": None}, expect=201)
    c.request("POST", f"/facilities/{fid}/rules", body={"name": "x", "condition": "colour"}, expect=422)
    rule["enabled"] = False
    c.request("PUT", f"/rules/{rule['id']}", body=rule, expect=200)
    c.request("DELETE", f"/rules/{rule['id']}", expect=204)
    c.request("DELETE", f"/rules/{rule['id']}", expect=404)

    # People.
    _, page = c.request("GET", f"/facilities/{fid}/people?limit=20", expect=200)
    if page and page["next-cursor"]:
        c.request("GET", f"/facilities/{fid}/people?limit=20&cursor={page['next-cursor']}", expect=200)
    c.request("GET", f"/facilities/{fid}/people?search=an&sort=created&descending=true&access=has-access", expect=200)
    c.request("GET", f"/facilities/{fid}/people?limit=0", expect=400)
    c.request("GET", f"/facilities/{fid}/people?sort=colour", expect=400)
    c.request("GET", f"/facilities/{fid}/people?cursor=%21%21", expect=None)
    c.request("GET", f"/facilities/{fid}/people/counts", expect=200)
    for facet in ("source", "person-type", "membership-status", "tag"):
        c.request("GET", f"/facilities/{fid}/people/facets/{facet}", expect=200)
    c.request("GET", f"/facilities/{fid}/people/facets/colour", expect=None)
    _, person = c.request("POST", f"/facilities/{fid}/people",
                          body={"first-name": "Zoë", "last-name": "Brandt", "email": "zoe.brandt@example.org",
                                "phone": "+49 151 23456789", "custom-tags": ["night shift"]}, expect=201)
    c.request("POST", f"/facilities/{fid}/people",
              body={"first-name": "Zoe", "last-name": "Other", "email": "ZOE.BRANDT@example.org"}, expect=409)
    c.request("POST", f"/facilities/{fid}/people", body={"first-name": "No", "last-name": "Contact"}, expect=422)
    c.request("POST", f"/facilities/{fid}/people", body={"first-name": "A", "last-name": "B",
                                                         "email": "a@b.example", "access-enabled": "yes"}, expect=422)
    c.request("POST", f"/facilities/{fid}/people", raw=b"[", expect=400)
    c.request("POST", f"/facilities/{fid}/people", raw=b"[" * 200000, expect=400)
    c.request("POST", f"/facilities/{fid}/people", raw=b"{\"notes\": \"" + b"x" * (17 * 1024 * 1024) + b"\"}",
              expect=413)
    pid = person["id"]
    c.request("GET", f"/facilities/{fid}/people/duplicate?email=zoe.brandt%40example.org", expect=200)
    c.request("GET", f"/facilities/{fid}/people/duplicate?email=zoe.brandt%40example.org&except={pid}", expect=404)
    c.request("GET", f"/people/{pid}", expect=200)
    c.request("GET", "/people/999999", expect=404)
    c.request("GET", "/people/abc", expect=None)
    stale = dict(person)
    person["notes"] = "Key card 17"
    _, person = c.request("PUT", f"/people/{pid}", body=person, expect=200)
    stale["notes"] = "Lost edit"
    _, conflict = c.request("PUT", f"/people/{pid}", body=stale, expect=409)
    if conflict and conflict.get("current", {}).get("notes") != "Key card 17":
        c.fail("409 on PUT /people/{id} does not carry the current record")
    c.request("PUT", f"/people/{pid}", body=person, headers={"If-Match": f'"{person["version"] - 1}"'}, expect=412)
    c.request("GET", f"/people/{pid}/grants", expect=200)
    _, person = c.request("PUT", f"/people/{pid}/grants",
                          body={"person-version": person["version"],
                                "grants": [{"kind": "door", "target-id": door["id"], "schedule": "Mon-Fri 07:00-19:00"}]},
                          expect=200)
    c.request("PUT", f"/people/{pid}/grants",
              body={"person-version": person["version"], "grants": [{"kind": "door", "target-id": 999999}]},
              expect=422)
    c.request("PUT", f"/people/{pid}/grants", body={"person-version": 1, "grants": []}, expect=409)
    c.request("GET", f"/people/{pid}/decision?door={door['id']}&at=1765180800000000", expect=200)
    c.request("GET", f"/people/{pid}/decision", expect=400)
    c.request("POST", "/people/access", body={"ids": [pid], "enabled": False}, expect=200)
    c.request("POST", "/people/access", body={"ids": "all"}, expect=422)
    batch = {"people": [{"first-name": f"Batch{i}", "last-name": "Person", "email": f"batch{i}@example.org"}
                        for i in range(5)],
             "grants": [None, [{"kind": "facility"}], None, None, None]}
    c.request("POST", f"/facilities/{fid}/people/batch", body=batch, expect=201)
    c.request("POST", f"/facilities/{fid}/people/batch", body=batch, expect=409)
    imp = {"people": [{"first-name": "Imported", "last-name": "One", "email": "imported.one@example.org"}],
           "label": "members.csv", "summary": {"rows": 1, "added": 1}}
    c.request("POST", f"/facilities/{fid}/people/import", body=imp, expect=201)
    c.request("POST", f"/facilities/{fid}/people/import", body={"people": "none"}, expect=422)
    c.request("POST", "/people/delete", body={"ids": [pid]}, expect=200)
    c.request("POST", "/people/delete", body={}, expect=422)

    # Audit and settings.
    _, events = c.request("GET", f"/audit?facility-id={fid}&limit=20", expect=200)
    if events and not any(e.get("actor") == "admin@example.org" for e in events):
        c.fail("audit events of this run are not attributed to admin@example.org")
    c.request("GET", "/audit?limit=-1", expect=400)
    c.request("GET", "/settings/phone-region", expect=200)
    c.request("PUT", "/settings/phone-region", body={"region": "DE"}, expect=200)
    c.request("PUT", "/settings/phone-region", body={"region": "XX"}, expect=422)

    # Deletions last: the records above are used before.
    c.request("DELETE", f"/scopes/{scope['id']}", expect=204)
    c.request("DELETE", f"/doors/{door['id']}", expect=204)

    # Routes and methods the document does not have.
    c.request("GET", "/nothing-here", expect=404)
    c.request("PATCH", f"/people/{pid}", body={}, expect=405)

    # Sign out: the token stops working at once.
    c.request("DELETE", "/auth/session", expect=204)
    c.request("GET", "/auth/session", expect=401)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(run(*sys.argv[1:]))
