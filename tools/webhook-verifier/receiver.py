"""A webhook receiver that verifies every delivery with the standardwebhooks package.

WEBHOOK_SECRETS is JSON mapping a path ("/hooks/a") to the whsec_ secret of the sender posting
there. It listens on 127.0.0.1, prints "listening <port>", then one JSON line per delivery, and
answers 204 to a delivery that verifies, 401 to one that does not.
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError

SECRETS = json.loads(os.environ["WEBHOOK_SECRETS"])


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        line = {"path": self.path, "webhookId": self.headers.get("webhook-id")}
        try:
            event = Webhook(SECRETS[self.path]).verify(body, dict(self.headers.items()))
            line.update(verified=True, event=event)
        except (WebhookVerificationError, KeyError) as error:
            line.update(verified=False, error=f"{type(error).__name__}: {error}")
        print(json.dumps(line), flush=True)
        self.send_response(204 if line["verified"] else 401)
        self.end_headers()

    def log_message(self, format, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
print(f"listening {server.server_address[1]}", flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    sys.exit(0)
