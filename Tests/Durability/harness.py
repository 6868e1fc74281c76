"""A private Buyer Protection for the durability tests: data folder, nginx on a free
port, `bp serve` and `bp worker` started under a wrapper (the recorder shim or strace),
and a small HTTP client that posts forms the way a browser does."""
import http.client
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Browser"))
from stack import accepts, free_port  # noqa: E402  (the browser suite's helpers)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BP = os.environ.get("BP_BIN", os.path.join(ROOT, ".build", "debug", "bp"))
PASSWORD = "correct horse battery"
MERCHANT = "staff@shop.example"
CUSTOMER = "anna@example.com"


def wait_for(condition, timeout=30, what="the stack"):
    end = time.time() + timeout
    while time.time() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


class Stack:
    def __init__(self, env=None):
        self.scratch = tempfile.mkdtemp(prefix="bp-durability-")
        self.data = os.path.join(self.scratch, "data")
        os.mkdir(self.data)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, BP_DATA_DIR=self.data, BP_PORT=str(self.port), BP_BASE_URL=self.base, BP_ROOT=ROOT,
                        BP_LOG_LEVEL="warning", BP_WORKER_INTERVAL="1", **(env or {}))
        self.processes = []
        self.bp("migrate")
        shop = json.loads(self.bp("admin", "create-shop", "--name", "Sklep", "--email", "orders@shop.example",
                                  "--currency", "PLN"))
        self.shop_id, self.api_key = shop["id"], shop["api_key"]
        self.bp("admin", "create-user", "--role", "merchant", "--shop", self.shop_id, "--email", MERCHANT,
                stdin=PASSWORD + "\n")
        self.conf = subprocess.run([os.path.join(ROOT, "scripts", "nginx-conf"), str(self.port), self.data, ROOT],
                                   check=True, capture_output=True, text=True).stdout.strip()

    def bp(self, *args, stdin=None, env=None):
        result = subprocess.run([BP, *args], env=env or self.env, input=stdin, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"bp {' '.join(args)}: {result.stderr}")
        return result.stdout

    def start(self, serve_wrapper=(), worker_wrapper=(), worker=True, extra_env=None):
        env = dict(self.env, **(extra_env or {}))
        log = open(os.path.join(self.scratch, "serve.log"), "w")
        # Each in a process group of its own, stopped as a group: a wrapper (strace) and
        # the bp it runs get the signal together, so neither outlives the test.
        self.serve = subprocess.Popen([*serve_wrapper, BP, "serve"], env=env, stderr=log, stdout=log, start_new_session=True)
        self.processes.append((self.serve, signal.SIGTERM))
        wait_for(lambda: os.path.exists(os.path.join(self.data, "run", "bp.sock")), what="bp serve starting")
        if worker:
            self.worker = subprocess.Popen([*worker_wrapper, BP, "worker"], env=env, stderr=log, stdout=log,
                                           start_new_session=True)
            self.processes.append((self.worker, signal.SIGTERM))
        nginx = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-p", os.path.join(self.data, "nginx"),
                                  "-c", self.conf, "-g", "daemon off;"], stderr=subprocess.DEVNULL, start_new_session=True)
        self.processes.insert(0, (nginx, signal.SIGQUIT))
        wait_for(lambda: accepts(self.port), what="nginx accepting")

    def stop_processes(self):
        for process, sig in self.processes:
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                continue
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            # The group's other members (bp under strace) finish on the same signal.
            wait_for(lambda: not group_alive(process.pid), timeout=20, what=f"process group {process.pid} ending")
        self.processes = []

    def cleanup(self):
        self.stop_processes()
        if not os.environ.get("BP_KEEP_TEST_DATA"):
            shutil.rmtree(self.scratch, ignore_errors=True)

    def query(self, sql, *args):
        """A read of the live database (this process is not recorded)."""
        connection = sqlite3.connect(f"file:{self.data}/bp.sqlite?mode=ro", uri=True, timeout=10)
        try:
            return connection.execute(sql, args).fetchall()
        finally:
            connection.close()

    def register(self, number, email=CUSTOMER):
        body = json.dumps({"order_number": number, "order_date": "2026-11-20T10:00:00Z", "amount": "249.99",
                           "currency": "PLN", "customer_email": email, "locale": "en"})
        status, _, text = Client(self).request("POST", "/api/v1/protections", body.encode(), {
            "Authorization": "Bearer " + self.api_key, "Content-Type": "application/json"})
        assert status == 201, text
        return json.loads(text)["id"]

    def mail_link(self, to, contains):
        folder = os.path.join(self.data, "mail", "new")
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            text = open(os.path.join(folder, name), errors="replace").read()
            if to in text:
                match = re.search(r"https?://[^\s\"<>]+" + re.escape(contains) + r"[^\s\"<>]*", text.replace("=\n", ""))
                if match:
                    return match.group(0)
        return None


class Client:
    """One person's browser: cookies, the last page's csrf token, no redirects followed."""

    def __init__(self, stack):
        self.stack = stack
        self.cookies = {}
        self.csrf = None

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.stack.port, timeout=60)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        connection.close()
        match = re.search(r'name="csrf" value="([^"]+)"', text)
        if match:
            self.csrf = match.group(1)
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), text

    def get(self, path):
        return self.request("GET", path)

    def post_form(self, path, fields):
        from urllib.parse import urlencode
        return self.request("POST", path, urlencode([("csrf", self.csrf or "")] + fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def post_multipart(self, path, fields, files=()):
        boundary = "----bp" + uuid.uuid4().hex
        parts = []
        for name, value in [("csrf", self.csrf or "")] + fields:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, content, kind in files:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f'Content-Type: {kind}\r\n\r\n'.encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def sign_in_customer(stack, email=CUSTOMER):
    """The customer asks for a link; the worker delivers it; they open it."""
    client = Client(stack)
    client.get("/login")
    status, _, text = client.post_form("/login", [("email", email)])
    assert status in (200, 303), text
    wait_for(lambda: stack.mail_link(email, "/login/"), what="the sign-in mail")
    link = stack.mail_link(email, "/login/")
    status, _, _ = client.get(link[len(stack.base):])
    assert status == 303, status
    return client


def sign_in_merchant(stack):
    client = Client(stack)
    client.get("/merchant/login")
    status, _, text = client.post_form("/merchant/login", [("email", MERCHANT), ("password", PASSWORD)])
    assert status == 303, text
    return client


def pdf(label):
    """A small PDF whose content (and so SHA-256) is unique to `label`."""
    return f"%PDF-1.4\n% {label}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".encode()
