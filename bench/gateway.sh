#!/usr/bin/env bash
# Gateway benchmark (bench/gateway.md): wrk against (a) a small upstream directly, (b) nginx as a plain reverse
# proxy to it (keep-alive upstream), (c) the gateway as a plain proxy, (d) the gateway with a token check and a
# rate limit, in one run on this machine. Needs wrk and nginx (Debian packages), Postgres and Redis (for (d)).
# Usage: bench/gateway.sh [seconds] [connections] [warm-up seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
connections=${2:-64}
# The JIT needs a while on two shared cores: with 5 s the gateway measured 40% below its steady rate.
warmup=${3:-20}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -f $work/nginx.pid ]] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
[[ -n ${BENCH_KEEP:-} ]] || trap cleanup EXIT

echo "== machine"
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
java -version 2>&1 | head -1; nginx -v 2>&1; wrk --version 2>&1 | head -1 || true

echo "== build"
./mvnw -B -q install -DskipTests -pl gateway,auth-service -am

# The upstream and the reference proxy: one nginx, two servers (1 worker each for the upstream, 1 for the proxy).
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  upstream small { server 127.0.0.1:18090; keepalive 128; }
  server { listen 127.0.0.1:18090; location / { default_type application/json; return 200 '{"hello":"world"}'; } }
  server {
    listen 127.0.0.1:18091;
    location / { proxy_pass http://small; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"

database=groundwork_bench_gateway
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database" 2>/dev/null
SUPABASE_DB_URL="postgresql://postgres@127.0.0.1:5432/$database" REDIS_URL="redis://127.0.0.1:6379/14" \
  QUARKUS_HTTP_PORT=18081 QUARKUS_MANAGEMENT_PORT=19081 AUTH_GENERATE_LOCAL_KEYS=true AUTH_DATA_DIR="$work/auth" AUTH_EMAIL_CONFIRM_SIGNUP=false \
  AUTH_ACCESS_TOKEN_LIFETIME=1H java -Xmx384m -jar auth-service/target/quarkus-app/quarkus-run.jar >"$work/auth.log" 2>&1 &
pids+=($!)
REDIS_URL="redis://127.0.0.1:6379/14" QUARKUS_HTTP_PORT=18080 QUARKUS_MANAGEMENT_PORT=19080 GATEWAY_UPSTREAMS_AUTH=http://127.0.0.1:18081 \
  GATEWAY_ROUTES_PLAIN_PREFIX=/plain GATEWAY_ROUTES_PLAIN_UPSTREAM=http://127.0.0.1:18090 GATEWAY_ROUTES_PLAIN_STRIP_PREFIX=true \
  GATEWAY_ROUTES_GUARDED_PREFIX=/guarded GATEWAY_ROUTES_GUARDED_UPSTREAM=http://127.0.0.1:18090 GATEWAY_ROUTES_GUARDED_STRIP_PREFIX=true \
  GATEWAY_ROUTES_GUARDED_AUTH=user GATEWAY_ROUTES_GUARDED_RATE_LIMITS=bench \
  GATEWAY_RATE_LIMITS_BENCH_LIMIT=100000000 GATEWAY_RATE_LIMITS_BENCH_WINDOW=60S \
  QUARKUS_LOG_CATEGORY__GATEWAY_ACCESS__LEVEL=WARN \
  java -Xmx512m -jar gateway/target/quarkus-app/quarkus-run.jar >"$work/gateway.log" 2>&1 &
pids+=($!)
for port in 18081 18080; do
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$((port + 1000))/q/health/ready" >/dev/null && break; sleep 0.5; done
done
curl -sf -XPOST http://127.0.0.1:18081/auth/v1/signup -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"correct-horse-9"}' -o "$work/session.json"
token=$(sed -E 's/.*"access_token":"([^"]+)".*/\1/' "$work/session.json")
[[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" http://127.0.0.1:18080/guarded/) == 200 ]]

gateway_pid=${pids[1]}
gateway_cpu_ticks() { awk '{print $14 + $15}' "/proc/$gateway_pid/stat"; }

run() {
  local name=$1 url=$2; shift 2
  wrk -t2 -c"$connections" -d"${warmup}s" "$@" "$url" >/dev/null   # warm-up (JIT, connection pools)
  local ticks_before; ticks_before=$(gateway_cpu_ticks)
  local out; out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/wrk-status.lua "$@" "$url")
  local ticks=$(( $(gateway_cpu_ticks) - ticks_before ))
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '%-44s %10s req/s   p50 %8s   p99 %8s\n' "$name" "$rps" "$p50" "$p99"
  grep -E "^statuses:|Socket errors" <<<"$out" | sed 's/^/    /'
  if [[ $name == "(c)"* || $name == "(d)"* ]]; then
    local requests; requests=$(awk '/requests in/ {print $1}' <<<"$out")
    echo "    gateway CPU: $(( ticks * 1000000 / $(getconf CLK_TCK) / requests )) µs per request"
  fi
}

[[ -n ${BENCH_KEEP:-} ]] && { echo "token=$token"; echo "work=$work"; exit 0; }
echo "== wrk -t2 -c$connections -d${seconds}s after ${warmup}s of warm-up, HTTP/1.1 keep-alive, 17-byte JSON"
run "(a) upstream direct (nginx return 200)" http://127.0.0.1:18090/
run "(b) nginx reverse proxy" http://127.0.0.1:18091/
run "(c) gateway, plain proxy" http://127.0.0.1:18080/plain/
run "(d) gateway, token check + rate limit" http://127.0.0.1:18080/guarded/ -H "Authorization: Bearer $token"
