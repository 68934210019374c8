-- Stops each wrk thread after WRK_LIMIT responses, so the ceiling run is bounded like the
-- others (wrk itself only knows durations).
local limit = tonumber(os.getenv("WRK_LIMIT") or "10000")
local count = 0

function response(status, headers, body)
  count = count + 1
  if count >= limit then
    wrk.thread:stop()
  end
end
