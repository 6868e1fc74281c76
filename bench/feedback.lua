-- wrk script: a customer opens a case per request through the feedback form
-- (POST /protections/{id}/feedback, multipart, option not_received), each request on a
-- protection of theirs that no other request uses. From the environment:
--   BENCH_IDS       a file of protection ids, one a line (active, no case yet)
--   BENCH_COOKIE    the customer's bp_session cookie; BENCH_CSRF its csrf token
--   BENCH_DOCUMENT  "1": each request carries a 4 KB PDF of its own (unique content)
-- Thread n of N takes ids n, n+N, n+2N, …; when they run out it asks for "/" instead,
-- so bench/run counts opened cases in the database rather than trusting wrk's count.
local cookie = os.getenv("BENCH_COOKIE")
local csrf = os.getenv("BENCH_CSRF")
local withDocument = os.getenv("BENCH_DOCUMENT") == "1"
local boundary = "----benchboundary7d1f"
local threads = {}
local ids = {}
local next = 0

function setup(thread)
    table.insert(threads, thread)
    thread:set("index", #threads)
end

function init(args)
    local count = tonumber(os.getenv("BENCH_THREADS") or "2")
    local n = 0
    for line in io.lines(os.getenv("BENCH_IDS")) do
        n = n + 1
        if n % count == index % count then table.insert(ids, line) end
    end
end

local function field(name, value)
    return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. name .. "\"\r\n\r\n" .. value .. "\r\n"
end

function request()
    next = next + 1
    local id = ids[next]
    if id == nil then return wrk.format("GET", "/") end
    local body = field("csrf", csrf) .. field("option", "not_received") .. field("message", "Nothing arrived (bench).")
    if withDocument then
        local pdf = "%PDF-1.4\n% bench " .. id .. "\n" .. string.rep("0123456789abcdef", 250) .. "\n%%EOF\n"
        body = body .. "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"documents\"; filename=\"order.pdf\"\r\n" ..
            "Content-Type: application/pdf\r\n\r\n" .. pdf .. "\r\n"
    end
    body = body .. "--" .. boundary .. "--\r\n"
    return wrk.format("POST", "/protections/" .. id .. "/feedback",
        {["Content-Type"] = "multipart/form-data; boundary=" .. boundary, ["Cookie"] = "bp_session=" .. cookie}, body)
end
