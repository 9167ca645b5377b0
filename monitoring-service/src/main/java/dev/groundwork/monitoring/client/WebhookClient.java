package dev.groundwork.monitoring.client;

import dev.groundwork.monitoring.config.MonitoringConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * POSTs alert JSON to a webhook, once, with a timeout, and says what happened without the URL: the URL is a secret
 * (Slack's carries its token in the path), and the JDK's messages may quote the host or the URI. Retrying is the
 * dispatcher's, which records each attempt.
 */
@ApplicationScoped
public class WebhookClient {

    /** The most of a receiver's answer kept as the error (Slack's are a word: {@code invalid_payload}, {@code no_service}). */
    private static final int MAX_ANSWER = 200;
    /** The longest Retry-After honoured: a receiver asking for more is asked again after this. */
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    /**
     * One attempt: {@code status} the HTTP status (null when there was no answer), {@code error} null when delivered,
     * {@code retryAfter} what a 429/503 asked for, {@code retryable} false when trying again cannot help (a 4xx that
     * says the webhook is gone or refuses the payload).
     */
    public record Result(Integer status, String error, Duration retryAfter, boolean retryable) {
        public boolean delivered() {
            return error == null;
        }
    }

    @Inject
    MonitoringConfig config;

    private HttpClient http;

    @PostConstruct
    void create() {
        http = HttpClient.newBuilder().connectTimeout(config.alerting().timeout()).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    public Result post(URI webhook, byte[] json, String deliveryId) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(webhook).timeout(config.alerting().timeout())
                .header("Content-Type", "application/json").header("User-Agent", "groundwork-monitoring")
                .header("X-Groundwork-Delivery", deliveryId).POST(HttpRequest.BodyPublishers.ofByteArray(json)).build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            String answer;
            try (InputStream body = response.body()) {
                answer = answer(body.readNBytes(MAX_ANSWER), webhook);
            }
            if (status >= 200 && status < 300) {
                return new Result(status, null, null, true);
            }
            boolean retryable = status >= 500 || status == 408 || status == 425 || status == 429;
            Duration retryAfter = status == 429 || status == 503 ? retryAfter(response.headers().firstValue("Retry-After").orElse(null)) : null;
            return new Result(status, "HTTP " + status + (answer.isEmpty() ? "" : ": " + answer), retryAfter, retryable);
        } catch (IOException e) {
            return failed(HttpFailures.describe(e, config.alerting().timeout()));
        }
    }

    private static Result failed(String error) {
        return new Result(null, error, null, true);
    }

    /** The start of the receiver's answer on one line, the webhook's path taken out should it be echoed. */
    private static String answer(byte[] body, URI webhook) {
        String text = new String(body, StandardCharsets.UTF_8).replaceAll("[\\p{Cntrl}]+", " ").strip();
        String path = webhook.getRawPath();
        return path != null && path.length() > 1 ? text.replace(path, "/***") : text;
    }

    /** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Duration wait;
        try {
            wait = Duration.ofSeconds(Long.parseLong(value.strip()));
        } catch (NumberFormatException notSeconds) {
            try {
                wait = Duration.between(Instant.now(), ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
        return wait.isNegative() ? Duration.ZERO : wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }
}
