#!/usr/bin/env bash
# Entries and response-cache benchmark (bench/cache.md, "Entries and the gateway's response cache"), in one run on
# this machine at the same concurrency:
#   - GET hits of the entries API (a service account's token, 100-byte value), directly and through the gateway,
#     next to redis-benchmark GET on the same Redis;
#   - a 1 KiB JSON page from an nginx origin through the gateway on a cached route and on an uncached route, next to
#     nginx's own proxy_cache in front of the same origin, and the origin alone.
# Needs wrk, redis-benchmark (redis-tools), nginx, Postgres and Redis. Usage: bench/cache-entries.sh [seconds] [connections] [warm-up seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
connections=${2:-32}
warmup=${3:-15}
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
java -version 2>&1 | head -1; redis-server --version; nginx -v 2>&1
for kdamond in /sys/kernel/mm/damon/admin/kdamonds/*/; do
  [ -f "$kdamond/state" ] && echo "DAMON $(basename "$kdamond"): $(cat "$kdamond/state") (see bench/cache.md: it stalls the JVMs every ~0.5 s)"
done

echo "== build"
./mvnw -B -q install -DskipTests -pl auth-service,cache-service,gateway -am

database=groundwork_bench_entries
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database" 2>/dev/null
redis-cli -n 12 flushdb >/dev/null
secret=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
secret_sha256=$(printf '%s' "$secret" | sha256sum | cut -d' ' -f1)
db="postgresql://postgres@127.0.0.1:5432/$database"
redis="redis://127.0.0.1:6379/12"

# The origin (a 1 KiB JSON page that says max-age=60) and nginx's proxy_cache in front of it.
page=$(printf '{"items":[%s]}' "$(for i in $(seq 1 40); do printf '{"id":%d,"name":"item-%04d"},' "$i" "$i"; done | sed 's/,$//')")
mkdir -p "$work/www" "$work/nginx-cache"
# nginx's workers run as another user: they must read the page and write their cache.
chmod 755 "$work" "$work/www"
chmod 777 "$work/nginx-cache"
printf '%s' "$page" >"$work/www/page.json"
cat >"$work/nginx.conf" <<EOF
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/nginx.log;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 100000000; keepalive_timeout 600s;
  proxy_cache_path $work/nginx-cache keys_zone=pages:10m;
  upstream origin { server 127.0.0.1:18098; keepalive 64; }
  server { listen 127.0.0.1:18098; root $work/www; default_type application/json; access_log $work/origin.log;
    location / { add_header Cache-Control "public, max-age=60"; } }
  server { listen 127.0.0.1:18097;
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_cache pages; add_header X-Cache-Status \$upstream_cache_status; } } }
EOF
touch "$work/origin.log" && chmod 666 "$work/origin.log"
nginx -c "$work/nginx.conf" &
pids+=($!)

SUPABASE_DB_URL="$db" REDIS_URL="$redis" QUARKUS_HTTP_PORT=18081 QUARKUS_MANAGEMENT_PORT=19081 \
  AUTH_PUBLIC_BASE_URL=http://127.0.0.1:18080 AUTH_GENERATE_LOCAL_KEYS=true AUTH_DATA_DIR="$work/auth" \
  java -Xmx512m -Dauth.clients.bench.secret-sha256="$secret_sha256" -Dauth.clients.bench.scopes=cache:bench \
  -jar auth-service/target/quarkus-app/quarkus-run.jar >"$work/auth.log" 2>&1 &
pids+=($!)
SUPABASE_DB_URL="$db" REDIS_URL="$redis" QUARKUS_HTTP_PORT=18083 QUARKUS_MANAGEMENT_PORT=19083 \
  CACHE_AUTH_URL=http://127.0.0.1:18081 CACHE_NAMESPACES_BENCH_REQUESTS_PER_SECOND=100000000 \
  java -Xmx512m -jar cache-service/target/quarkus-app/quarkus-run.jar >"$work/cache.log" 2>&1 &
pids+=($!)
REDIS_URL="$redis" QUARKUS_HTTP_PORT=18080 QUARKUS_MANAGEMENT_PORT=19080 \
  GATEWAY_UPSTREAMS_AUTH=http://127.0.0.1:18081 GATEWAY_UPSTREAMS_CACHE=http://127.0.0.1:18083 \
  GATEWAY_RATE_LIMITS_CACHE_LIMIT=100000000 QUARKUS_LOG_CATEGORY__GATEWAY_ACCESS__LEVEL=WARN \
  GATEWAY_ROUTES_PAGESCACHED_PREFIX=/pages-cached GATEWAY_ROUTES_PAGESCACHED_STRIP_PREFIX=true \
  GATEWAY_ROUTES_PAGESCACHED_UPSTREAM=http://127.0.0.1:18098 GATEWAY_ROUTES_PAGESCACHED_CACHE_ENABLED=true \
  GATEWAY_ROUTES_PAGES_PREFIX=/pages GATEWAY_ROUTES_PAGES_STRIP_PREFIX=true GATEWAY_ROUTES_PAGES_UPSTREAM=http://127.0.0.1:18098 \
  java -Xmx512m -jar gateway/target/quarkus-app/quarkus-run.jar >"$work/gateway.log" 2>&1 &
pids+=($!)
for port in 19081 19083 19080; do
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && break; sleep 0.5; done
done

token=$(curl -sf -u "bench:$secret" -d grant_type=client_credentials -d scope=cache:bench http://127.0.0.1:18081/oauth/token \
  | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
value=$(head -c 100 /dev/zero | tr '\0' 'v')
curl -sf -XPUT http://127.0.0.1:18083/cache/v1/namespaces/bench/entries/bench-key -H "Authorization: Bearer $token" \
  -H 'Cache-Control: max-age=3600' -H 'Content-Type: text/plain' -d "$value"
curl -sf -o /dev/null -D - http://127.0.0.1:18080/pages-cached/page.json | grep -i '^cache-status'
curl -sf -o /dev/null -D - http://127.0.0.1:18080/pages-cached/page.json | grep -i '^cache-status'
curl -sf -o /dev/null -D - http://127.0.0.1:18097/page.json >/dev/null
curl -sf -o /dev/null -D - http://127.0.0.1:18097/page.json | grep -i '^x-cache-status'

echo "== redis-benchmark GET (100-byte value, $connections clients, no pipelining)"
redis-benchmark -h 127.0.0.1 -p 6379 --dbnum 12 -c "$connections" -n 400000 -d 100 -t get --csv | grep -E '"GET"'

run() {
  local name=$1 url=$2
  shift 2
  wrk -t2 -c"$connections" -d"${warmup}s" "$@" "$url" >/dev/null
  echo "== wrk $name: $url ($connections connections, ${seconds} s after ${warmup} s of warm-up)"
  local before
  before=$(wc -l <"$work/origin.log")
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/wrk-status.lua "$@" "$url" | grep -E "Requests/sec|Latency |50%|99%|Non-2xx|status"
  # What protecting the origin means: how many of those requests reached it.
  echo "requests that reached the origin: $(($(wc -l <"$work/origin.log") - before))"
}
run "entries direct" http://127.0.0.1:18083/cache/v1/namespaces/bench/entries/bench-key -H "Authorization: Bearer $token"
run "entries via gateway" http://127.0.0.1:18080/cache/v1/namespaces/bench/entries/bench-key -H "Authorization: Bearer $token"
run "gateway cached route" http://127.0.0.1:18080/pages-cached/page.json
run "gateway uncached route" http://127.0.0.1:18080/pages/page.json
run "nginx proxy_cache" http://127.0.0.1:18097/page.json
run "nginx origin alone" http://127.0.0.1:18098/page.json
