package dev.groundwork.monitoring;

import dev.groundwork.monitoring.service.RetentionJob;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.groundwork.monitoring.Rows.count;
import static dev.groundwork.monitoring.Rows.update;
import static dev.groundwork.monitoring.AuthStub.ALPHA_KEY;
import static dev.groundwork.monitoring.Envelopes.await;
import static dev.groundwork.monitoring.Envelopes.item;
import static dev.groundwork.monitoring.Envelopes.send;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Release health from hand-built {@code session} and {@code sessions} items as the SDKs send them, read back through
 * {@code GET /monitoring/api/0/projects/groundwork/alpha/releases/health/}: each session counted once under its worst
 * outcome, aggregates added, users distinct, adoption per environment, and the API's access and errors. Every test
 * uses releases and environments of its own, so that the module's other tests' sessions do not count.
 */
@QuarkusTest
class ReleaseHealthTest {

    private static final String PATH = "/monitoring/api/0/projects/groundwork/alpha/releases/health/";

    @Inject
    RetentionJob retention;

    @Test
    void eachSessionCountsOnceUnderItsWorstOutcome() {
        String env = "prod-" + run();
        String release = "app-" + run() + "@1.2.0";
        Instant now = Instant.now();
        String healthy = sid();
        String crashing = sid();
        String erroring = sid();
        String abnormal = sid();
        String errorsFromStart = sid();
        // An app run that ends well; its end sent twice (an SDK's retry): one healthy session.
        send(envelope(session(healthy, "u1", true, "ok", 0, release, env, now))).statusCode(200);
        send(envelope(session(healthy, "u1", false, "exited", 0, release, env, now))).statusCode(200);
        send(envelope(session(healthy, "u1", false, "exited", 0, release, env, now))).statusCode(200);
        // One that crashes, the crash in the same envelope twice and once more: one crashed session.
        send(envelope(session(crashing, "u2", true, "ok", 0, release, env, now))).statusCode(200);
        send(envelope(session(crashing, "u2", false, "crashed", 1, release, env, now)
                + "\u0000" + session(crashing, "u2", false, "crashed", 1, release, env, now))).statusCode(200);
        send(envelope(session(crashing, "u2", false, "crashed", 1, release, env, now))).statusCode(200);
        // One that exits with handled errors: errored.
        send(envelope(session(erroring, "u3", true, "ok", 0, release, env, now))).statusCode(200);
        send(envelope(session(erroring, "u3", false, "exited", 2, release, env, now))).statusCode(200);
        // One ended abnormally, never updated.
        send(envelope(session(abnormal, "u4", true, "abnormal", 0, release, env, now))).statusCode(200);
        // One of user u1 again, errored from its first update (sent twice), then exited: errored, and u1 still one user.
        send(envelope(session(errorsFromStart, "u1", true, "ok", 1, release, env, now))).statusCode(200);
        send(envelope(session(errorsFromStart, "u1", true, "ok", 1, release, env, now))).statusCode(200);
        send(envelope(session(errorsFromStart, "u1", false, "exited", 1, release, env, now))).statusCode(200);
        settle(env);

        Map<String, Object> health = only(list(env), release);
        assertEquals(env, health.get("environment"));
        assertEquals(5, number(health, "totalSessions"));
        assertEquals(1, number(health, "sessionsCrashed"));
        assertEquals(2, number(health, "sessionsErrored"));
        assertEquals(1, number(health, "sessionsAbnormal"));
        assertEquals(80.0, percent(health, "crashFreeSessions"), 0.001);
        assertEquals(4, number(health, "totalUsers"));
        assertEquals(1, number(health, "usersCrashed"));
        assertEquals(75.0, percent(health, "crashFreeUsers"), 0.001);
        assertEquals(100.0, percent(health, "adoption"), 0.001);
        assertEquals(100.0, percent(health, "sessionsAdoption"), 0.001);
        Instant firstSeen = Instant.parse((String) health.get("firstSeen"));
        Instant lastSeen = Instant.parse((String) health.get("lastSeen"));
        assertTrue(!firstSeen.isAfter(lastSeen) && lastSeen.isAfter(now.minusSeconds(120)), health.toString());
    }

    @Test
    void aggregatesAddUpWithTheirUsers() {
        String env = "server-" + run();
        String release = "api-" + run() + "@3.1.0";
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        String sessions = """
                {"attrs":{"release":"%s","environment":"%s"},"aggregates":[
                {"started":"%s","exited":5,"errored":2,"crashed":1},
                {"started":"%s","did":"u9","exited":1,"crashed":1}]}""".formatted(release, env, now.minusSeconds(60), now).replace("\n", "");
        send("{}\n" + item("sessions", sessions)).statusCode(200);
        settle(env);

        Map<String, Object> health = only(list(env), release);
        assertEquals(10, number(health, "totalSessions"));
        assertEquals(2, number(health, "sessionsCrashed"));
        assertEquals(2, number(health, "sessionsErrored"));
        assertEquals(0, number(health, "sessionsAbnormal"));
        assertEquals(80.0, percent(health, "crashFreeSessions"), 0.001);
        assertEquals(1, number(health, "totalUsers"));
        assertEquals(1, number(health, "usersCrashed"));
        assertEquals(0.0, percent(health, "crashFreeUsers"), 0.001);

        // Request-mode aggregates carry no user: no user rates, and no adoption by users, rather than made-up ones.
        String anonymousEnv = "anon-" + run();
        send("{}\n" + item("sessions", """
                {"attrs":{"release":"%s","environment":"%s"},"aggregates":[{"started":"%s","exited":3,"errored":1}]}"""
                .formatted(release, anonymousEnv, now))).statusCode(200);
        settle(anonymousEnv);
        Map<String, Object> anonymous = only(list(anonymousEnv), release);
        assertEquals(4, number(anonymous, "totalSessions"));
        assertEquals(1, number(anonymous, "sessionsErrored"));
        assertEquals(100.0, percent(anonymous, "crashFreeSessions"), 0.001);
        assertEquals(0, number(anonymous, "totalUsers"));
        assertNoPercent(anonymous, "crashFreeUsers");
        assertNoPercent(anonymous, "adoption");
        assertEquals(100.0, percent(anonymous, "sessionsAdoption"), 0.001);
    }

    @Test
    void adoptionIsEachReleasesShareOfItsEnvironment() {
        String env = "prod-" + run();
        String older = "shop-" + run() + "@1.0.0";
        String newer = "shop-" + run() + "@2.0.0";
        Instant now = Instant.now();
        StringBuilder items = new StringBuilder();
        for (String user : List.of("a1", "a2", "a3")) {
            items.append(item("session", session(sid(), user, true, "exited", 0, older, env, now.minusSeconds(600))));
        }
        items.append(item("session", session(sid(), "b1", true, "crashed", 1, newer, env, now.minusSeconds(60))));
        send("{}\n" + items).statusCode(200);
        settle(env);

        List<Map<String, Object>> releases = list(env);
        assertEquals(List.of(newer, older), releases.stream().map(r -> r.get("version")).toList(), "last seen first: " + releases);
        Map<String, Object> olderHealth = only(releases, older);
        Map<String, Object> newerHealth = only(releases, newer);
        assertEquals(75.0, percent(olderHealth, "adoption"), 0.001);
        assertEquals(25.0, percent(newerHealth, "adoption"), 0.001);
        assertEquals(75.0, percent(olderHealth, "sessionsAdoption"), 0.001);
        assertEquals(25.0, percent(newerHealth, "sessionsAdoption"), 0.001);
        assertEquals(100.0, percent(olderHealth, "crashFreeSessions"), 0.001);
        assertEquals(0.0, percent(newerHealth, "crashFreeSessions"), 0.001);
    }

    @Test
    void environmentsAreCountedApart() {
        String release = "app-" + run() + "@5.0.0";
        String staging = "staging-" + run();
        String production = "production-" + run();
        Instant now = Instant.now();
        send("{}\n" + item("session", session(sid(), "s1", true, "exited", 0, release, staging, now))
                + item("session", session(sid(), "s2", true, "crashed", 0, release, staging, now))
                + item("session", session(sid(), "p1", true, "exited", 0, release, production, now))
                + item("session", session(sid(), "p2", true, "exited", 0, release, production, now))).statusCode(200);
        settle(staging);
        settle(production);

        Map<String, Object> stagingHealth = only(list(staging), release);
        assertEquals(staging, stagingHealth.get("environment"));
        assertEquals(2, number(stagingHealth, "totalSessions"));
        assertEquals(50.0, percent(stagingHealth, "crashFreeSessions"), 0.001);
        Map<String, Object> productionHealth = only(list(production), release);
        assertEquals(100.0, percent(productionHealth, "crashFreeSessions"), 0.001);
        assertEquals(100.0, percent(productionHealth, "adoption"), 0.001);

        List<Map<String, Object>> all = IssuesApi.api().get(PATH).then().statusCode(200).extract().jsonPath().getList("$");
        List<Map<String, Object>> both = all.stream().filter(r -> release.equals(r.get("version"))).toList();
        assertEquals(2, both.size(), "one entry per environment without a filter: " + both);
    }

    @Test
    void whatIsNotReleaseHealthIsSkippedAndChangesNothing() {
        String env = "prod-" + run();
        String release = "bad-" + run() + "@1.0.0";
        Instant now = Instant.now();
        String ok = session(sid(), "u1", true, "exited", 0, release, env, now);
        send("{}\n"
                + item("session", ok.replace("\"release\":\"" + release + "\",", "")) // no release: Sentry drops it
                + item("session", session(sid(), "u1", true, "sleeping", 0, release, env, now)) // not a status
                + item("session", session(sid(), "u1", true, "crashed", 0, release, env, now.minus(10, ChronoUnit.DAYS))) // too old
                + item("session", ok.replace("\"sid\":", "\"nosid\":"))
                + item("session", session(sid(), "u1", true, "crashed", 0, release, "e".repeat(65), now))
                + item("sessions", "{\"attrs\":{\"release\":\"" + release + "\",\"environment\":\"" + env + "\"},\"aggregates\":\"many\"}")
                + item("sessions", "{\"aggregates\":[{\"started\":\"" + now + "\",\"crashed\":3}]}")).statusCode(200);
        settle(env);
        assertTrue(list(env).isEmpty(), list(env).toString());
        assertEquals(0, count("SELECT count(*) FROM monitoring.release_health WHERE release = ?", release));
    }

    @Test
    void theApiTakesReadersOfTheProjectAndAPeriod() {
        given().get(PATH).then().statusCode(401);
        problem(given().auth().oauth2(AuthStub.userToken()).get(PATH).then().statusCode(403));
        problem(given().auth().oauth2(AuthStub.serviceToken("monitoring:beta")).get(PATH).then().statusCode(403));
        given().auth().oauth2(AuthStub.serviceToken("monitoring:alpha")).get(PATH).then().statusCode(200);
        problem(IssuesApi.api().queryParam("statsPeriod", "yesterday").get(PATH).then().statusCode(400))
                .body("detail", containsString("statsPeriod"));
        problem(IssuesApi.api().queryParam("statsPeriod", "0h").get(PATH).then().statusCode(400));
        for (String period : List.of("24h", "14d", "90d")) {
            IssuesApi.api().queryParam("statsPeriod", period).get(PATH).then().statusCode(200);
        }
        problem(IssuesApi.api().get("/monitoring/api/0/projects/groundwork/nosuch/releases/health/").then().statusCode(404));
        problem(IssuesApi.api().get("/monitoring/api/0/projects/other/alpha/releases/health/").then().statusCode(404));
    }

    @Test
    void retentionDeletesOldCountersAndSessionStates() {
        String env = "aged-" + run();
        String release = "aged-" + run() + "@1.0.0";
        send(envelope(session(sid(), "u1", true, "exited", 0, release, env, Instant.now()))).statusCode(200);
        settle(env);
        assertEquals(1, count("SELECT count(*) FROM monitoring.session_states WHERE release = ?", release));
        update("UPDATE monitoring.session_states SET hour = hour - interval '7 days' WHERE release = ?", release);
        update("UPDATE monitoring.release_health SET hour = hour - interval '91 days' WHERE release = ?", release);
        update("UPDATE monitoring.release_health_users SET hour = hour - interval '91 days' WHERE release = ?", release);

        retention.run();

        assertEquals(0, count("SELECT count(*) FROM monitoring.session_states WHERE release = ?", release));
        assertEquals(0, count("SELECT count(*) FROM monitoring.release_health WHERE release = ?", release));
        assertEquals(0, count("SELECT count(*) FROM monitoring.release_health_users WHERE release = ?", release));
    }

    /** An individual session update as the JavaScript and Java SDKs send it. */
    static String session(String sid, String did, boolean init, String status, int errors, String release, String environment, Instant at) {
        return """
                {"sid":"%s","did":"%s","init":%s,"started":"%s","timestamp":"%s","status":"%s","errors":%d,"duration":1.5,\
                "attrs":{"release":"%s","environment":"%s"}}""".formatted(sid, did, init, at.minusSeconds(1), at, status, errors, release,
                environment);
    }

    /** An envelope of session items; {@code \u0000} separates several. */
    private static String envelope(String sessions) {
        StringBuilder envelope = new StringBuilder("{\"sent_at\":\"" + Instant.now() + "\"}\n");
        for (String session : sessions.split("\u0000")) {
            envelope.append(item("session", session));
        }
        return envelope.toString();
    }

    private static ValidatableResponse send(String envelope) {
        return Envelopes.send(11, ALPHA_KEY, envelope);
    }

    /**
     * Waits until everything sent before has been processed: the inbox is worked off in order, so once a marker session
     * sent last is counted, so is the rest.
     */
    private void settle(String env) {
        String marker = "marker-" + run() + "@0";
        send(envelope(session(sid(), "m", true, "exited", 0, marker, env + "-marker", Instant.now()))).statusCode(200);
        await("the marker session counted", () -> count("SELECT count(*) FROM monitoring.release_health WHERE release = ?", marker) == 1);
    }

    static List<Map<String, Object>> list(String environment) {
        return IssuesApi.api().queryParam("environment", environment).queryParam("statsPeriod", "24h").get(PATH).then().statusCode(200)
                .extract().jsonPath().getList("$");
    }

    static Map<String, Object> only(List<Map<String, Object>> releases, String version) {
        List<Map<String, Object>> found = releases.stream().filter(r -> version.equals(r.get("version"))).toList();
        assertEquals(1, found.size(), "entries of " + version + ": " + releases);
        assertNotNull(found.get(0).get("healthData"));
        return found.get(0);
    }

    static long number(Map<String, Object> release, String field) {
        return ((Number) ((Map<?, ?>) release.get("healthData")).get(field)).longValue();
    }

    static double percent(Map<String, Object> release, String field) {
        Object value = ((Map<?, ?>) release.get("healthData")).get(field);
        assertNotNull(value, field + " of " + release);
        return ((Number) value).doubleValue();
    }

    static void assertNoPercent(Map<String, Object> release, String field) {
        assertNull(((Map<?, ?>) release.get("healthData")).get(field), field + " of " + release);
    }

    private static ValidatableResponse problem(ValidatableResponse response) {
        return response.contentType("application/problem+json");
    }

    private static String run() {
        return IssuesApi.runId();
    }

    private static String sid() {
        return UUID.randomUUID().toString();
    }

}
