"""A shop's webhook receiver for the integration tests, on 127.0.0.1.

    python3 webhook_receiver.py PORT LOG MODE_FILE

Appends every request to LOG as one JSON line (path, headers, body) and answers as the
MODE_FILE says at that moment: ok (200), fail (500), redirect (302), hang (20 s, then
200), big (200 with a 10 MB body). Prints its port once listening.
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, log, mode_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(log, "a") as out:
            out.write(json.dumps({"path": self.path, "headers": dict(self.headers), "body": body.decode()}) + "\n")
        try:
            mode = open(mode_file).read().strip()
        except OSError:
            mode = "ok"
        if mode == "hang":
            time.sleep(20)
        if mode == "fail":
            self.send_response(500)
        elif mode == "redirect":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:1/elsewhere")
        else:
            self.send_response(200)
        payload = b"x" * (10 * 1024 * 1024) if mode == "big" else b"ok"
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
print(server.server_address[1], flush=True)
server.serve_forever()
