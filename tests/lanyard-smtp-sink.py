#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A loopback SMTP relay for test-mail.

    lanyard-smtp-sink.py PORT DIR

Listens on 127.0.0.1:PORT with aiosmtpd and writes each message it
accepts to DIR/NNNN.json: the envelope, the raw message exactly as
received, and the headers and body as Python's email package decodes them
(so that the C test need not decode quoted-printable or RFC 2047 itself).
Creates DIR/ready once it listens. Runs until killed.

Run it with Debian's /usr/bin/python3, which has python3-aiosmtpd.
"""

import asyncio
import email
import email.policy
import json
import os
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.directory = directory
        # A sink restarted on the same directory (relay down, relay back) numbers on.
        self.count = len([name for name in os.listdir(directory) if name.endswith('.json')])

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        self.count += 1
        record = {
            'mail-from': envelope.mail_from,
            'rcpt-tos': envelope.rcpt_tos,
            'raw': raw.decode('utf-8', 'replace'),
            'headers': {name: str(value) for name, value in message.items()},
            'body': message.get_content(),
        }
        path = os.path.join(self.directory, '%04d.json' % self.count)
        # Written aside and renamed, so that the test never reads half a file.
        with open(path + '.tmp', 'w', encoding='utf-8') as out:
            json.dump(record, out, ensure_ascii=False, indent=1)
        os.rename(path + '.tmp', path)
        return '250 Message accepted for delivery'


def main():
    port = int(sys.argv[1])
    directory = sys.argv[2]
    sink = Sink(directory)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(sink, enable_SMTPUTF8=True), '127.0.0.1', port))

    with open(os.path.join(directory, 'ready'), 'w'):
        pass

    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == '__main__':
    main()
