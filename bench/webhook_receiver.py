#!/usr/bin/env python3
"""A webhook receiver for bench/delivery.sh: answers 204 to every POST and
writes one line per delivery to the file given: webhook-id, arrival time
(Unix seconds, float)."""
import http.server
import sys
import time


class Server(http.server.ThreadingHTTPServer):
    # socketserver's default listen backlog is 5: a gateway opening more
    # connections at once would see SYNs dropped and retried a second later.
    request_queue_size = 1024
    daemon_threads = True


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        self.server.log.write(f"{self.headers.get('webhook-id')} {time.time():.6f}\n")
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    server = Server(("127.0.0.1", int(sys.argv[1])), Receiver)
    with open(sys.argv[2], "w", buffering=1) as log:
        server.log = log
        server.serve_forever()


if __name__ == "__main__":
    main()
