"""A private Buyer Protection for the browser tests: a temporary data folder, `bp serve`
and nginx on a free port, set up by the same scripts `make run` uses."""
import email
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BP = os.environ.get("BP_BIN", os.path.join(ROOT, ".build", "debug", "bp"))
PASSWORD = "correct horse battery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepts(port):
    """Whether something listens on the port yet."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class Stack:
    def __init__(self):
        self.data = tempfile.mkdtemp(prefix="bp-browser-")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, BP_DATA_DIR=self.data, BP_PORT=str(self.port), BP_BASE_URL=self.base,
                        BP_ROOT=ROOT, BP_THREADS="4", BP_LOG_LEVEL="warning",
                        BP_REQUIRE_2FA="none", BP_MAIL_DOMAIN="reply.browser-tests.example")
        self.bp("migrate")
        conf = subprocess.run([os.path.join(ROOT, "scripts", "nginx-conf"), str(self.port), self.data, ROOT],
                              check=True, capture_output=True, text=True).stdout.strip()
        self.serve = subprocess.Popen([BP, "serve"], env=self.env, stderr=open(os.path.join(self.data, "serve.log"), "w"))
        self._wait(lambda: os.path.exists(os.path.join(self.data, "run", "bp.sock")))
        self.nginx = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-p", os.path.join(self.data, "nginx"),
                                       "-c", conf, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
        self._wait(self._accepts)

    def _accepts(self):
        return accepts(self.port)

    @staticmethod
    def _wait(condition, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            if condition():
                return
            time.sleep(0.05)
        raise RuntimeError("the stack did not start")

    def bp(self, *args, stdin=None):
        result = subprocess.run([BP, *args], env=self.env, input=stdin, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"bp {' '.join(args)}: {result.stderr}")
        return result.stdout

    def deliver_mail(self):
        self.bp("tick", "--at", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 2)))

    def mails(self, to):
        folder = os.path.join(self.data, "mail", "new")
        found = []
        for name in sorted(os.listdir(folder) if os.path.isdir(folder) else [], key=lambda n: os.path.getmtime(os.path.join(folder, n))):
            message = email.message_from_file(open(os.path.join(folder, name)))
            if to in (message["To"] or ""):
                text = next((p.get_payload(decode=True).decode() for p in message.walk() if p.get_content_type() == "text/plain"), "")
                found.append((str(email.header.make_header(email.header.decode_header(message["Subject"]))), text))
        return found

    def reply_to_last_mail(self, to):
        """The Reply-To of the newest email to `to` (a case's reply address)."""
        folder = os.path.join(self.data, "mail", "new")
        names = sorted(os.listdir(folder), key=lambda n: os.path.getmtime(os.path.join(folder, n)))
        for name in reversed(names):
            message = email.message_from_file(open(os.path.join(folder, name)))
            if to in (message["To"] or "") and message["Reply-To"]:
                return message["Reply-To"]
        raise AssertionError(f"no mail to {to} with a Reply-To")

    def link_in_last_mail(self, to, contains="/login/"):
        for _, text in reversed(self.mails(to)):
            match = re.search(r"https?://\S+" + re.escape(contains) + r"\S*", text)
            if match:
                return match.group(0)
        raise AssertionError(f"no mail to {to} with a link containing {contains}")

    def setup_world(self):
        shop = json.loads(self.bp("admin", "create-shop", "--name", "Sklep Testowy", "--email", "orders@shop.example",
                                  "--currency", "PLN", "--locale", "pl"))
        self.shop_id, self.api_key = shop["id"], shop["api_key"]
        self.bp("admin", "create-user", "--role", "merchant", "--shop", self.shop_id, "--email", "staff@shop.example",
                stdin=PASSWORD + "\n")
        self.bp("admin", "create-user", "--role", "agent", "--email", "agent@operator.example", stdin=PASSWORD + "\n")

    def register(self, number, amount="249.99", email_address="anna@example.com", locale="en"):
        import urllib.request
        body = json.dumps({"order_number": number, "order_date": "2026-11-20T10:00:00Z", "amount": amount, "currency": "PLN",
                           "customer_email": email_address, "locale": locale}).encode()
        request = urllib.request.Request(self.base + "/api/v1/protections", data=body, method="POST",
                                         headers={"Authorization": "Bearer " + self.api_key, "Content-Type": "application/json"})
        return json.load(urllib.request.urlopen(request))["id"]

    def stop(self):
        for process, sig in ((self.nginx, signal.SIGQUIT), (self.serve, signal.SIGTERM)):
            if process.poll() is None:
                process.send_signal(sig)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
        if not os.environ.get("BP_KEEP_TEST_DATA"):
            shutil.rmtree(self.data, ignore_errors=True)
