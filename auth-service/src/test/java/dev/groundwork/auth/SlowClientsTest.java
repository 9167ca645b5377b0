package dev.groundwork.auth;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slow uploads (issue 13, point 1): a hundred sign-ups that announce a JSON body and send a few bytes of it, held
 * open, park no worker thread — with a worker pool of 8, {@code GET /auth/v1/settings} keeps answering. Before,
 * Quarkus REST read each {@code byte[]} body on the method's worker in a blocking read, so every stalled sign-up
 * held a worker and everything else queued behind them. Waits are bounded (socket timeouts), never timed assertions.
 */
@QuarkusTest
@TestProfile(SlowClientsTest.EightWorkers.class)
class SlowClientsTest {

    @TestHTTPResource("/")
    URI server;

    private static final int SIGN_UPS = 100;
    private static final int WAIT_MS = 20_000;
    private static final String SENT = "{\"email\":";

    @Test
    void stalledSignUpsParkNoWorker() throws IOException {
        List<Socket> signUps = new ArrayList<>();
        try {
            while (signUps.size() < SIGN_UPS) {
                Socket signUp = new Socket(server.getHost(), server.getPort());
                signUp.setSoTimeout(WAIT_MS);
                signUp.getOutputStream().write(("POST /auth/v1/signup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "X-Supabase-Api-Version: 2024-01-01\r\nContent-Length: 1000\r\n\r\n" + SENT).getBytes(StandardCharsets.US_ASCII));
                signUps.add(signUp);
            }
            // Form bodies (the OAuth token endpoint) were read on the worker the same way.
            List<Socket> tokenRequests = new ArrayList<>();
            while (tokenRequests.size() < SIGN_UPS / 4) {
                Socket tokenRequest = new Socket(server.getHost(), server.getPort());
                tokenRequest.setSoTimeout(WAIT_MS);
                tokenRequest.getOutputStream().write(("POST /oauth/token HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type=")
                        .getBytes(StandardCharsets.US_ASCII));
                tokenRequests.add(tokenRequest);
            }
            signUps.addAll(tokenRequests);
            for (int i = 0; i < 3; i++) {
                given().config(RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                                .setParam("http.connection.timeout", WAIT_MS).setParam("http.socket.timeout", WAIT_MS)))
                        .get("/auth/v1/settings").then().statusCode(200).body("external", notNullValue());
            }

            // They were waiting for their bodies all along: completed (sign-ups as JSON cut short), each gets its answer.
            for (Socket signUp : signUps) {
                assertEquals(0, signUp.getInputStream().available(), "no answer before the body is complete");
                boolean form = tokenRequests.contains(signUp);
                signUp.getOutputStream().write((form ? "x".repeat(100 - "grant_type=".length()) : " ".repeat(1000 - SENT.length()))
                        .getBytes(StandardCharsets.US_ASCII));
            }
            for (Socket signUp : signUps) {
                BufferedReader answer = new BufferedReader(new InputStreamReader(signUp.getInputStream(), StandardCharsets.US_ASCII));
                String status = answer.readLine();
                if (tokenRequests.contains(signUp)) {
                    assertTrue(status.startsWith("HTTP/1.1 4"), status);
                    continue;
                }
                assertTrue(status.startsWith("HTTP/1.1 400 "), status);
                List<String> headers = new ArrayList<>();
                for (String line = answer.readLine(); line != null && !line.isEmpty(); line = answer.readLine()) {
                    headers.add(line.toLowerCase());
                }
                assertTrue(headers.contains("x-sb-error-code: bad_json"), headers.toString());
            }
        } finally {
            for (Socket signUp : signUps) {
                signUp.close();
            }
        }
    }

    /** Far fewer workers than stalled sign-ups: one parked worker per sign-up would show at once. */
    public static class EightWorkers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.thread-pool.max-threads", "8");
        }
    }
}
