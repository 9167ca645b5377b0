package dev.groundwork.e2e;

import dev.groundwork.infra.DatabaseUrl;
import dev.groundwork.infra.RedisUrl;
import dev.groundwork.testsupport.RealInfrastructure;
import dev.groundwork.testsupport.RedisServerProcess;
import dev.groundwork.testsupport.TestServers;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntPredicate;

import static org.awaitility.Awaitility.await;

/**
 * The whole fleet as real processes, started the way {@code ./groundwork up} starts it: each service's packaged
 * jar ({@code <service>/target/quarkus-app/quarkus-run.jar}) in its own JVM, here on free ports, with a fresh
 * database and its own Redis. Every end-to-end test starts one with {@link #start(RedisUrl)} and closes it.
 */
public final class Fleet implements AutoCloseable {

    /** payment-service's webhook secret in the fleet (FleetIT signs Stripe events with it). */
    public static final String STRIPE_WEBHOOK_SECRET = "whsec_e2eFleetSecret0000000000000000";
    /** The tokens of the cache namespace "suite", declared as the chart and ./groundwork up declare theirs. */
    public static final String CACHE_TOKEN = "gwc_e2e_suite_read_write_0000000001";
    public static final String CACHE_READ_ONLY_TOKEN = "gwc_e2e_suite_read_only_00000000002";
    /** auth-service's bootstrap admin user in the fleet: signs in for a token with the admin role. */
    public static final String ADMIN_EMAIL = "admin@fleet.test";
    public static final String ADMIN_PASSWORD = "fleet-admin-pw-0000";
    public static final List<String> SERVICES = List.of("gateway", "auth-service", "payment-service",
            "cache-service", "monitoring-service");
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path LOGS = Path.of("target", "fleet-logs").toAbsolutePath();

    private final Map<String, Integer> ports;
    private final Map<String, Integer> managementPorts;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, ProcessBuilder> builders = new LinkedHashMap<>();
    // HTTP/1.1 as a kubelet's probe speaks it (the JDK's default would try an h2c upgrade first).
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private Fleet(Map<String, Integer> ports, Map<String, Integer> managementPorts) {
        this.ports = ports;
        this.managementPorts = managementPorts;
    }

    /**
     * Starts the five services against the tests' Postgres (a fresh database
     * {@code groundwork_test_e2e}) and the given Redis; returns once every process runs (not yet ready).
     */
    public static Fleet start(RedisUrl redis) throws IOException {
        return start(redis, RealInfrastructure.freshDatabase(testServer(), RealInfrastructure.moduleName()).jdbcUrl());
    }

    /** The Postgres server of the tests (named or local; the fleet's processes cannot use Dev Services). */
    public static DatabaseUrl testServer() {
        return TestServers.database().orElseThrow(() -> new IllegalStateException(TestServers.missingMessage("e2e")));
    }

    /** The Redis server of the tests, logical database {@code e2e}, emptied. */
    public static RedisUrl testRedis() {
        RedisUrl server = TestServers.redis().orElseThrow(() -> new IllegalStateException(TestServers.missingMessage("e2e")));
        return RealInfrastructure.freshRedis(server, RealInfrastructure.moduleName());
    }

    /**
     * Starts the five services with {@code SUPABASE_DB_URL} set to {@code databaseUrl} exactly as given (the
     * credentials of the test server go in {@code SUPABASE_DB_USER}/{@code SUPABASE_DB_PASSWORD}).
     */
    public static Fleet start(RedisUrl redis, String databaseUrl) throws IOException {
        DatabaseUrl server = testServer();
        Map<String, Integer> ports = new LinkedHashMap<>();
        Map<String, Integer> managementPorts = new LinkedHashMap<>();
        for (String service : SERVICES) {
            ports.put(service, RedisServerProcess.freePort());
            managementPorts.put(service, RedisServerProcess.freePort());
        }
        Fleet fleet = new Fleet(ports, managementPorts);
        Files.createDirectories(LOGS);
        for (String service : SERVICES) {
            Path jar = ROOT.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
            if (!Files.exists(jar)) {
                fleet.close();
                throw new IllegalStateException(jar + " is missing: build the services first (./mvnw package)");
            }
            ProcessBuilder builder = new ProcessBuilder("java", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(fleet.log(service).toFile());
            Map<String, String> env = builder.environment();
            env.put("QUARKUS_HTTP_PORT", String.valueOf(ports.get(service)));
            env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPorts.get(service)));
            env.put("SUPABASE_DB_URL", databaseUrl);
            server.username().ifPresent(u -> env.put("SUPABASE_DB_USER", u));
            server.password().ifPresent(p -> env.put("SUPABASE_DB_PASSWORD", p));
            env.put("REDIS_URL", redis.url());
            env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
            env.put("AUTH_DATA_DIR", Path.of("target", "fleet-data", "auth").toAbsolutePath().toString());
            env.put("AUTH_GENERATE_LOCAL_KEYS", "true");
            env.put("GATEWAY_UPSTREAMS_AUTH", "http://127.0.0.1:" + ports.get("auth-service"));
            env.put("PAYMENT_AUTH_URL", "http://127.0.0.1:" + ports.get("auth-service"));
            env.put("CACHE_AUTH_URL", "http://127.0.0.1:" + ports.get("auth-service"));
            env.put("MONITORING_AUTH_URL", "http://127.0.0.1:" + ports.get("auth-service"));
            env.put("CACHE_NAMESPACES_SUITE_READ_WRITE_TOKENS", CACHE_TOKEN);
            env.put("CACHE_NAMESPACES_SUITE_READ_ONLY_TOKENS", CACHE_READ_ONLY_TOKEN);
            env.put("STRIPE_WEBHOOK_SECRETS", STRIPE_WEBHOOK_SECRET);
            // Sign-up answers with a session at once, so that the tests get a token without a mailbox.
            env.put("AUTH_EMAIL_CONFIRM_SIGNUP", "false");
            env.put("GATEWAY_UPSTREAMS_PAYMENT", "http://127.0.0.1:" + ports.get("payment-service"));
            env.put("GATEWAY_UPSTREAMS_CACHE", "http://127.0.0.1:" + ports.get("cache-service"));
            env.put("GATEWAY_UPSTREAMS_MONITORING", "http://127.0.0.1:" + ports.get("monitoring-service"));
            env.put("AUTH_BOOTSTRAP_ADMIN_EMAIL", ADMIN_EMAIL);
            env.put("AUTH_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
            // Fleet health polls every service's readiness, as ./groundwork up sets it; every 2 s, so that tests wait less.
            env.put("MONITORING_FLEET_SERVICES", SERVICES.stream().map(s -> s + "=http://127.0.0.1:" + managementPorts.get(s)
                    + "/q/health/ready").collect(java.util.stream.Collectors.joining(",")));
            env.put("MONITORING_FLEET_INTERVAL", "2S");
            fleet.builders.put(service, builder);
            fleet.processes.put(service, builder.start());
        }
        return fleet;
    }

    public URI url(String service) {
        return URI.create("http://127.0.0.1:" + ports.get(service));
    }

    /** The service's management interface: health, metrics, OpenAPI. */
    public URI managementUrl(String service) {
        return URI.create("http://127.0.0.1:" + managementPorts.get(service));
    }

    public Process process(String service) {
        return processes.get(service);
    }

    /** Kills a service at once (SIGKILL, as a crash or the OOM killer would) and waits until it is gone. */
    public void kill(String service) throws InterruptedException {
        processes.get(service).destroyForcibly().waitFor();
    }

    /** Starts a stopped service again, as before, its output appended to its log. */
    public void restart(String service) throws IOException {
        if (processes.get(service).isAlive()) {
            throw new IllegalStateException(service + " still runs");
        }
        ProcessBuilder builder = builders.get(service).redirectOutput(ProcessBuilder.Redirect.appendTo(log(service).toFile()));
        processes.put(service, builder.start());
    }

    /** The HTTP status of GET {@code path} on a service, or -1 when it does not answer three tries. */
    public int status(String service, String path) {
        return statusWithRetries(url(service), path);
    }

    /**
     * The HTTP status of GET {@code path} on a service's management interface, or -1 when it does not answer three
     * tries: like a kubelet's probe, one dropped connection on a loaded two-core machine does not count as down.
     */
    public int managementStatus(String service, String path) {
        return statusWithRetries(managementUrl(service), path);
    }

    private int statusWithRetries(URI base, String path) {
        for (int attempt = 1; ; attempt++) {
            int status = statusOnce(base, path);
            if (status != -1 || attempt == 3) {
                return status;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }

    private int statusOnce(URI base, String path) {
        try {
            return http.send(get(base, path), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The body of GET {@code path} on a service, whatever its status. */
    public String body(String service, String path) throws IOException, InterruptedException {
        return http.send(get(url(service), path), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The body of GET {@code path} on a service's management interface, whatever its status. */
    public String managementBody(String service, String path) throws IOException, InterruptedException {
        return http.send(get(managementUrl(service), path), HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpRequest get(URI base, String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build();
    }

    /** Everything the service printed. */
    public Path log(String service) {
        return LOGS.resolve(service + ".log");
    }

    /** Waits until every service's readiness status satisfies {@code wanted}; fails naming the ones that did not. */
    public void awaitReadiness(IntPredicate wanted, Duration timeout) {
        awaitReadiness(SERVICES, wanted, timeout);
    }

    /** Waits until the readiness status of each of {@code services} satisfies {@code wanted}. */
    public void awaitReadiness(List<String> services, IntPredicate wanted, Duration timeout) {
        List<String> waiting = new CopyOnWriteArrayList<>(services);
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(250))
                    .failFast(() -> exited(waiting).isPresent())
                    .until(() -> {
                        waiting.removeIf(service -> wanted.test(statusOnce(managementUrl(service), "/q/health/ready")));
                        return waiting.isEmpty();
                    });
        } catch (TerminalFailureException e) {
            String service = exited(waiting).orElseThrow(() -> e);
            throw new AssertionError(service + " exited; see " + log(service), e);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("after " + timeout.toSeconds() + "s still waiting for " + waiting + "; logs in " + LOGS, e);
        }
    }

    private Optional<String> exited(List<String> services) {
        return services.stream().filter(service -> !processes.get(service).isAlive()).findFirst();
    }

    public void awaitReady(Duration timeout) {
        awaitReadiness(status -> status == 200, timeout);
    }

    /** Stops every service (SIGTERM, then SIGKILL after 20 s) and waits until the processes are gone. */
    @Override
    public void close() {
        processes.values().forEach(Process::destroy);
        for (Process process : processes.values()) {
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
