-- Client-credentials token requests that keep every access token they get: one file per wrk
-- thread (TOKEN_DIR/tokens-<n>.txt), one token per line, for the cold-verification run.
local counter = 0
function setup(thread)
    counter = counter + 1
    thread:set("id", counter)
end

local out
function init(args)
    out = io.open(os.getenv("TOKEN_DIR") .. "/tokens-" .. id .. ".txt", "w")
    out:setvbuf("line")
end

wrk.method = "POST"
wrk.body = os.getenv("FORM_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

function response(status, headers, body)
    if status == 200 then
        local token = body:match('"access_token":"([^"]+)"')
        if token then out:write(token, "\n") end
    end
end
