-- One kind of request for `make bench`, configured by the environment: BENCH_METHOD,
-- BENCH_PATH, BENCH_BODY (FORM_TOKEN is replaced by a fresh token per request) or
-- BENCH_BODIES (a file of bodies, one a line, posted in turn), BENCH_COOKIE, BENCH_CSRF.
-- Prints one JSON line of results when done.
local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local body = os.getenv("BENCH_BODY") or ""
local headers = {
  -- As browsers ask: the portal compresses its pages, and that cost is part of a request.
  ["Accept-Encoding"] = "gzip",
  ["Cookie"] = os.getenv("BENCH_COOKIE") or "",
  ["X-CSRFToken"] = os.getenv("BENCH_CSRF") or "",
  ["HX-Request"] = os.getenv("BENCH_HTMX") or nil,
}
if method == "POST" then
  headers["Content-Type"] = "application/x-www-form-urlencoded"
end
local prefix = tostring({}):gsub("[^%w]", "")
local counter = 0
local bodies = {}
local bodies_file = os.getenv("BENCH_BODIES") or ""
if bodies_file ~= "" then
  for line in io.lines(bodies_file) do
    bodies[#bodies + 1] = line
  end
end

request = function()
  counter = counter + 1
  local payload = nil
  if #bodies > 0 then
    payload = bodies[(counter - 1) % #bodies + 1]
  elseif method == "POST" then
    payload = body:gsub("FORM_TOKEN", prefix .. "-" .. counter)
  end
  return wrk.format(method, path, headers, payload)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
      .. '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000
  ))
end
