-- wrk script for bench/web.py: counts every response that is not 200 (wrk's own error count
-- misses redirects, so a run of 302s to the login page would pass unnoticed), and prints one
-- machine-readable line at the end with the percentiles wrk does not print (p95).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
  first_status = 0
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
    if first_status == 0 then first_status = status end
  end
end

function done(summary, latency, requests)
  local not_ok_total, first = 0, 0
  for _, thread in ipairs(threads) do
    not_ok_total = not_ok_total + thread:get("not_ok")
    if first == 0 then first = thread:get("first_status") end
  end
  local e = summary.errors
  io.write(string.format(
    "REMISS-WRK requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d max_us=%d not_200=%d first_bad_status=%d "
    .. "errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, not_ok_total, first, e.connect, e.read, e.write, e.status, e.timeout))
end
