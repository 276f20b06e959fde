#!/usr/bin/env python3
"""An SMTP server on loopback for the tests and the benchmark of `followup send`.

Listens on 127.0.0.1 (a free port unless --port), writes each message it accepts, as
the bytes received, to DIR/<n>.eml (written to a temporary name, then renamed), and
prints `PORT <n>` on its first line of output once it accepts connections.

  --starttls          offer STARTTLS with a self-signed certificate for `localhost`,
                      written to DIR/../cert.pem (made with the openssl command)
  --auth USER:PASS    require this login (AUTH PLAIN, LOGIN)
  --reject ADDR       answer 550 to RCPT TO:<ADDR>
  --tempfail ADDR     answer 451 to RCPT TO:<ADDR>

Requires aiosmtpd (scripts/requirements.txt).
"""

import argparse
import asyncio
import itertools
import os
import ssl
import subprocess
import sys
import tempfile

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, out, reject, tempfail):
        self.out = out
        self.reject = set(reject)
        self.tempfail = set(tempfail)
        self.count = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
        if address in self.tempfail:
            return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(self.count)
        name = "%06d-%d.eml" % (n, os.getpid())
        tmp = os.path.join(self.out, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(tmp, os.path.join(self.out, name))
        return "250 2.0.0 Ok: queued as %s" % name


def make_cert(where):
    cert = os.path.join(where, "cert.pem")
    key = os.path.join(where, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
         "-out", cert, "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost",
         "-addext", "basicConstraints=critical,CA:FALSE"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--starttls", action="store_true")
    p.add_argument("--auth")
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--tempfail", action="append", default=[])
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)

    port = a.port
    if port == 0:
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()

    kwargs = {}
    if a.starttls:
        kwargs["tls_context"] = make_cert(os.path.dirname(os.path.abspath(a.dir)))
        kwargs["require_starttls"] = False
    if a.auth:
        user, password = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login.decode() == user
                  and auth_data.password.decode() == password)
            return AuthResult(success=ok)

        kwargs["authenticator"] = authenticator
        kwargs["auth_required"] = True
        kwargs["auth_require_tls"] = a.starttls
    c = Controller(Sink(a.dir, a.reject, a.tempfail), hostname="127.0.0.1", port=port,
                   **kwargs)
    c.start()
    print("PORT %d" % port, flush=True)
    try:
        sys.stdin.read()  # until the test closes our stdin (or ends)
    finally:
        c.stop()


if __name__ == "__main__":
    main()
