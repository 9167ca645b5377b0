#!/usr/bin/env bash
# payment-service benchmark (bench/payment.md): signed Stripe webhooks accepted per second and their latency,
# next to the database work each one costs done directly by pgbench (the same INSERT … ON CONFLICT DO NOTHING of
# the same payload), in one run on this machine. Needs wrk and pgbench (Debian packages wrk, postgresql-client),
# python3 (to sign the payloads), Postgres and Redis.
# Usage: bench/payment.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
connections=${2:-32}
work=$(mktemp -d)
pid=""
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
[[ -n ${BENCH_KEEP:-} ]] || trap cleanup EXIT
# A fresh secret per run (and none in the repository).
secret="whsec_bench$(od -An -tx1 -N16 /dev/urandom | tr -d " \n")"
database=groundwork_bench_payment

echo "== machine"
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
java -version 2>&1 | head -1; psql --version; wrk --version 2>&1 | head -1 || true

echo "== build"
./mvnw -B -q install -DskipTests -pl payment-service -am
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database" 2>/dev/null
# Stripe's API is out of reach on purpose: this measures accepting webhooks, not processing them (the worker
# polls once an hour here).
SUPABASE_DB_URL="postgresql://postgres@127.0.0.1:5432/$database" REDIS_URL="redis://127.0.0.1:6379/13" QUARKUS_HTTP_PORT=18082 QUARKUS_MANAGEMENT_PORT=19082 \
  STRIPE_WEBHOOK_SECRETS=$secret STRIPE_API_BASE=http://127.0.0.1:9 PAYMENT_INBOX_POLL_EVERY=1H \
  PAYMENT_RECONCILIATION_FIRST_DELAY=1H QUARKUS_LOG_CATEGORY__DEV_GROUNDWORK__LEVEL=WARN \
  java -Xmx512m -jar payment-service/target/quarkus-app/quarkus-run.jar >"$work/payment.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:19082/q/health/ready >/dev/null && break; sleep 0.5; done

# Distinct events (a subscription update from Stripe's sample objects, ~4 KiB), each signed now; wrk cycles
# through them, so every request is a new event until the list wraps around.
python3 - "$work" "$secret" 150000 <<'PY'
import hashlib, hmac, json, sys, time
work, secret = sys.argv[1], sys.argv[2]
sample = json.load(open("payment-service/src/test/resources/stripe/fixtures3.json"))["resources"]["subscription"]
now = int(time.time())
with open(f"{work}/requests.txt", "w") as out:
    for i in range(int(sys.argv[3])):
        event = {"id": f"evt_bench_{now}_{i}", "object": "event", "type": "customer.subscription.updated",
                 "api_version": "2026-07-29.dahlia", "created": now, "data": {"object": sample}}
        body = json.dumps(event, separators=(",", ":"))
        sig = hmac.new(secret.encode(), f"{now}.{body}".encode(), hashlib.sha256).hexdigest()
        out.write(f"t={now},v1={sig}\t{body}\n")
PY
# Each wrk thread sends its own share of lines [from, to) (wrk -s webhooks.lua … -- from to), so the warm-up and
# the measured run never send the same event; the Host header is set here since wrk.format runs before wrk's own.
cat >"$work/webhooks.lua" <<LUA
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1; thread:set("count", 2) end
function init(args)
  local from, to = tonumber(args[1]), tonumber(args[2])
  requests, i = {}, 0
  local n = 0
  for line in io.lines("$work/requests.txt") do
    if n >= from and n < to and n % count == id then
      local signature, body = line:match("([^\t]+)\t(.*)")
      requests[#requests + 1] = wrk.format("POST", "/payments/v1/webhooks/stripe", {["Host"] = "127.0.0.1:18082",
        ["Content-Type"] = "application/json", ["Stripe-Signature"] = signature}, body)
    end
    n = n + 1
  end
end
request = function()
  i = i % #requests + 1
  return requests[i]
end
LUA

echo "== the same insert straight into Postgres (pgbench), $connections clients, ${seconds}s"
psql -h 127.0.0.1 -U postgres -d $database -qc "CREATE TABLE bench_event (LIKE billing.stripe_event INCLUDING ALL)"
head -1 "$work/requests.txt" | cut -f2 | sed "s/'/''/g" >"$work/body.sql"
cat >"$work/insert.sql" <<SQL
\set n random(1, 1000000000)
INSERT INTO bench_event (id, type, api_version, created, payload, source)
VALUES ('evt_' || :n || '_' || :client_id, 'customer.subscription.updated', '2026-07-29.dahlia', 1, '$(cat "$work/body.sql")', 'webhook')
ON CONFLICT (id) DO NOTHING;
SQL
pgbench -h 127.0.0.1 -U postgres -n -c "$connections" -j 2 -T "$seconds" -f "$work/insert.sql" -l --log-prefix="$work/pgbench" $database \
  | grep -E "^tps|latency average" | sed 's/^/    /'
cat "$work"/pgbench.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "    p50 %.2f ms   p99 %.2f ms\n", a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000}'

echo "== signed webhooks through payment-service, wrk -t2 -c$connections -d${seconds}s (after 5 s of warm-up)"
wrk -t2 -c"$connections" -d5s -s "$work/webhooks.lua" http://127.0.0.1:18082 -- 0 30000 >/dev/null
before=$(psql -h 127.0.0.1 -U postgres -d $database -tAc 'SELECT count(*) FROM billing.stripe_event')
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/webhooks.lua" http://127.0.0.1:18082 -- 30000 150000 \
  | grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx|Socket errors" | sed 's/^/    /'
echo "    new inbox rows: $(( $(psql -h 127.0.0.1 -U postgres -d $database -tAc 'SELECT count(*) FROM billing.stripe_event') - before ))"

echo "== events delivered again (all duplicates: ON CONFLICT DO NOTHING, still 200)"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/webhooks.lua" http://127.0.0.1:18082 -- 0 30000 \
  | grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx" | sed 's/^/    /'
