-- wrk script for `syncdrill_bench_serve`: the POST route of the serve benchmark, a channel
-- inventory write (JSON body parsed, listing written, JSON answer), as a stock-sync connector
-- sends it.
wrk.method = "POST"
wrk.body = '{"sku": 1, "quantity": 100}'
wrk.headers["Content-Type"] = "application/json"
