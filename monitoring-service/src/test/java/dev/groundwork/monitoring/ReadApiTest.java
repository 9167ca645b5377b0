package dev.groundwork.monitoring;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.groundwork.monitoring.Rows.count;
import static dev.groundwork.monitoring.AuthStub.ALPHA_KEY;
import static dev.groundwork.monitoring.AuthStub.adminToken;
import static dev.groundwork.monitoring.AuthStub.serviceToken;
import static dev.groundwork.monitoring.Envelopes.await;
import static dev.groundwork.monitoring.Envelopes.event;
import static dev.groundwork.monitoring.Envelopes.newId;
import static dev.groundwork.monitoring.Envelopes.send;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Sentry-shaped read API: who may read what, issues and their events, status and regressions, projects and keys. */
@QuarkusTest
class ReadApiTest {

    static final String API = "/monitoring/api/0";

    @Inject
    io.quarkus.redis.datasource.RedisDataSource redis;

    /** An error event of a type unique to the test, so that it is a new issue on every run. */
    static String error(String type, String release, String environment, String userId) {
        return """
                {"platform":"java","level":"error","release":"%s","environment":"%s","user":{"id":"%s"},"tags":{"tenant":"acme"},
                 "exception":{"values":[{"type":"%s","value":"order 42 failed","module":"demo",
                 "stacktrace":{"frames":[{"module":"demo.Shop","function":"checkout","lineno":12,"in_app":true},
                 {"module":"demo.Shop$Cart","function":"total","lineno":40,"in_app":true}]}}]}}"""
                .formatted(release, environment, userId, type).replace("\n", "");
    }

    String sendAndWait(String type, String release, String environment, String userId) {
        String id = newId();
        send(11, ALPHA_KEY, event(id, error(type, release, environment, userId))).statusCode(200);
        await("event " + id + " stored", () -> count("SELECT count(*) FROM monitoring.events WHERE event_id = ?::uuid", id) == 1);
        return id;
    }

    JsonPath issueOf(String type) {
        Response list = given().auth().oauth2(adminToken()).queryParam("query", "\"" + type + "\"").queryParam("statsPeriod", "24h")
                .get(API + "/projects/groundwork/alpha/issues/");
        list.then().statusCode(200).body("", hasSize(1));
        return list.jsonPath().setRootPath("[0]");
    }

    @Test
    void eventsOfOneErrorBecomeOneIssueWithCountsUsersAndStats() {
        String type = "CheckoutError" + UUID.randomUUID().toString().substring(0, 8);
        sendAndWait(type, "shop@1.0", "prod", "u-1");
        sendAndWait(type, "shop@1.0", "prod", "u-2");
        String latest = sendAndWait(type, "shop@1.1", "staging", "u-1");
        JsonPath issue = issueOf(type);
        assertEquals(type + ": order 42 failed", issue.getString("title"));
        assertEquals("3", issue.getString("count"));
        assertEquals(2, issue.getInt("userCount"));
        assertEquals("error", issue.getString("level"));
        assertEquals("unresolved", issue.getString("status"));
        assertEquals("shop@1.0", issue.getString("firstRelease.version"));
        assertEquals("shop@1.1", issue.getString("lastRelease.version"));
        assertEquals("alpha", issue.getString("project.slug"));
        assertEquals(24, issue.getList("stats.24h").size());
        assertTrue(issue.getString("shortId").startsWith("ALPHA-"));
        List<List<Number>> stats = issue.getList("stats.24h");
        assertEquals(3, stats.stream().mapToLong(bucket -> bucket.get(1).longValue()).sum());
        String id = issue.getString("id");

        // The environment filter counts only that environment's events.
        given().auth().oauth2(adminToken()).queryParam("query", "\"" + type + "\"").queryParam("environment", "prod")
                .get(API + "/projects/groundwork/alpha/issues/").then().statusCode(200).body("[0].count", equalTo("2"));
        given().auth().oauth2(adminToken()).queryParam("query", type).queryParam("environment", "nowhere")
                .get(API + "/projects/groundwork/alpha/issues/").then().statusCode(200).body("", hasSize(0));

        // One issue with its tags; its events, newest first; the latest with its stack trace.
        given().auth().oauth2(adminToken()).get(API + "/issues/" + id + "/").then().statusCode(200)
                .body("tags.key", hasItem("tenant")).body("tags.find { it.key == 'environment' }.topValues.value", hasItem("staging"));
        given().auth().oauth2(adminToken()).get(API + "/issues/" + id + "/events/").then().statusCode(200)
                .body("", hasSize(3)).body("[0].eventID", equalTo(latest)).body("[0].tags.key", hasItem("tenant"))
                .header("Link", containsString("rel=\"next\"; results=\"false\""));
        given().auth().oauth2(adminToken()).get(API + "/issues/" + id + "/events/latest/").then().statusCode(200)
                .body("eventID", equalTo(latest))
                .body("entries.find { it.type == 'exception' }.data.values[0].stacktrace.frames.function", equalTo(List.of("checkout", "total")))
                .body("entries.find { it.type == 'exception' }.data.values[0].stacktrace.frames[0].inApp", equalTo(true))
                .body("entries.find { it.type == 'exception' }.data.values[0].stacktrace.frames[0].lineNo", equalTo(12));
        given().auth().oauth2(adminToken()).get(API + "/issues/" + id + "/events/" + latest + "/").then().statusCode(200);
        given().auth().oauth2(adminToken()).get(API + "/issues/" + id + "/events/" + newId() + "/").then().statusCode(404);
    }

    @Test
    void pagesFollowSentrysLinkHeader() {
        String type = "PagedError" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            sendAndWait(type, "shop@1.0", "prod", "u-" + i);
        }
        String id = issueOf(type).getString("id");
        Response first = given().auth().oauth2(adminToken()).queryParam("limit", 2).get(API + "/issues/" + id + "/events/");
        first.then().statusCode(200).body("", hasSize(2)).header("Link", containsString("rel=\"next\"; results=\"true\"; cursor=\"0:2:0\""));
        given().auth().oauth2(adminToken()).queryParam("limit", 2).queryParam("cursor", "0:2:0").get(API + "/issues/" + id + "/events/")
                .then().statusCode(200).body("", hasSize(1));
        given().auth().oauth2(adminToken()).queryParam("cursor", "garbage").get(API + "/issues/" + id + "/events/")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aResolvedIssueReopensOnANewEventAndInTheNextReleaseOnlyOnALaterRelease() {
        String type = "RegressionError" + UUID.randomUUID().toString().substring(0, 8);
        sendAndWait(type, "shop@3.0", "prod", "u-1");
        String id = issueOf(type).getString("id");
        long regressedBefore = count("SELECT count(*) FROM monitoring.event_outbox WHERE type = 'dev.groundwork.monitoring.issue.regressed.v1' "
                + "AND subject = ?", id);
        assertEquals(1, count("SELECT count(*) FROM monitoring.event_outbox WHERE type = 'dev.groundwork.monitoring.issue.created.v1' "
                + "AND subject = ?", id));

        // Resolved: the next event reopens it, and issue.regressed is published.
        given().auth().oauth2(adminToken()).contentType(ContentType.JSON).body(Map.of("status", "resolved"))
                .put(API + "/issues/" + id + "/").then().statusCode(200).body("status", equalTo("resolved"));
        sendAndWait(type, "shop@3.0", "prod", "u-1");
        given().auth().oauth2(adminToken()).get(API + "/issues/" + id + "/").then().body("status", equalTo("unresolved"));
        assertEquals(regressedBefore + 1, count("SELECT count(*) FROM monitoring.event_outbox WHERE type = "
                + "'dev.groundwork.monitoring.issue.regressed.v1' AND subject = ?", id));

        // Resolved in the next release: more events of 3.0 keep it resolved, the first of 3.1 reopens it.
        given().auth().oauth2(adminToken()).contentType(ContentType.JSON)
                .body(Map.of("status", "resolved", "statusDetails", Map.of("inNextRelease", true)))
                .put(API + "/issues/" + id + "/").then().statusCode(200).body("statusDetails.inNextRelease", equalTo(true));
        sendAndWait(type, "shop@3.0", "prod", "u-1");
        given().auth().oauth2(adminToken()).get(API + "/issues/" + id + "/").then().body("status", equalTo("resolved")).body("count", equalTo("3"));
        sendAndWait(type, "shop@3.1-" + UUID.randomUUID(), "prod", "u-1");
        given().auth().oauth2(adminToken()).get(API + "/issues/" + id + "/").then().body("status", equalTo("unresolved"));

        // Ignored stays ignored, counting on.
        given().auth().oauth2(adminToken()).contentType(ContentType.JSON).body(Map.of("status", "ignored"))
                .put(API + "/issues/" + id + "/").then().statusCode(200);
        sendAndWait(type, "shop@3.2-" + UUID.randomUUID(), "prod", "u-1");
        given().auth().oauth2(adminToken()).get(API + "/issues/" + id + "/").then().body("status", equalTo("ignored")).body("count", equalTo("5"));

        // The list filters on status.
        given().auth().oauth2(adminToken()).queryParam("query", "is:ignored " + type).get(API + "/projects/groundwork/alpha/issues/")
                .then().statusCode(200).body("", hasSize(1));
        given().auth().oauth2(adminToken()).queryParam("query", "is:unresolved " + type).get(API + "/projects/groundwork/alpha/issues/")
                .then().statusCode(200).body("", hasSize(0));
        // Without a query, Sentry's default search applies: is:unresolved.
        given().auth().oauth2(adminToken()).queryParam("limit", 100).get(API + "/projects/groundwork/alpha/issues/")
                .then().statusCode(200).body("id", not(hasItem(id)));
        given().auth().oauth2(adminToken()).contentType(ContentType.JSON).body(Map.of("status", "fixed"))
                .put(API + "/issues/" + id + "/").then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(adminToken()).queryParam("query", "assigned:me").get(API + "/projects/groundwork/alpha/issues/")
                .then().statusCode(400);
        given().auth().oauth2(adminToken()).queryParam("statsPeriod", "forever").get(API + "/projects/groundwork/alpha/issues/")
                .then().statusCode(400);
    }

    @Test
    void onlyAdminsAndTheProjectsScopeReadIt() {
        given().get(API + "/projects/groundwork/alpha/issues/").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2("not-a-jwt").get(API + "/projects/groundwork/alpha/issues/").then().statusCode(401);
        given().auth().oauth2(AuthStub.userToken()).get(API + "/projects/groundwork/alpha/issues/").then().statusCode(403);
        given().auth().oauth2(serviceToken("monitoring:alpha")).get(API + "/projects/groundwork/alpha/issues/").then().statusCode(200);
        given().auth().oauth2(serviceToken("monitoring:alpha")).get(API + "/projects/groundwork/beta/issues/").then().statusCode(403);
        given().auth().oauth2(serviceToken("monitoring:alpha")).get(API + "/organizations/groundwork/projects/").then().statusCode(200)
                .body("slug", equalTo(List.of("alpha")));
        given().auth().oauth2(serviceToken("monitoring:alpha")).contentType(ContentType.JSON).body(Map.of("slug", "sneaky"))
                .post(API + "/organizations/groundwork/projects/").then().statusCode(403);
        given().auth().oauth2(serviceToken("monitoring:alpha")).contentType(ContentType.JSON).body(Map.of())
                .post(API + "/projects/groundwork/alpha/keys/").then().statusCode(403);
        given().auth().oauth2(adminToken()).get(API + "/projects/other-org/alpha/issues/").then().statusCode(404);
        given().auth().oauth2(adminToken()).get(API + "/projects/groundwork/nope/issues/").then().statusCode(404);
        given().auth().oauth2(adminToken()).get(API + "/issues/999999999/").then().statusCode(404);
    }

    @Test
    void endedSessionsAreRefused() {
        String sessionId = UUID.randomUUID().toString();
        String token = AuthStub.userToken(sessionId, List.of("admin"));
        given().auth().oauth2(token).get(API + "/organizations/groundwork/projects/").then().statusCode(200);
        redis.value(String.class).setex("auth:ended-session:" + sessionId, 60, "1");
        await("the ended session refused", () ->
                given().auth().oauth2(token).get(API + "/organizations/groundwork/projects/").statusCode() == 401);
    }

    @Test
    void projectsAndKeysAreCreatedRotatedAndRevoked() {
        try (dev.groundwork.testsupport.CapturedLog log = dev.groundwork.testsupport.CapturedLog.start()) {
            keysLifecycle(log);
        }
    }

    void keysLifecycle(dev.groundwork.testsupport.CapturedLog log) {
        String slug = "web-" + UUID.randomUUID().toString().substring(0, 8);
        JsonPath project = given().auth().oauth2(adminToken()).contentType(ContentType.JSON).body(Map.of("slug", slug, "name", "Web shop"))
                .post(API + "/organizations/groundwork/projects/").then().statusCode(201).extract().jsonPath();
        long projectId = project.getLong("id");
        assertTrue(projectId >= 1000, "API projects get ids from 1000 on");
        given().auth().oauth2(adminToken()).contentType(ContentType.JSON).body(Map.of("slug", slug))
                .post(API + "/organizations/groundwork/projects/").then().statusCode(409);
        given().auth().oauth2(adminToken()).contentType(ContentType.JSON).body(Map.of("slug", "Bad Slug!"))
                .post(API + "/organizations/groundwork/projects/").then().statusCode(400);

        JsonPath keys = given().auth().oauth2(adminToken()).get(API + "/projects/groundwork/" + slug + "/keys/").then().statusCode(200)
                .body("", hasSize(1)).extract().jsonPath();
        String key = keys.getString("[0].public");
        assertEquals("http://" + key + "@localhost:8080/" + projectId, keys.getString("[0].dsn.public"));
        send(projectId, key, event(newId(), error("WebError", "web@1", "prod", "u"))).statusCode(200);

        // Rotation: the new key works at once, the old one for the grace period (none here).
        String rotated = given().auth().oauth2(adminToken()).contentType(ContentType.JSON).body(Map.of("graceSeconds", 0))
                .post(API + "/projects/groundwork/" + slug + "/keys/" + key + "/rotate/").then().statusCode(201).extract().path("public");
        send(projectId, rotated, event(newId(), error("WebError", "web@1", "prod", "u"))).statusCode(200);
        send(projectId, key, event(newId(), error("WebError", "web@1", "prod", "u"))).statusCode(401);
        given().auth().oauth2(adminToken()).get(API + "/projects/groundwork/" + slug + "/keys/").then()
                .body("find { it.id == '" + key + "' }.isActive", equalTo(false));

        // Revocation.
        given().auth().oauth2(adminToken()).delete(API + "/projects/groundwork/" + slug + "/keys/" + rotated + "/").then().statusCode(204);
        send(projectId, rotated, event(newId(), error("WebError", "web@1", "prod", "u"))).statusCode(401);
        given().auth().oauth2(adminToken()).delete(API + "/projects/groundwork/" + slug + "/keys/" + rotated + "/").then().statusCode(204);
        given().auth().oauth2(adminToken()).delete(API + "/projects/groundwork/" + slug + "/keys/" + ALPHA_KEY + "/").then().statusCode(404);
        String fresh = given().auth().oauth2(adminToken()).contentType(ContentType.JSON).body(Map.of("name", "Backend"))
                .post(API + "/projects/groundwork/" + slug + "/keys/").then().statusCode(201).body("name", equalTo("Backend"))
                .extract().path("public");
        send(projectId, fresh, event(newId(), error("WebError", "web@1", "prod", "u"))).statusCode(200);
        // No key is ever written to the log.
        String logged = log.text();
        assertTrue(!logged.contains(key) && !logged.contains(rotated) && !logged.contains(fresh), "a DSN key reached the log");
    }

}
