#!/usr/bin/env bash
# auth-service benchmark (bench/auth.md): sign-ins, refreshes and token checks against the packaged service,
# next to the in-process cost of the same crypto (Argon2id, ES256) as the reference, in one run.
# Needs Postgres and Redis on their default local ports. Usage: bench/auth.sh [seconds] [clients]
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== machine"
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
java -version 2>&1 | head -1

echo "== build"
./mvnw -B -q install -DskipTests -pl auth-service -am
./mvnw -B -q -pl auth-service dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
classpath="auth-service/target/test-classes:$(cat auth-service/target/bench.classpath)"

database=groundwork_bench_auth
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database"
port=18081
data=$(mktemp -d)
SUPABASE_DB_URL="postgresql://postgres@127.0.0.1:5432/$database" REDIS_URL="redis://127.0.0.1:6379/15" \
  QUARKUS_HTTP_PORT=$port QUARKUS_MANAGEMENT_PORT=$((port + 1000)) AUTH_GENERATE_LOCAL_KEYS=true AUTH_DATA_DIR="$data" AUTH_EMAIL_CONFIRM_SIGNUP=false \
  java -Xmx512m -jar auth-service/target/quarkus-app/quarkus-run.jar >target-bench-auth.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data" target-bench-auth.log' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$((port + 1000))/q/health/ready" >/dev/null && break
  sleep 0.5
done

echo "== auth-service on 127.0.0.1:$port (Argon2id m=19456 t=2 p=1, 2 hashes at once)"
java -Xmx512m -cp "$classpath" dev.groundwork.auth.AuthBench "http://127.0.0.1:$port" "${1:-15}" "${2:-8}"
