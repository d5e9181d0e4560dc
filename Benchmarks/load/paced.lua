-- A paced token load for the soak: each connection waits DELAY_MS between requests, so
-- connections × 1000 / DELAY_MS requests per second at most (the soak script picks both).
wrk.method = os.getenv("METHOD") or "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = os.getenv("CONTENT_TYPE") or "application/json"
if os.getenv("BEARER") then wrk.headers["Authorization"] = "Bearer " .. os.getenv("BEARER") end
local delay_ms = tonumber(os.getenv("DELAY_MS") or "10")
function delay()
    return delay_ms
end
