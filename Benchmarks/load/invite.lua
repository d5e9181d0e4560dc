-- POST …/members with a new email on every request (each wrk thread its own prefix), for the bulk
-- provisioning rate of docs/performance.md. Needs ORG and KEY in the environment.
local counter = 0
local threads = 0

function setup(thread)
    threads = threads + 1
    thread:set("prefix", string.format("t%d-%d", threads, os.time()))
end

function request()
    counter = counter + 1
    local body = string.format('{"email": "%s-%d@bulk.test", "name": "Bulk %d", "role": "member"}', prefix, counter, counter)
    return wrk.format("POST", "/v1/orgs/" .. os.getenv("ORG") .. "/members", {
        ["Content-Type"] = "application/json",
        ["Authorization"] = "Bearer " .. os.getenv("KEY"),
    }, body)
end
