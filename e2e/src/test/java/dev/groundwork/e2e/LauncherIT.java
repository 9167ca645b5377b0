package dev.groundwork.e2e;

import dev.groundwork.e2e.Commands.Run;
import dev.groundwork.infra.RedisUrl;
import dev.groundwork.testsupport.RealInfrastructure;
import dev.groundwork.testsupport.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a newcomer does, as the README says: {@code ./groundwork up} with nothing configured, then the real
 * {@code @supabase/auth-js} through the gateway with the confirmation mail read from the local mail catcher, then
 * {@code ./groundwork demo}. The launcher runs here as it runs for a user, with a state folder, ports and a database
 * of its own (GROUNDWORK_STATE_DIR, GROUNDWORK_PORT_OFFSET, GROUNDWORK_DATABASE) so that it does not touch a
 * developer's fleet; it uses the jars this build packaged.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path STATE = Path.of("target", "launcher").toAbsolutePath();
    private static final Path CLIENTS = Path.of("target", "js-clients").toAbsolutePath();
    private static final Map<String, String> ENV = new HashMap<>();
    private static String upOutput;

    @BeforeAll
    static void up() throws Exception {
        deleteRecursively(STATE);
        RedisUrl redis = RealInfrastructure.freshRedis(TestServers.redis().orElseThrow(), RealInfrastructure.moduleName() + "-launcher");
        String database = RealInfrastructure.freshDatabase(Fleet.testServer(), RealInfrastructure.moduleName() + "_launcher").database();
        ENV.put("GROUNDWORK_STATE_DIR", STATE.toString());
        ENV.put("GROUNDWORK_PORT_OFFSET", String.valueOf(freeOffset()));
        ENV.put("GROUNDWORK_DATABASE", database);
        ENV.put("REDIS_URL", redis.url());
        ENV.put("GROUNDWORK_JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1");
        Run up = launcher(600, "up");
        upOutput = up.output();
        assertEquals(0, up.exitCode(), up.output());
    }

    @AfterAll
    static void down() throws Exception {
        Run down = launcher(120, "down");
        assertEquals(0, down.exitCode(), down.output());
    }

    @Test
    @Order(1)
    void aNormalStartLogsNoWarning() throws IOException {
        List<String> warnings = new ArrayList<>();
        try (Stream<Path> logs = Files.list(STATE.resolve("logs"))) {
            for (Path log : logs.filter(p -> !p.getFileName().toString().startsWith("maildev")).toList()) {
                Files.readAllLines(log).stream().filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                        .forEach(line -> warnings.add(log.getFileName() + ": " + line));
            }
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    @Order(2)
    void upPrintsEveryUrlAndCredentialAndEnvPrintsThemAgain() throws Exception {
        Map<String, String> local = localEnv();
        for (String key : List.of("GROUNDWORK_GATEWAY_URL", "GROUNDWORK_AUTH_URL", "GROUNDWORK_MAIL_UI_URL",
                "GROUNDWORK_ADMIN_CLIENT_ID", "GROUNDWORK_ADMIN_CLIENT_SECRET", "GROUNDWORK_ADMIN_EMAIL",
                "GROUNDWORK_ADMIN_PASSWORD", "STRIPE_WEBHOOK_SECRET", "UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN",
                "UPSTASH_REDIS_REST_READONLY_TOKEN", "SENTRY_DSN")) {
            assertTrue(local.containsKey(key) && !local.get(key).isBlank(), key + " in local.env");
            assertTrue(upOutput.contains(local.get(key)), key + " printed by up");
        }
        assertTrue(local.get("STRIPE_WEBHOOK_SECRET").startsWith("whsec_"));
        // Your apps' DSN: project 1 through the gateway, with the key monitoring-service was given.
        String gatewayHostPort = local.get("GROUNDWORK_GATEWAY_URL").substring("http://".length());
        assertEquals("http://" + local.get("GROUNDWORK_SENTRY_DSN_KEY") + "@" + gatewayHostPort + "/1", local.get("SENTRY_DSN"));
        assertTrue(local.get("GROUNDWORK_SENTRY_DSN_KEY").matches("[0-9a-f]{32}"), local.get("GROUNDWORK_SENTRY_DSN_KEY"));
        assertTrue(upOutput.contains("Sentry DSN: " + local.get("SENTRY_DSN")), upOutput);
        assertTrue(upOutput.contains("Monitoring dashboard: " + local.get("GROUNDWORK_GATEWAY_URL") + "/monitoring/"), upOutput);
        Run env = launcher(60, "env");
        assertEquals(0, env.exitCode(), env.output());
        assertTrue(env.output().contains(local.get("GROUNDWORK_ADMIN_CLIENT_SECRET")), env.output());
    }

    @Test
    @Order(3)
    void theRealAuthJsCycleWithConfirmationByMailPassesThroughTheGateway() throws Exception {
        Files.createDirectories(CLIENTS);
        Path sources = Path.of("src", "test", "js");
        for (String file : List.of("package.json", "package-lock.json", "auth-js-cycle.mjs", "upstash-cycle.mjs", "sentry-cycle.mjs",
                "dashboard.mjs")) {
            Files.copy(sources.resolve(file), CLIENTS.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.exists(CLIENTS.resolve("node_modules/@supabase/auth-js")) || !Files.exists(CLIENTS.resolve("node_modules/@upstash/redis"))
                || !Files.exists(CLIENTS.resolve("node_modules/@sentry/node")) || !Files.exists(CLIENTS.resolve("node_modules/playwright-core"))) {
            Run install = run(CLIENTS, Map.of(), 300, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
            assertEquals(0, install.exitCode(), install.output());
        }
        Run cycle = run(CLIENTS, localEnv(), 120, "node", "auth-js-cycle.mjs");
        assertEquals(0, cycle.exitCode(), cycle.output());
        assertTrue(cycle.output().contains("\"ok\":true"), cycle.output());
    }

    /** The local namespace dev, with the real @upstash/redis configured from local.env alone, through the gateway. */
    @Test
    @Order(4)
    void theRealUpstashClientUsesTheLocalCacheNamespaceThroughTheGateway() throws Exception {
        Run cycle = run(CLIENTS, localEnv(), 120, "node", "upstash-cycle.mjs");
        assertEquals(0, cycle.exitCode(), cycle.output());
        assertTrue(cycle.output().contains("\"ok\":true"), cycle.output());
    }

    @Test
    @Order(5)
    void theDemoPasses() throws Exception {
        Run demo = launcher(180, "demo");
        assertEquals(0, demo.exitCode(), demo.output());
        assertTrue(demo.output().contains("The demo passed"), demo.output());
    }

    @Test
    @Order(6)
    void theLocalAdminUserSignsInWithTheAdminRole() throws Exception {
        Map<String, String> local = localEnv();
        String body = "{\"email\":\"" + local.get("GROUNDWORK_ADMIN_EMAIL") + "\",\"password\":\"" + local.get("GROUNDWORK_ADMIN_PASSWORD") + "\"}";
        String token = io.restassured.RestAssured.given().contentType("application/json").body(body)
                .post(local.get("GROUNDWORK_AUTH_URL") + "/token?grant_type=password").then().statusCode(200)
                .extract().path("access_token");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertTrue(payload.contains("\"roles\":[\"admin\"]"), payload);
    }

    /**
     * The real @sentry/node configured from local.env's SENTRY_DSN alone sends through the gateway to project
     * groundwork, and the local admin reads the grouped issue and its stack trace through the gateway's read API.
     */
    @Test
    @Order(7)
    void theRealSentrySdkReportsToTheLocalProjectThroughTheGateway() throws Exception {
        Run cycle = run(CLIENTS, localEnv(), 120, "node", "sentry-cycle.mjs");
        assertEquals(0, cycle.exitCode(), cycle.output());
        assertTrue(cycle.output().contains("\"ok\":true"), cycle.output());
    }

    /** A local.env written by an older launcher, without a Sentry DSN key: the next up adds one and keeps the rest. */
    @Test
    @Order(8)
    void anOlderLocalEnvGetsADsnKeyOnTheNextUpAndKeepsItsCredentials() throws Exception {
        Map<String, String> before = localEnv();
        Path file = STATE.resolve("local.env");
        Files.write(file, Files.readAllLines(file).stream()
                .filter(line -> !line.startsWith("SENTRY_DSN=") && !line.startsWith("GROUNDWORK_SENTRY_DSN_KEY=")).toList());
        Run up = launcher(300, "up");
        assertEquals(0, up.exitCode(), up.output());
        Map<String, String> after = localEnv();
        for (String key : List.of("GROUNDWORK_ADMIN_CLIENT_SECRET", "GROUNDWORK_ADMIN_PASSWORD", "STRIPE_WEBHOOK_SECRET",
                "UPSTASH_REDIS_REST_TOKEN", "UPSTASH_REDIS_REST_READONLY_TOKEN")) {
            assertEquals(before.get(key), after.get(key), key + " kept");
        }
        assertTrue(after.get("GROUNDWORK_SENTRY_DSN_KEY").matches("[0-9a-f]{32}"), after.toString());
        assertTrue(after.get("SENTRY_DSN").startsWith("http://" + after.get("GROUNDWORK_SENTRY_DSN_KEY") + "@"), after.get("SENTRY_DSN"));
        // The running monitoring-service was restarted with it: the DSN up printed is accepted, not a 401.
        String envelope = "{}\n{\"type\":\"event\"}\n{\"message\":\"after the new key\"}\n";
        io.restassured.RestAssured.given().header("X-Sentry-Auth", "Sentry sentry_version=7, sentry_key=" + after.get("GROUNDWORK_SENTRY_DSN_KEY"))
                .contentType("application/x-sentry-envelope").body(envelope.getBytes(StandardCharsets.UTF_8))
                .post(after.get("GROUNDWORK_GATEWAY_URL") + "/api/1/envelope/").then().statusCode(200);
        // A key that is there is kept too.
        assertEquals(0, launcher(300, "up").exitCode());
        assertEquals(after.get("SENTRY_DSN"), localEnv().get("SENTRY_DSN"));
    }

    /**
     * The dashboard in a real browser (Debian's chromium, driven by playwright-core) through the gateway: the local
     * admin signs in on the page, lists the issues the real @sentry/node sent, opens one with its stack trace, sees
     * every service up in fleet health and the release's health; an event's markup stays text. The screenshots
     * land in target/dashboard-screenshots (docs/images/ has the committed ones).
     */
    @Test
    @Order(9)
    void theDashboardSignsInListsIssuesOpensOneAndShowsFleetHealthInABrowser() throws Exception {
        Path screenshots = Files.createDirectories(Path.of("target", "dashboard-screenshots").toAbsolutePath());
        Map<String, String> env = new HashMap<>(localEnv());
        env.put("SCREENSHOTS", screenshots.toString());
        Run dashboard = run(CLIENTS, env, 240, "node", "dashboard.mjs");
        assertEquals(0, dashboard.exitCode(), dashboard.output());
        assertTrue(dashboard.output().contains("\"ok\":true"), dashboard.output());
    }

    private static Map<String, String> localEnv() throws IOException {
        Map<String, String> values = new HashMap<>();
        for (String line : Files.readAllLines(STATE.resolve("local.env"))) {
            int equals = line.indexOf('=');
            if (!line.startsWith("#") && equals > 0) {
                values.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return values;
    }

    /** An offset at which every port of the launcher (services 8080–8084, MailDev 1025 and 1080) is free. */
    private static int freeOffset() {
        for (int offset = 20_000; offset < 40_000; offset += 137) {
            int base = offset;
            if (Stream.of(8080, 8081, 8082, 8083, 8084, 1025, 1080).allMatch(port -> free(base + port))) {
                return offset;
            }
        }
        throw new IllegalStateException("no free set of ports for the launcher");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Run launcher(int timeoutSeconds, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("groundwork").toString()));
        command.addAll(List.of(arguments));
        return run(ROOT, ENV, timeoutSeconds, command.toArray(String[]::new));
    }

    private static Run run(Path directory, Map<String, String> env, int timeoutSeconds, String... command) throws Exception {
        return Commands.run(directory, env, timeoutSeconds, command);
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
