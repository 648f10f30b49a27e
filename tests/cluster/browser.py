"""One person's browser against the cluster: cookies, the CSRF token, sign-in."""

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
import uuid


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str, timeout: float = 30) -> None:
        self.base = base
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def forget(self, name: str) -> None:
        for c in list(self.jar):
            if c.name == name:
                self.jar.clear(c.domain, c.path, c.name)

    def _open(self, request: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def get(self, path: str, base: str | None = None) -> tuple[int, str]:
        status, body = self._open(urllib.request.Request(f"{base or self.base}{path}"))
        return status, body.decode(errors="replace")

    def post(
        self, path: str, data: dict, base: str | None = None, files: dict | None = None
    ) -> tuple[int, str]:
        url = f"{base or self.base}{path}"
        fields = {**data, "csrfmiddlewaretoken": self.cookie("csrftoken") or ""}
        if files:
            body, content_type = _multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            content_type = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, body, {"Content-Type": content_type})
        request.add_header("Referer", url)
        status, answer = self._open(request)
        return status, answer.decode(errors="replace")

    def log_in(self, username: str, password: str, base: str | None = None) -> int:
        self.get("/accounts/login/", base)
        status, _ = self.post(
            "/accounts/login/", {"username": username, "password": password}, base
        )
        return status


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, data, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
