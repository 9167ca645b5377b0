package dev.groundwork.monitoring.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.groundwork.monitoring.config.MonitoringConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Probes readiness endpoints as a kubelet does: GET over HTTP/1.1, no redirects followed, any status from 200 to 399
 * is ready, anything else (another status, no connection, no answer within {@code monitoring.fleet.timeout}) is not.
 * All of a poll's probes run at once. The detail never holds the URL (it may carry credentials) nor an exception's
 * message, only the status, the names of the readiness checks that are down, or the kind of connection error.
 */
@ApplicationScoped
public class ReadinessProbe {

    /** What one probe found. */
    public record Result(boolean ready, String detail) {
    }

    /** The readiness body read at most (Quarkus's is well under 1 KiB per check). */
    private static final int MAX_BODY = 64 * 1024;
    private static final int MAX_DETAIL = 300;

    @Inject
    MonitoringConfig config;
    @Inject
    ObjectMapper json;

    private volatile HttpClient http;

    /** Probes every target at once; returns each one's result, by name, once all answered or timed out. */
    public Map<String, Result> probe(Map<String, URI> targets) {
        Duration timeout = config.fleet().timeout();
        Map<String, CompletableFuture<Result>> pending = new LinkedHashMap<>();
        targets.forEach((name, url) -> pending.put(name, probe(url, timeout)));
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
        Map<String, Result> results = new LinkedHashMap<>();
        pending.forEach((name, future) -> results.put(name, await(future, deadline, timeout)));
        return results;
    }

    private CompletableFuture<Result> probe(URI url, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        return client(timeout).sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> result(response.statusCode(), response.body()));
    }

    private Result await(CompletableFuture<Result> future, long deadline, Duration timeout) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new Result(false, "no answer within " + HttpFailures.duration(timeout));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return new Result(false, cause instanceof IOException ? HttpFailures.describe(cause, timeout)
                    : "probe failed (" + cause.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "probe interrupted");
        }
    }

    private Result result(int status, InputStream body) {
        String downChecks = "";
        try (body) {
            if (status >= 400) {
                downChecks = downChecks(body.readNBytes(MAX_BODY));
            }
        } catch (IOException | RuntimeException e) {
            // The status decides; the body only adds detail.
        }
        String detail = "HTTP " + status + (downChecks.isEmpty() ? "" : ": " + downChecks + " down");
        return new Result(status >= 200 && status < 400, detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL - 1) + "…" : detail);
    }

    /** The names of the checks a SmallRye Health body reports DOWN, comma-separated; empty for any other body. */
    private String downChecks(byte[] body) throws IOException {
        JsonNode checks = json.readTree(body).path("checks");
        List<String> down = new ArrayList<>();
        for (JsonNode check : checks) {
            if ("DOWN".equals(check.path("status").asText()) && check.path("name").isTextual()) {
                down.add(check.path("name").asText());
            }
        }
        return String.join(", ", down);
    }

    private HttpClient client(Duration timeout) {
        if (http == null) {
            // HTTP/1.1 as a kubelet's probe speaks it (the JDK's default would try an h2c upgrade first).
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return http;
    }
}
