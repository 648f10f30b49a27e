"""A small web server on 127.0.0.1 that the feed tests start, serving canned answers."""

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Answer:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the headers are sent
    chunked: bool = False  # no Content-Length; sent in pieces
    etag: str = ""  # answer 304 to a request that sends this If-None-Match
    # A hostile server: "headers" sends the header block, or "body" the body, one byte
    # every `trickle_every` seconds for `trickle_for` seconds, so that no read times out.
    trickle: str = ""
    trickle_every: float = 0.2
    trickle_for: float = 8.0


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class FeedServer:
    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.requests: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(Seen(self.path, dict(self.headers.items())))
                answer = server.answers.get(self.path, Answer(b"not here", status=404))
                time.sleep(answer.delay)
                if answer.etag and self.headers.get("If-None-Match") == answer.etag:
                    self.send_response(304)
                    self.send_header("ETag", answer.etag)
                    self.end_headers()
                    return
                if answer.trickle:
                    self._trickle(answer)
                    return
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if answer.etag:
                    self.send_header("ETag", answer.etag)
                if answer.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    self._send_chunks(answer.body)
                    return
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def _send_chunks(self, body: bytes) -> None:
                try:
                    for start in range(0, len(body), 16384):
                        piece = body[start : start + 16384]
                        self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should past the size cap

            def _trickle(self, answer: Answer) -> None:
                until = time.monotonic() + answer.trickle_for
                try:
                    if answer.trickle == "headers":
                        self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                    else:
                        self.wfile.write(
                            b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                            b"Transfer-Encoding: chunked\r\n\r\n"
                        )
                    while time.monotonic() < until:
                        self.wfile.write(b"a" if answer.trickle == "headers" else b"1\r\n \r\n")
                        time.sleep(answer.trickle_every)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should
                self.close_connection = True

            def log_message(self, *args) -> None:
                pass

        Handler.protocol_version = "HTTP/1.1"
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes | str = b"", **options) -> str:
        """Answer GET `path` with `body` from now on; return its address."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        options.setdefault("headers", {"Content-Type": "application/rss+xml"})
        self.answers[path] = Answer(body, **options)
        return self.url(path)


@pytest.fixture
def feed_server(settings) -> Iterator[FeedServer]:
    """The server, with the portal allowed to fetch from loopback addresses."""
    settings.FEED_ALLOW_PRIVATE_ADDRESSES = True
    settings.FEED_FETCH_TIMEOUT = 1
    settings.FEED_FETCH_DEADLINE = 5  # the deadline's own tests set 2
    server = FeedServer()
    # Polled every 50 ms, not every 500: shutdown() waits for the next poll, after every test.
    thread = threading.Thread(
        target=server.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
