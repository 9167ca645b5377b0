package dev.groundwork.monitoring;

import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static io.restassured.RestAssured.given;

/** Envelopes as SDKs send them, for the tests: the captured sentry-java request, framing, compression. */
final class Envelopes {

    /** What sentry-java's X-Sentry-Auth looks like, with a key. */
    static String auth(String key) {
        return "Sentry sentry_version=7,sentry_client=sentry.java/8.27.1,sentry_key=" + key;
    }

    /** The body of the captured sentry-java request (test resource), with a new event id so that each test's event is new. */
    static String sentryJava(String eventId) {
        String capture = resource("sentry/sentry-java-8.27.1-envelope-capture.txt");
        String body = capture.substring(capture.indexOf('\n', capture.indexOf("[wire bytes=")) + 1);
        return body.replace("291593a4c67c4997a2d1cb2d1796d3b0", eventId);
    }

    static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** An envelope of one event item with this payload (its length given). */
    static String event(String eventId, String payload) {
        return "{\"event_id\":\"" + eventId + "\"}\n" + item("event", payload);
    }

    static String item(String type, String payload) {
        return "{\"type\":\"" + type + "\",\"length\":" + payload.getBytes(StandardCharsets.UTF_8).length + "}\n" + payload + "\n";
    }

    static String errorEvent(String type, String value, String function) {
        return """
                {"platform":"java","level":"error","release":"shop@1.0","environment":"test",
                 "exception":{"values":[{"type":"%s","value":"%s","module":"demo",
                 "stacktrace":{"frames":[{"module":"demo.Shop","function":"%s","lineno":12,"in_app":true}]}}]}}"""
                .formatted(type, value, function).replace("\n", "");
    }

    static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] deflate(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(out)) {
            deflate.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static RequestSpecification as(String key) {
        return given().header("X-Sentry-Auth", auth(key)).contentType("application/x-sentry-envelope");
    }

    static ValidatableResponse send(long projectId, String key, String envelope) {
        return as(key).body(envelope.getBytes(StandardCharsets.UTF_8)).post("/api/" + projectId + "/envelope/").then();
    }

    static byte[] bytes(String resource) {
        try (InputStream in = Envelopes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String resource(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** Waits up to 15 s for the condition (processing runs beside the request). */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private Envelopes() {
    }
}
