#!/usr/bin/env bash
# cache-service benchmark (bench/cache.md): GET hits through the Upstash REST API, directly and through the gateway,
# next to redis-benchmark GET on the same Redis, at the same concurrency, in one run on this machine; then the p99
# of the direct API at a paced rate of half its measured maximum (bench/paced.c, open loop). Needs wrk,
# redis-benchmark (redis-tools), nginx (the paced runs' reference), a C compiler, Postgres and Redis.
# Usage: bench/cache.sh [seconds] [connections] [warm-up seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
connections=${2:-32}
warmup=${3:-20}
token="gwc_bench_$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== machine"
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
java -version 2>&1 | head -1; redis-server --version; wrk --version 2>&1 | head -1 || true
# A DAMON reclaim daemon (a VM's memory balloon) samples memory every few hundred ms, and each pass stalls the JVM
# for tens of milliseconds: the paced p99 depends on it, so the run says whether one is on.
for kdamond in /sys/kernel/mm/damon/admin/kdamonds/*/; do
  [ -f "$kdamond/state" ] || continue
  echo "DAMON $(basename "$kdamond"): $(cat "$kdamond/state"), sampling every" \
    "$(cat "$kdamond/contexts/0/monitoring_attrs/intervals/sample_us" 2>/dev/null) µs," \
    "action $(cat "$kdamond/contexts/0/schemes/0/action" 2>/dev/null)"
done

echo "== build"
./mvnw -B -q install -DskipTests -pl cache-service,gateway -am
cc -O2 -o "$work/paced" bench/paced.c

database=groundwork_bench_cache
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database" 2>/dev/null
redis-cli -n 11 flushdb >/dev/null
SUPABASE_DB_URL="postgresql://postgres@127.0.0.1:5432/$database" REDIS_URL="redis://127.0.0.1:6379/11" \
  QUARKUS_HTTP_PORT=18083 QUARKUS_MANAGEMENT_PORT=19083 \
  CACHE_NAMESPACES_BENCH_READ_WRITE_TOKENS="$token" CACHE_NAMESPACES_BENCH_REQUESTS_PER_SECOND=100000000 \
  java -Xmx512m -jar cache-service/target/quarkus-app/quarkus-run.jar >"$work/cache.log" 2>&1 &
pids+=($!)
REDIS_URL="redis://127.0.0.1:6379/11" QUARKUS_HTTP_PORT=18080 QUARKUS_MANAGEMENT_PORT=19080 \
  GATEWAY_UPSTREAMS_CACHE=http://127.0.0.1:18083 GATEWAY_UPSTREAMS_AUTH=http://127.0.0.1:9 \
  GATEWAY_RATE_LIMITS_CACHE_LIMIT=100000000 QUARKUS_LOG_CATEGORY__GATEWAY_ACCESS__LEVEL=WARN \
  java -Xmx512m -jar gateway/target/quarkus-app/quarkus-run.jar >"$work/gateway.log" 2>&1 &
pids+=($!)
for port in 19083 19080; do
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && break; sleep 0.5; done
done
value=$(head -c 100 /dev/zero | tr '\0' 'v')
curl -sf -XPOST http://127.0.0.1:18083/cache/v1/redis -H "Authorization: Bearer $token" \
  -d "[\"SET\",\"bench:key\",\"$value\",\"EX\",3600]" >/dev/null

echo "== redis-benchmark GET (100-byte value, $connections clients, no pipelining)"
redis-benchmark -h 127.0.0.1 -p 6379 --dbnum 11 -c "$connections" -n 400000 -d 100 -t set,get --csv | grep -E '"test"|"GET"'

export BENCH_TOKEN=$token
for target in "direct http://127.0.0.1:18083/cache/v1/redis" "gateway http://127.0.0.1:18080/cache/v1/redis"; do
  set -- $target
  wrk -t2 -c"$connections" -d"${warmup}s" -s bench/cache-get.lua "$2" >/dev/null
  echo "== wrk $1: $2 ($connections connections, ${seconds} s after ${warmup} s of warm-up)"
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/cache-get.lua "$2" | tee "$work/wrk-$1.txt" \
    | grep -E "Requests/sec|Latency |50%|99%|Non-2xx"
done

# Where the time goes: the same requests with an unknown token are answered 401 before any Redis call (HTTP, JSON
# parsing, token lookup, the error body).
echo "== wrk direct, unknown token: the HTTP and token path without Redis"
BENCH_TOKEN=unknown wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/cache-get.lua http://127.0.0.1:18083/cache/v1/redis \
  | grep -E "Requests/sec|Latency |50%|99%"

# The reference for the paced runs: nginx answering the same JSON at once, at the same rates: what the generator
# and the machine add by themselves.
cat >"$work/nginx.conf" <<EOF
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/nginx.log;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 100000000; keepalive_timeout 600s;
  server { listen 127.0.0.1:18099; location / { default_type application/json; return 200 '{"result":"dnZ2"}'; } } }
EOF
nginx -c "$work/nginx.conf" &
pids+=($!)
sleep 1

max=$(awk '/Requests\/sec/ {printf "%d", $2}' "$work/wrk-direct.txt")
for rate in $((max / 2)) $((max / 4)); do
  echo "== paced at ${rate}/s (the direct maximum was $max/s), $connections connections: cache-service direct, then nginx"
  "$work/paced" 127.0.0.1 18083 /cache/v1/redis '["GET","bench:key"]' "Bearer $token" "$rate" "$seconds" "$connections" || true
  "$work/paced" 127.0.0.1 18099 /cache/v1/redis '["GET","bench:key"]' "Bearer $token" "$rate" "$seconds" "$connections" || true
done
