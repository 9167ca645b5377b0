#!/usr/bin/env bash
# monitoring-service benchmark (bench/monitoring.md): Sentry envelopes as sentry-java sends them (gzip, a new event id
# each, ~5 KB and ~25 KB events) accepted per second by the packaged service under wrk, the p99 of the accept, and how
# fast the inbox is then stored and grouped, during the load and after it; next to pgbench doing the inbox's insert (one
# row per transaction, and 100) and the events' insert on the same Postgres, in one run. A JFR profile of the service
# and the CPU of each process say where the time goes. Needs wrk, pgbench, python3, Postgres and Redis.
# The warm-up (default 60 s per size) is long because C2 compiles for about a minute at this load on two shared cores.
# Usage: bench/monitoring.sh [seconds] [connections] [warm-up seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
connections=${2:-32}
warmup=${3:-60}
project=900
key=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
database=groundwork_bench_monitoring
port=18084
management=19084
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
psql_bench() { psql -h 127.0.0.1 -U postgres -d "$database" -qAtX "$@"; }

echo "== machine"
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
java -version 2>&1 | head -1; psql -h 127.0.0.1 -U postgres -AtXc 'SELECT version()' | cut -d, -f1
psql -h 127.0.0.1 -U postgres -AtXc "SELECT 'synchronous_commit=' || current_setting('synchronous_commit') || ', shared_buffers=' || current_setting('shared_buffers')"
wrk --version 2>&1 | head -1 || true; pgbench --version
for kdamond in /sys/kernel/mm/damon/admin/kdamonds/*/; do
  [ -f "$kdamond/state" ] || continue
  echo "DAMON $(basename "$kdamond"): $(cat "$kdamond/state")"
done
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== build"
./mvnw -B -q -pl monitoring-service -am package -DskipTests
python3 bench/monitoring-envelopes.py monitoring-service/src/test/resources/sentry/sentry-java-8.27.1-envelope-capture.txt "$work"

psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database"
redis-cli -n 10 flushdb >/dev/null
SUPABASE_DB_URL="postgresql://postgres@127.0.0.1:5432/$database" REDIS_URL="redis://127.0.0.1:6379/10" \
  QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$management MONITORING_AUTH_URL=http://127.0.0.1:9 \
  MONITORING_PROJECTS_BENCH_ID=$project MONITORING_PROJECTS_BENCH_DSN_KEYS="$key" MONITORING_INGEST_EVENTS_PER_MINUTE=100000000 \
  java -Xmx512m -jar monitoring-service/target/quarkus-app/quarkus-run.jar >"$work/service.log" 2>&1 &
service=$!
pids+=($service)
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$management/q/health/ready" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$management/q/health/ready" >/dev/null || { tail -30 "$work/service.log"; exit 1; }

stored() { curl -sf "http://127.0.0.1:$management/q/metrics" | awk '/^monitoring_events_stored_total/ {printf "%d", $2}'; }
waiting() { psql_bench -c "SELECT count(*) FROM monitoring.inbox WHERE NOT failed"; }
# CPU ticks (1/100 s) of a list of pids, from /proc: what each process used over a window.
ticks() { local sum=0; for pid in "$@"; do [ -r "/proc/$pid/stat" ] && sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo $sum; }
backends() { psql -h 127.0.0.1 -U postgres -AtXc "SELECT pid FROM pg_stat_activity WHERE datname = '$database' AND pid <> pg_backend_pid()"; }
others() { comm -23 <(pgrep -u postgres | sort) <(backends | sort); }
drain() { # waits for the inbox to be empty; prints the seconds it took
  local start=$(date +%s.%N)
  sleep 2 # requests wrk abandoned at its end are still being committed
  for _ in $(seq 1 600); do [ "$(waiting)" = 0 ] && break; sleep 0.5; done
  printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)"
}
# CPU ticks per thread of the service, grouped by name (executor-thread-12 -> executor-thread), "name=ticks" lines.
threads() {
  for t in /proc/$service/task/*; do echo "$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0) $(cat "$t/comm" 2>/dev/null)"; done \
    | sed 's/[-#0-9]*$//' | awk '{n = $1; $1 = ""; sub(/^ /, ""); s[$0] += n} END {for (k in s) print k "=" s[k]}' | sort
}

# JFR starts before the first warm-up: starting it instruments JDK classes, and C2 then compiles again for a while.
jcmd $service JFR.start name=bench settings=profile >/dev/null
export BENCH_DIR=$work BENCH_KEY=$key BENCH_PROJECT=$project
for size in small large; do
  export BENCH_SIZE=$size BENCH_RUN=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
  echo "== $size: warm-up, ${warmup} s (not counted), then the inbox drained"
  wrk -t2 -c"$connections" -d"${warmup}s" -s bench/monitoring-envelope.lua "http://127.0.0.1:$port" | grep -E "Requests/sec|statuses"
  echo "drained in $(drain) s"

  echo "== $size: wrk, $connections connections, ${seconds} s"
  export BENCH_RUN=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
  # The counters are read just before wrk starts and just after it ends (on a busy machine each read takes a while).
  bench_backends=$(backends); bench_others=$(others)
  before=$(stored); java_t0=$(ticks $service); backends_t0=$(ticks $bench_backends); others_t0=$(ticks $bench_others); threads_t0=$(threads)
  ( while sleep 2; do echo "$(date +%s.%N) $(stored) $(waiting)"; done ) >"$work/$size.samples" &
  sampler=$!; pids+=($sampler)
  t0=$(date +%s.%N)
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/monitoring-envelope.lua "http://127.0.0.1:$port" >"$work/$size.wrk" &
  wrk=$!
  wrk_t0=$(ticks $wrk)
  sleep $((seconds - 1)); wrk_t1=$(ticks $wrk)
  wait $wrk
  t1=$(date +%s.%N)
  jcmd $service JFR.dump name=bench maxage=${seconds}s filename="$work/$size.jfr" >/dev/null
  java_t1=$(ticks $service); at_end=$(stored); backends_t1=$(ticks $bench_backends); others_t1=$(ticks $bench_others); threads_t1=$(threads)
  backlog=$(waiting)
  drained=$(drain); t2=$(date +%s.%N); after=$(stored)
  kill $sampler 2>/dev/null || true
  grep -E "Requests/sec|Latency |50%|99%|Non-2xx|statuses|requests in" "$work/$size.wrk"
  window=$(echo "$t1 - $t0" | bc)
  accepted=$(awk '/requests in/ {print $1}' "$work/$size.wrk")
  echo "stored and grouped while loading: $((at_end - before)) in $window s = $(echo "($at_end - $before) / $window" | bc) /s; inbox at the end: $backlog"
  echo "stored and grouped until drained: $((after - before)) of $accepted accepted, in $(echo "$t2 - $t0" | bc) s = $(echo "($after - $before) / ($t2 - $t0)" | bc) /s (drain after the load: $drained s)"
  echo "CPU over the load, % of one core: service $(echo "($java_t1 - $java_t0) / $window" | bc)," \
    "Postgres backends of the bench $(echo "($backends_t1 - $backends_t0) / $window" | bc)," \
    "other Postgres processes $(echo "($others_t1 - $others_t0) / $window" | bc), wrk $(echo "($wrk_t1 - $wrk_t0) / ($seconds - 1)" | bc)"
  echo "service threads over the load, % of one core:"
  join -t= <(echo "$threads_t0") <(echo "$threads_t1") | awk -F= -v w="$window" '{p = ($3 - $2) / w; if (p >= 1) printf "  %4.0f  %s\n", p, $1}' | sort -rn
  echo "samples (time, stored total, inbox waiting):"; awk -v t0="$t0" '{printf "  %5.1f s %8d %6d\n", $1 - t0, $2, $3}' "$work/$size.samples"
done

echo "== reference: pgbench, the same inserts on the same Postgres, $connections clients, 10 s each"
psql_bench -c "CREATE TABLE bench_inbox (LIKE monitoring.inbox INCLUDING ALL)" \
  -c "ALTER TABLE bench_inbox ADD FOREIGN KEY (project_id) REFERENCES monitoring.projects" \
  -c "CREATE TABLE bench_events (LIKE monitoring.events INCLUDING ALL)"
insert="INSERT INTO bench_inbox (project_id, envelope) VALUES ($project, :envelope);"
event="INSERT INTO bench_events (project_id, event_id, issue_id, occurred_at, received_at, level, payload) VALUES ($project, gen_random_uuid(), 1, now(), now(), 'error', :event::json);"
echo "$insert" >"$work/one.sql"
{ echo '\startpipeline'; echo 'BEGIN;'; for _ in $(seq 100); do echo "$insert"; done; echo 'COMMIT;'; echo '\endpipeline'; } >"$work/hundred.sql"
{ echo '\startpipeline'; echo 'BEGIN;'; for _ in $(seq 100); do echo "$event"; done; echo 'COMMIT;'; echo '\endpipeline'; } >"$work/events.sql"
for size in small large; do
  envelope="\\x$(cat "$work/$size.envelope.hex")"
  eventjson=$(cat "$work/$size.event.json")
  for script in one hundred events; do
    rows=$([ "$script" = one ] && echo 1 || echo 100)
    (cd "$work" && pgbench -h 127.0.0.1 -U postgres -n -M prepared -c "$connections" -j 2 -T 10 -l --log-prefix="pgbench-$size-$script" \
      -D envelope="$envelope" -D event="$eventjson" -f "$script.sql" "$database" >"$work/pgbench.out" 2>&1) || { cat "$work/pgbench.out"; exit 1; }
    tps=$(awk '/^tps/ {print $3; exit}' "$work/pgbench.out")
    p99=$(cat "$work"/pgbench-$size-$script.* | awk '{print $3}' | sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int(NR*0.99)]/1000}')
    printf '%-6s %-8s %10.0f rows/s  (%s transactions/s, p99 %s ms)\n' "$size" "$script" "$(echo "$tps * $rows" | bc)" "$tps" "$p99"
    rm -f "$work"/pgbench-$size-$script.*
  done
done

set +o pipefail # head ends the pipelines below early
echo "== where the time goes: JFR execution samples of the service"
for size in small large; do
  jfr print --stack-depth 64 --events jdk.ExecutionSample "$work/$size.jfr" >"$work/$size.samples.txt"
  echo "-- $size: $(grep -c 'stackTrace = \[' "$work/$size.samples.txt") samples, by thread"
  awk -F'"' '/sampledThread = / {print $2}' "$work/$size.samples.txt" | sed 's/[-0-9]*$//' | sort | uniq -c | sort -rn | head -6
  echo "-- $size: top frames (where the CPU was)"
  awk '/stackTrace = \[/ {getline; sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, ""); print}' "$work/$size.samples.txt" \
    | sort | uniq -c | sort -rn | head -15
  echo "-- $size: samples with these frames anywhere in the stack"
  awk '/stackTrace = \[/ {delete seen; next} /line:/ {sub(/^[ \t]+/, ""); sub(/\(.*/, ""); if (!seen[$0]++) print}' "$work/$size.samples.txt" \
    | sort | uniq -c | sort -rn \
    | grep -E 'dev\.groundwork|GZIPInputStream.read$|ObjectMapper.readTree$|writeValueAsBytes$|PgStatement.executeBatch$|PgPreparedStatement.execute' \
    | head -25
done

echo "== the service's warnings and errors during the run"
grep -E '"level":"(WARN|ERROR)"' "$work/service.log" | sed 's/.*"message":"\([^"]*\)".*/\1/' | cut -c1-160 | sort | uniq -c | head -10
