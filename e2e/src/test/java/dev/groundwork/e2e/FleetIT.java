package dev.groundwork.e2e;

import dev.groundwork.testsupport.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.groundwork.infra.DatabaseUrl;
import dev.groundwork.testsupport.RealInfrastructure;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The five packaged services as separate processes: they all come up, their readiness follows Redis (DOWN when
 * it stops, UP again when it returns, without a restart), no credential shows in their logs, metrics or health,
 * and they stop cleanly. The fleet has a password-protected Redis of its own so that the test can kill it, and
 * a database URL with a password inside, as Supabase shows it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetIT {

    static final String REDIS_PASSWORD = "redis-pw-7Hq2xVb9";
    /** The local test server trusts its clients, so this password is carried but never checked. */
    static final String DATABASE_PASSWORD = "db-pw-Kp4mZr8W";

    static RedisServerProcess redis;
    static Fleet fleet;

    @BeforeAll
    static void startFleet() throws Exception {
        redis = RedisServerProcess.start(REDIS_PASSWORD);
        DatabaseUrl database = RealInfrastructure.freshDatabase(Fleet.testServer(), RealInfrastructure.moduleName());
        String databaseUrl = database.password().isPresent() ? database.jdbcUrl()
                : "postgresql://" + database.username().orElse("postgres") + ":" + DATABASE_PASSWORD + "@"
                + database.host() + ":" + database.port() + "/" + database.database();
        fleet = Fleet.start(redis.url(), databaseUrl);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void everyServiceBecomesReady() {
        fleet.awaitReady(Duration.ofSeconds(120));
        for (String service : Fleet.SERVICES) {
            assertEquals(200, fleet.managementStatus(service, "/q/health/live"), service + " live");
            assertEquals(200, fleet.managementStatus(service, "/q/health/started"), service + " started");
            assertEquals(404, fleet.status(service, "/q/health/ready"), service + " answers health on its routed port");
        }
    }

    @Test
    @Order(2)
    void readinessTurnsDownWithRedisAndUpWhenItReturns_exceptTheGateways() throws Exception {
        fleet.awaitReady(Duration.ofSeconds(120));

        redis.stop();
        List<String> needRedis = Fleet.SERVICES.stream().filter(service -> !service.equals("gateway")).toList();
        fleet.awaitReadiness(needRedis, status -> status == 503, Duration.ofSeconds(60));
        for (String service : Fleet.SERVICES) {
            assertEquals(200, fleet.managementStatus(service, "/q/health/live"), service + ": liveness must not depend on Redis");
        }
        // The gateway's rate limits fail open: it stays in the load balancer and keeps routing.
        assertEquals(200, fleet.managementStatus("gateway", "/q/health/ready"), "the gateway went unready with Redis");
        assertEquals(200, fleet.status("gateway", "/auth/v1/settings"), "the gateway stopped routing with Redis down");

        redis.restart();
        fleet.awaitReady(Duration.ofSeconds(60));
    }

    @Test
    @Order(3)
    void credentialsNeverReachLogsMetricsOrHealth() throws Exception {
        fleet.awaitReady(Duration.ofSeconds(60));
        for (String service : Fleet.SERVICES) {
            for (String path : List.of("/q/metrics", "/q/health", "/q/openapi")) {
                String body = fleet.managementBody(service, path);
                assertFalse(body.contains(REDIS_PASSWORD) || body.contains(DATABASE_PASSWORD), service + path + " shows a password");
            }
            String log = Files.readString(fleet.log(service));
            assertFalse(log.isBlank(), service + " logged nothing");
            assertFalse(log.contains(REDIS_PASSWORD), service + " logged the Redis password");
            assertFalse(log.contains(DATABASE_PASSWORD), service + " logged the database password");
        }
    }

    @Test
    @Order(4)
    void everyProducerRunsItsOutboxRelay() throws Exception {
        fleet.awaitReady(Duration.ofSeconds(60));
        for (String[] producer : new String[][]{{"auth-service", "identity"}, {"payment-service", "billing"},
                {"monitoring-service", "monitoring"}}) {
            String metrics = fleet.managementBody(producer[0], "/q/metrics");
            assertTrue(metrics.contains("groundwork_events_outbox_backlog{stream=\"events:" + producer[1] + "\"} 0.0"),
                    producer[0] + " reports an empty outbox for events:" + producer[1]);
        }
    }

    @Test
    @Order(5)
    void clientsReachAuthServiceThroughTheGateway() throws Exception {
        fleet.awaitReady(Duration.ofSeconds(60));
        assertEquals(200, fleet.status("gateway", "/auth/v1/health"));
        assertTrue(fleet.body("gateway", "/.well-known/openid-configuration").contains("\"issuer\""));
        assertEquals(404, fleet.status("gateway", "/no/such/route"));
    }

    @Test
    @Order(6)
    void stripeWebhooksAndUserTokensWorkThroughTheGateway() throws Exception {
        fleet.awaitReady(Duration.ofSeconds(60));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI gateway = fleet.url("gateway");

        // A signed event reaches payment-service byte for byte: its signature check passes on the forwarded body.
        String event = "{\"id\":\"evt_e2e_1\",\"object\":\"event\",\"type\":\"customer.created\",\"created\":1700000000,"
                + "\"data\":{\"object\":{\"id\":\"cus_e2e\",\"object\":\"customer\",\"name\":\"Zoë  \\u00e9 \\n\"}}}";
        long now = System.currentTimeMillis() / 1000;
        assertEquals(200, post(http, gateway.resolve("/payments/v1/webhooks/stripe"), event, "t=" + now + ",v1=" + hmac(now + "." + event)).statusCode());
        String again = post(http, gateway.resolve("/payments/v1/webhooks/stripe"), event, "t=" + now + ",v1=" + hmac(now + "." + event)).body();
        assertTrue(again.contains("\"duplicate\":true"), again);
        java.net.http.HttpResponse<String> forged = post(http, gateway.resolve("/payments/v1/webhooks/stripe"), event.replace("Zoë", "Eve"),
                "t=" + now + ",v1=" + hmac(now + "." + event));
        assertEquals(400, forged.statusCode(), forged.body());

        // A user's token from auth-service, checked by the gateway and again by payment-service.
        assertEquals(401, fleet.status("gateway", "/payments/v1/subscription"));
        String session = http.send(java.net.http.HttpRequest.newBuilder(gateway.resolve("/auth/v1/signup"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"email\":\"fleet@example.com\",\"password\":\"correct-horse-9\"}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        String token = session.replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
        java.net.http.HttpResponse<String> subscription = http.send(java.net.http.HttpRequest.newBuilder(
                gateway.resolve("/payments/v1/subscription")).header("Authorization", "Bearer " + token).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, subscription.statusCode(), subscription.body());
        assertTrue(subscription.body().contains("\"status\":\"none\""), subscription.body());
    }

    private static java.net.http.HttpResponse<String> post(java.net.http.HttpClient http, java.net.URI uri, String body, String signature)
            throws Exception {
        return http.send(java.net.http.HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .header("Stripe-Signature", signature)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body, java.nio.charset.StandardCharsets.UTF_8)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** Stripe's v1 signature: HMAC-SHA256 of "timestamp.body" with the endpoint's secret, hex. */
    private static String hmac(String signed) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(Fleet.STRIPE_WEBHOOK_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(signed.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * cache-service's suite of the real {@code @upstash/redis} client (cache-service/src/test/js: strings, JSON,
     * numbers, hashes, lists, sets, sorted sets, pipeline, multi, scan, expiry, errors and refusals, unicode and binary)
     * against the gateway's public {@code /cache/v1/redis}, as an app outside the cluster uses it.
     */
    @Test
    @Order(7)
    void theRealUpstashClientSuitePassesThroughTheGateway() throws Exception {
        fleet.awaitReady(Duration.ofSeconds(60));
        java.nio.file.Path client = java.nio.file.Path.of("target", "upstash-client").toAbsolutePath();
        Files.createDirectories(client);
        for (String file : List.of("package.json", "package-lock.json", "upstash-suite.mjs")) {
            Files.copy(java.nio.file.Path.of("..", "cache-service", "src", "test", "js", file), client.resolve(file),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.exists(client.resolve("node_modules/@upstash/redis"))) {
            Commands.Run install = Commands.run(client, java.util.Map.of(), 300, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
            assertEquals(0, install.exitCode(), install.output());
        }
        Commands.Run suite = Commands.run(client, java.util.Map.of(
                "UPSTASH_REDIS_REST_URL", fleet.url("gateway").resolve("/cache/v1/redis").toString(),
                "UPSTASH_REDIS_REST_TOKEN", Fleet.CACHE_TOKEN,
                "UPSTASH_REDIS_REST_READONLY_TOKEN", Fleet.CACHE_READ_ONLY_TOKEN), 180, "node", "upstash-suite.mjs");
        assertEquals(0, suite.exitCode(), suite.output());
        assertTrue(suite.output().contains("all ok"), suite.output());
    }

    /**
     * Fleet health: monitoring-service polls every service's readiness; a killed cache-service shows as down (after
     * the failure threshold, with why), the others stay up, and once restarted it is up again, both changes recorded.
     */
    @Test
    @Order(8)
    void aKilledServiceShowsAsDownInFleetHealthAndComesBack() throws Exception {
        fleet.awaitReady(Duration.ofSeconds(60));
        String token = io.restassured.RestAssured.given().contentType("application/json")
                .body(java.util.Map.of("email", Fleet.ADMIN_EMAIL, "password", Fleet.ADMIN_PASSWORD))
                .post(fleet.url("gateway").resolve("/auth/v1/token?grant_type=password")).then().statusCode(200)
                .extract().path("access_token");
        java.util.function.Supplier<io.restassured.path.json.JsonPath> health = () -> io.restassured.RestAssured.given().auth()
                .oauth2(token).get(fleet.url("gateway").resolve("/monitoring/api/0/fleet/")).then().statusCode(200).extract().jsonPath();
        String cache = "services.find { it.name == 'cache-service' }";
        awaitFleet(health, h -> h.getList("services.status").equals(List.of("up", "up", "up", "up", "up")), "every service up");
        assertEquals(Fleet.SERVICES, health.get().getList("services.name"));

        fleet.kill("cache-service");
        try {
            io.restassured.path.json.JsonPath down = awaitFleet(health, h -> "down".equals(h.getString(cache + ".status")), "cache-service down");
            assertEquals("connection refused", down.getString(cache + ".detail"));
            assertEquals(4, down.getList("services.findAll { it.status == 'up' }").size(), down.prettify());
        } finally {
            // Whatever happened, the later tests get their cache-service back.
            fleet.restart("cache-service");
        }
        fleet.awaitReadiness(List.of("cache-service"), status -> status == 200, Duration.ofSeconds(120));
        io.restassured.path.json.JsonPath back = awaitFleet(health, h -> "up".equals(h.getString(cache + ".status")), "cache-service up");
        assertTrue(back.getDouble(cache + ".uptime.24h") < 100, "the time down counts: " + back.prettify());
        List<java.util.Map<String, Object>> changes = back.getList("transitions.findAll { it.service == 'cache-service' }");
        assertEquals("down>up", changes.get(0).get("from") + ">" + changes.get(0).get("to"), back.prettify());
        assertEquals("up>down", changes.get(1).get("from") + ">" + changes.get(1).get("to"), back.prettify());
    }

    private static io.restassured.path.json.JsonPath awaitFleet(java.util.function.Supplier<io.restassured.path.json.JsonPath> health,
                                                               java.util.function.Predicate<io.restassured.path.json.JsonPath> wanted,
                                                               String what) {
        org.awaitility.Awaitility.await(what).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> wanted.test(health.get()));
        return health.get();
    }

    /**
     * The umbrella chart's dashboard and alerts name only metrics the services publish: an alert on a name nobody
     * publishes never fires. Read from the repository's chart sources; {@code up} is Prometheus's own.
     */
    @Test
    @Order(9)
    void theChartsDashboardAndAlertsUseOurRealMetricNames() throws Exception {
        fleet.awaitReady(Duration.ofSeconds(60));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.nio.file.Path chart = java.nio.file.Path.of("..", "helm", "groundwork");
        java.util.Map<String, String> queries = new java.util.LinkedHashMap<>();
        var dashboard = json.readTree(chart.resolve("dashboards/groundwork-fleet.json").toFile());
        for (var panel : dashboard.path("panels")) {
            panel.path("targets").forEach(t -> queries.put("dashboard " + panel.path("title").asText() + " " + t.path("refId").asText(), t.path("expr").asText()));
        }
        java.util.regex.Pattern labelValues = java.util.regex.Pattern.compile("label_values\\((.*),\\s*\\w+\\)");
        for (var variable : dashboard.path("templating").path("list")) {
            java.util.regex.Matcher query = labelValues.matcher(variable.path("query").path("query").asText());
            if (query.matches()) {
                queries.put("dashboard variable " + variable.path("name").asText(), query.group(1));
            }
        }
        var rules = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(chart.resolve("rules/groundwork.rules.yaml").toFile());
        for (var group : rules.path("groups")) {
            group.path("rules").forEach(r -> queries.put("alert " + r.path("alert").asText(), r.path("expr").asText()));
        }
        assertTrue(queries.size() > 25, "queries read: " + queries.keySet());

        java.util.Set<String> published = new java.util.HashSet<>(List.of("up"));
        for (String service : Fleet.SERVICES) {
            fleet.managementBody(service, "/q/metrics").lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .forEach(l -> published.add(l.split("[{ ]", 2)[0]));
        }
        List<String> missing = new java.util.ArrayList<>();
        queries.forEach((where, expr) -> PromQlNames.of(expr).stream().filter(name -> !published.contains(name))
                .forEach(name -> missing.add(name + " (" + where + ")")));
        assertTrue(missing.isEmpty(), "names no service publishes: " + missing);
    }

    /**
     * A rollout under load: SIGTERM reaches the gateway and auth-service while sign-ins are in flight through both.
     * Each of those requests still gets its answer (the services wait for in-flight requests,
     * {@code quarkus.shutdown.timeout}), and then both processes exit.
     */
    @Test
    @Order(20)
    void aStopUnderLoadFinishesTheRequestsInFlight() throws Exception {
        fleet.awaitReady(Duration.ofSeconds(60));
        // HTTP/1.1, a connection per request, as a load balancer in front sends them: the JDK's default h2c upgrade
        // multiplexes them on one connection, and its client fails streams a GOAWAY left out instead of retrying them.
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.net.URI gateway = fleet.url("gateway");
        String credentials = "{\"email\":\"rollout@example.com\",\"password\":\"correct-horse-9\"}";
        assertEquals(200, http.send(json(gateway.resolve("/auth/v1/signup"), credentials),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());

        // Twenty password sign-ins (Argon2: tens of milliseconds each, on two cores) are sent at once.
        List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> inFlight = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            inFlight.add(http.sendAsync(json(gateway.resolve("/auth/v1/token?grant_type=password"), credentials),
                    java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
        Thread.sleep(150);
        long unanswered = inFlight.stream().filter(response -> !response.isDone()).count();
        fleet.process("gateway").destroy();
        fleet.process("auth-service").destroy();
        assertTrue(unanswered > 0, "every sign-in was answered before the stop: the test proves nothing on this machine");

        for (var response : inFlight) {
            var answer = response.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("\"access_token\""), answer.body());
        }
        for (String service : List.of("gateway", "auth-service")) {
            assertTrue(fleet.process(service).waitFor(40, java.util.concurrent.TimeUnit.SECONDS), service + " did not exit");
        }
    }

    private static java.net.http.HttpRequest json(java.net.URI uri, String body) {
        return java.net.http.HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    @Order(21)
    void theFleetStopsCleanly() {
        fleet.close();
        for (String service : Fleet.SERVICES) {
            assertFalse(fleet.process(service).isAlive(), service + " still running");
            assertEquals(-1, fleet.managementStatus(service, "/q/health/live"), service + " still answers");
        }
    }
}
