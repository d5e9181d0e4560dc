-- GET /agents with a different token on every request, cycling through TOKENS (one per line):
-- with more tokens than the verifier caches (10,000), each is a cache miss, so every request
-- pays a full signature check. Each thread starts at its own offset.
local counter = 0
function setup(thread)
    counter = counter + 1
    thread:set("id", counter)
end

local tokens = {}
local next_index = 1
function init(args)
    for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
    next_index = 1 + ((id - 1) * math.floor(#tokens / 2)) % #tokens
end

function request()
    local token = tokens[next_index]
    next_index = next_index % #tokens + 1
    return wrk.format("GET", os.getenv("TARGET_PATH") or "/agents", { ["Authorization"] = "Bearer " .. token })
end
