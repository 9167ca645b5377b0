package dev.groundwork.gateway;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sentry's ingest route: only {@code /api/{project}/envelope/} and {@code /api/{project}/store/} reach monitoring-service
 * (the echo server stands in for it), with their query; every other path under {@code /api} is the gateway's 404; browsers
 * get a preflight answer and the headers Sentry SDKs read; the route's own 429 says when to come back.
 */
@QuarkusTest
@WithTestResource(value = EchoUpstream.class, scope = TestResourceScope.MATCHING_RESOURCES)
class SentryRouteTest {

    private static final String ENVELOPE = "{\"event_id\":\"9ec79c33ec9942ab8353589fcb2e04dc\"}\n{\"type\":\"event\"}\n{}\n";

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void envelopeAndStoreOfANumberedProjectReachMonitoringWithTheirQuery() {
        given().contentType("application/x-sentry-envelope").body(ENVELOPE.getBytes(StandardCharsets.UTF_8)).post("/api/42/envelope/").then().statusCode(200)
                .body("uri", equalTo("/api/42/envelope/")).body("length", equalTo(ENVELOPE.length()));
        given().contentType("application/json").body("{}").post("/api/42/store/").then().statusCode(200)
                .body("uri", equalTo("/api/42/store/"));
        // Browser SDKs authenticate in the query, so that their POST needs no preflight.
        given().urlEncodingEnabled(false).contentType("text/plain;charset=UTF-8").body(ENVELOPE.getBytes(StandardCharsets.UTF_8))
                .post("/api/42/envelope/?sentry_key=0123456789abcdef0123456789abcdef&sentry_version=7&sentry_client=sentry.javascript.browser%2F9.0.0")
                .then().statusCode(200)
                .body("uri", equalTo("/api/42/envelope/?sentry_key=0123456789abcdef0123456789abcdef&sentry_version=7"
                        + "&sentry_client=sentry.javascript.browser%2F9.0.0"));
        given().contentType("application/x-sentry-envelope").body(ENVELOPE.getBytes(StandardCharsets.UTF_8)).post("/api/999999999999999999/envelope/").then()
                .statusCode(200).body("uri", equalTo("/api/999999999999999999/envelope/"));
        // The same path spelt otherwise is the same path (normalised first), and is what the service gets.
        given().urlEncodingEnabled(false).contentType("application/x-sentry-envelope").body(ENVELOPE.getBytes(StandardCharsets.UTF_8)).post("/api/%34%32//envelope/")
                .then().statusCode(200).body("uri", equalTo("/api/42/envelope/"));
    }

    @Test
    void everyOtherPathUnderApiIsAnUnknownPath() throws Exception {
        for (String path : List.of("/api/0/envelope/", "/api/00/envelope/", "/api/042/envelope/", "/api/abc/envelope/",
                "/api/-1/envelope/", "/api/1e3/envelope/", "/api/1000000000000000000/envelope/", "/api/42/other/",
                "/api/42/envelope/x", "/api/42/envelope", "/api/42/store", "/api/42/ENVELOPE/", "/api/42/envelope;x=1/",
                "/api/42/", "/api/42", "/api/", "/api", "/api/store/", "/api/0/relays/projectconfigs/", "/api/42/security/",
                "/api/42/minidump/")) {
            String answer = raw("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
            assertTrue(answer.startsWith("HTTP/1.1 404"), path + ": " + answer);
            assertTrue(answer.contains("application/problem+json") && answer.contains("no route for"), path + ": " + answer);
            assertFalse(answer.contains("\"uri\""), path + " reached the service: " + answer);
        }
        // A detour through /api is resolved first: it is the auth route's path (whose service is down here), never ingest.
        String detour = raw("GET /api/../auth/v1/settings HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(detour.startsWith("HTTP/1.1 502") || detour.startsWith("HTTP/1.1 503"), detour);
        assertFalse(detour.contains("\"uri\""), detour);
        String climbing = raw("GET /api/42/envelope/../../../auth/v1/settings HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertFalse(climbing.contains("\"uri\""), climbing);
    }

    @Test
    void browsersGetThePreflightAndTheHeadersSentrySdksRead() {
        given().header("Origin", "https://app.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "x-sentry-auth,content-type")
                .options("/api/1/envelope/").then().statusCode(200)
                .header("Access-Control-Allow-Origin", "https://app.example")
                .header("Access-Control-Allow-Methods", containsString("POST"))
                .header("Access-Control-Allow-Headers", containsString("x-sentry-auth"))
                .header("Access-Control-Allow-Headers", containsString("content-type"));
        String exposed = given().header("Origin", "https://app.example").contentType("application/x-sentry-envelope").body(ENVELOPE.getBytes(StandardCharsets.UTF_8))
                .post("/api/1/envelope/").then().statusCode(200).header("Access-Control-Allow-Origin", "https://app.example")
                .extract().header("Access-Control-Expose-Headers");
        for (String header : List.of("x-sentry-rate-limits", "x-sentry-error", "retry-after")) {
            assertTrue(exposed.toLowerCase().contains(header), header + " in " + exposed);
        }
    }

    /** The gateway's own refusal carries Retry-After, which Sentry SDKs honour as a limit on every category. */
    @Test
    void theRouteRateLimitAnswers429WithRetryAfter() throws Exception {
        // A client of its own (through the trusted proxy 127.0.0.2), so that the other tests keep their share.
        String client = "203.0.113." + ThreadLocalRandom.current().nextInt(1, 255);
        String request = "POST /api/7/envelope/ HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: " + client
                + "\r\nContent-Type: application/x-sentry-envelope\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
        String answer = "";
        for (int i = 0; i < 41 && !answer.startsWith("HTTP/1.1 429"); i++) {
            answer = raw("127.0.0.2", request);
        }
        assertTrue(answer.startsWith("HTTP/1.1 429"), answer);
        assertTrue(answer.matches("(?s).*\r\nRetry-After: \\d+\r\n.*"), answer);
        assertTrue(answer.contains("RateLimit-Policy: \"ingest\";q=40;w=60"), answer);
        given().contentType("application/x-sentry-envelope").body(ENVELOPE.getBytes(StandardCharsets.UTF_8)).post("/api/7/envelope/").then().statusCode(200)
                .header("RateLimit", matchesPattern("\"ingest\";r=\\d+;t=\\d+"));
    }

    private String raw(String request) throws Exception {
        return raw("127.0.0.1", request);
    }

    /** The whole answer to a request (with {@code Connection: close}) written as raw bytes from a local address. */
    private String raw(String fromAddress, String request) throws Exception {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), gateway.getPort(), InetAddress.getByName(fromAddress), 0)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
