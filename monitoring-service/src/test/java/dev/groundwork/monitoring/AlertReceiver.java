package dev.groundwork.monitoring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A webhook receiver on a local port (the JDK's HTTP server) that records what alert rules POST, and the alert rules of
 * the tests, each to its own path. It answers 200, or what a test scripted for a rule's path (fail the next N times,
 * always fail). Each webhook's path ends in {@link #SECRET}, as Slack's carry their token: tests show it never appears
 * anywhere but in the POST. Registered for the whole module (TestInfrastructure); rules watch projects of their own.
 */
public class AlertReceiver implements QuarkusTestResourceLifecycleManager {

    /** The secret part of every webhook URL. */
    public static final String SECRET = "Zq8vTg3kLmN5pR7sW2xY4b6d";

    public static final String ALERTS_KEY = "e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5";
    public static final String SPIKY_KEY = "f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6";
    public static final String FLAKY_KEY = "a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7";
    public static final String BROKEN_KEY = "b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8";
    public static final String GONE_KEY = "c9c9c9c9c9c9c9c9c9c9c9c9c9c9c9c9";
    public static final int ALERTS_ID = 15;
    public static final int SPIKY_ID = 16;
    public static final int FLAKY_ID = 17;
    public static final int BROKEN_ID = 18;
    public static final int GONE_ID = 19;
    public static final int MAX_ATTEMPTS = 3;

    /** One POST as received. */
    public record Received(String rule, String body, Map<String, List<String>> headers, Instant at) {
    }

    /** A scripted answer. */
    public record Answer(int status, String retryAfter, String body) {
    }

    private static final List<Received> RECEIVED = new ArrayList<>();
    private static final Map<String, Deque<Answer>> SCRIPTS = new ConcurrentHashMap<>();
    private static final Map<String, Answer> ALWAYS = new ConcurrentHashMap<>();
    private static HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/services/", AlertReceiver::handle);
        server.start();
        // "broken" always fails, and echoes its path in the answer (which must not reach the record whole).
        ALWAYS.put("broken", new Answer(500, null, "internal error at /services/T0GW/broken/" + SECRET));
        ALWAYS.put("gone", new Answer(404, null, "no_service"));
        return Map.ofEntries(
                Map.entry("monitoring.projects.alerts.id", Integer.toString(ALERTS_ID)),
                Map.entry("monitoring.projects.alerts.dsn-keys", ALERTS_KEY),
                Map.entry("monitoring.projects.spiky.id", Integer.toString(SPIKY_ID)),
                Map.entry("monitoring.projects.spiky.dsn-keys", SPIKY_KEY),
                Map.entry("monitoring.projects.flaky.id", Integer.toString(FLAKY_ID)),
                Map.entry("monitoring.projects.flaky.dsn-keys", FLAKY_KEY),
                Map.entry("monitoring.projects.broken.id", Integer.toString(BROKEN_ID)),
                Map.entry("monitoring.projects.broken.dsn-keys", BROKEN_KEY),
                Map.entry("monitoring.projects.gone.id", Integer.toString(GONE_ID)),
                Map.entry("monitoring.projects.gone.dsn-keys", GONE_KEY),
                Map.entry("monitoring.alerts.newissue.trigger", "new-issue"),
                Map.entry("monitoring.alerts.newissue.project", "alerts"),
                Map.entry("monitoring.alerts.newissue.webhook-url", webhook("newissue")),
                Map.entry("monitoring.alerts.regressed.trigger", "regression"),
                Map.entry("monitoring.alerts.regressed.project", "alerts"),
                Map.entry("monitoring.alerts.regressed.webhook-url", webhook("regressed")),
                Map.entry("monitoring.alerts.spike.trigger", "spike"),
                Map.entry("monitoring.alerts.spike.project", "spiky"),
                Map.entry("monitoring.alerts.spike.spike-events", "3"),
                Map.entry("monitoring.alerts.spike.spike-minutes", "5"),
                Map.entry("monitoring.alerts.spike.webhook-url", webhook("spike")),
                Map.entry("monitoring.alerts.fleet.trigger", "service-down"),
                Map.entry("monitoring.alerts.fleet.webhook-url", webhook("fleet")),
                Map.entry("monitoring.alerts.flaky.trigger", "new-issue"),
                Map.entry("monitoring.alerts.flaky.project", "flaky"),
                Map.entry("monitoring.alerts.flaky.webhook-url", webhook("flaky")),
                Map.entry("monitoring.alerts.broken.trigger", "new-issue"),
                Map.entry("monitoring.alerts.broken.project", "broken"),
                Map.entry("monitoring.alerts.broken.webhook-url", webhook("broken")),
                Map.entry("monitoring.alerts.gone.trigger", "new-issue"),
                Map.entry("monitoring.alerts.gone.project", "gone"),
                Map.entry("monitoring.alerts.gone.webhook-url", webhook("gone")),
                // Short waits, so that retries and spikes happen within a test.
                Map.entry("monitoring.alerting.max-attempts", Integer.toString(MAX_ATTEMPTS)),
                Map.entry("monitoring.alerting.backoff", "200MS"),
                Map.entry("monitoring.alerting.max-backoff", "1S"),
                Map.entry("monitoring.alerting.timeout", "2S"),
                Map.entry("monitoring.alerting.spike-check-every", "1S"));
    }

    public static int port() {
        return server.getAddress().getPort();
    }

    /** A Slack-like webhook URL: the rule's name, then the secret. */
    private static String webhook(String rule) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/services/T0GW/" + rule + "/" + SECRET;
    }

    private static void handle(HttpExchange exchange) throws IOException {
        String[] path = exchange.getRequestURI().getPath().split("/");
        String rule = path.length > 3 ? path[3] : "";
        byte[] body = exchange.getRequestBody().readAllBytes();
        synchronized (RECEIVED) {
            RECEIVED.add(new Received(rule, new String(body, StandardCharsets.UTF_8), Map.copyOf(exchange.getRequestHeaders()), Instant.now()));
        }
        Deque<Answer> script = SCRIPTS.get(rule);
        Answer scripted = script == null ? null : script.poll();
        Answer answer = scripted != null ? scripted : ALWAYS.getOrDefault(rule, new Answer(200, null, "ok"));
        if (answer.retryAfter() != null) {
            exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The next answers on this rule's path, before it answers 200 again. */
    public static void script(String rule, Answer... answers) {
        SCRIPTS.computeIfAbsent(rule, r -> new java.util.concurrent.ConcurrentLinkedDeque<>()).addAll(List.of(answers));
    }

    /** What this rule's webhook received whose body holds the text, oldest first. */
    public static List<Received> received(String rule, String text) {
        synchronized (RECEIVED) {
            return RECEIVED.stream().filter(r -> r.rule().equals(rule) && r.body().contains(text)).toList();
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
