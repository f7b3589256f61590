-- wrk script: POST bench/chat.json (BODY_FILE) with the headers given by -H; prints one RESULT line.
local f = assert(io.open(os.getenv("BODY_FILE") or "bench/chat.json", "rb"))
local body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f requests=%d non2xx=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout))
end

-- the pause after every answer (per connection) that makes the load paced; 0 or unset: as fast as answered
local pace = tonumber(os.getenv("PACE_DELAY_MS") or "0") or 0
if pace > 0 then
  function delay() return pace end
end
