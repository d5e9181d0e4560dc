-- A paced load for the soak: RATE requests per second in all (THREADS wrk threads), each
-- request given its slot on a schedule kept with the monotonic clock (LuaJIT's ffi), so the rate
-- does not depend on the server's latency as long as the connections keep up; a thread that
-- falls behind sends at once until it is back on schedule.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } cp_timespec;
int clock_gettime(int, cp_timespec *);
]]
local timespec = ffi.new("cp_timespec")
local function now_ms()
    ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC
    return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

wrk.method = os.getenv("METHOD") or "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = os.getenv("CONTENT_TYPE") or "application/json"
if os.getenv("BEARER") then wrk.headers["Authorization"] = "Bearer " .. os.getenv("BEARER") end

local interval = tonumber(os.getenv("THREADS") or "2") * 1000 / tonumber(os.getenv("RATE") or "1000")
local start, sent
function delay()
    local now = now_ms()
    if not start then start, sent = now, 0 end
    sent = sent + 1
    return math.max(0, start + sent * interval - now)
end
