-- wrk: one Upstash REST GET per request, as @upstash/redis sends it (JSON array body, base64 results).
wrk.method = "POST"
wrk.body = '["GET","bench:key"]'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Upstash-Encoding"] = "base64"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
