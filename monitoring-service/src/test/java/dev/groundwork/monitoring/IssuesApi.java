package dev.groundwork.monitoring;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Sentry-shaped read API as an admin reads it, for the tests that send through a real SDK and read back. */
final class IssuesApi {

    /**
     * An id for one run's events, letters only (no hex digits, no numbers): grouping keeps it as text, so issues whose
     * title holds it are that run's.
     */
    static String runId() {
        return "run" + new SecureRandom().ints(10, 'g', 'z' + 1).mapToObj(c -> String.valueOf((char) c)).collect(Collectors.joining());
    }

    static RequestSpecification api() {
        return given().auth().oauth2(AuthStub.adminToken());
    }

    /** The project's issues (any status) whose title or culprit holds the text. */
    static List<Map<String, Object>> issues(String project, String text) {
        return api().queryParam("query", text).queryParam("limit", 100).get("/monitoring/api/0/projects/groundwork/" + project + "/issues/")
                .then().statusCode(200).extract().jsonPath().getList("$");
    }

    /** The events of the issues, by their counts. */
    static long total(List<Map<String, Object>> issues) {
        return issues.stream().mapToLong(issue -> Long.parseLong((String) issue.get("count"))).sum();
    }

    static Map<String, Object> only(List<Map<String, Object>> issues, String title) {
        List<Map<String, Object>> found = issues.stream().filter(issue -> title.equals(issue.get("title"))).toList();
        assertEquals(1, found.size(), "issues titled " + title + ": " + issues);
        return found.get(0);
    }

    static JsonPath latestEvent(Map<String, Object> issue) {
        return api().get("/monitoring/api/0/issues/" + issue.get("id") + "/events/latest/").then().statusCode(200).extract().jsonPath();
    }

    private IssuesApi() {
    }
}
