-- wrk script: registers a new protection per request through the shop API
-- (POST /api/v1/protections), each with an order number no other request uses.
-- The API key comes from the environment (BENCH_API_KEY); with BENCH_CUSTOMER every
-- protection belongs to that one customer (bench/feedback.lua then opens cases on them).
local key = os.getenv("BENCH_API_KEY")
local customer = os.getenv("BENCH_CUSTOMER")
local counter = 0
local prefix = ""

function setup(thread)
    thread:set("id", math.random(1, 2^30))
end

function init(args)
    prefix = "W" .. tostring(id) .. "-" .. tostring(os.time()) .. "-"
end

function request()
    counter = counter + 1
    local email = customer or string.format("bench%d@example.com", counter)
    local body = string.format(
        '{"order_number":"%s%d","order_date":"2026-11-20T10:00:00Z","amount":"249.99","currency":"PLN","customer_email":"%s"}',
        prefix, counter, email)
    return wrk.format("POST", "/api/v1/protections",
        {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key}, body)
end
