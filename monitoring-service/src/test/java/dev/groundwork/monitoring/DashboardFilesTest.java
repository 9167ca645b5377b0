package dev.groundwork.monitoring;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static dev.groundwork.monitoring.AuthStub.adminToken;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The dashboard's files are public (a browser sends no token when it opens a page), are all served from here (no
 * CDN), and come with a policy that lets no other script run; the API behind them still asks for a token. The page
 * itself is driven in a real browser by e2e's dashboard test.
 */
@QuarkusTest
class DashboardFilesTest {

    private static final Pattern ELSEWHERE = Pattern.compile("(src|href)=\\\"(https?:)?//|import[^;]*from\\s*\\\"(https?:)?//");

    @Test
    void thePageAndItsScriptsAreServedWithoutATokenAndOnlyFromHere() {
        for (String path : List.of("/monitoring/", "/monitoring/index.html", "/monitoring/app.js", "/monitoring/style.css",
                "/monitoring/vendor/auth-js.js")) {
            Response file = given().get(path);
            file.then().statusCode(200)
                    .header("Content-Security-Policy", startsWith("default-src 'none'; script-src 'self';"))
                    .header("X-Content-Type-Options", "nosniff");
            assertFalse(ELSEWHERE.matcher(file.asString()).find(), path + " loads something from another origin");
        }
        // Typed without the slash, the page's relative URLs would resolve from /.
        given().redirects().follow(false).get("/monitoring").then().statusCode(301).header("Location", "/monitoring/");
        given().get("/monitoring/").then().contentType(containsString("text/html")).body(containsString("<script type=\"module\" src=\"app.js\">"));
        given().get("/monitoring/app.js").then().contentType(containsString("javascript"));
        given().get("/monitoring/vendor/auth-js.js").then().body(containsString("@supabase/auth-js 2.109.0"));
    }

    @Test
    void theApiBehindThePageStillNeedsAToken() {
        given().get("/monitoring/api/0/organizations/").then().statusCode(401);
        given().auth().oauth2(adminToken()).get("/monitoring/api/0/organizations/").then().statusCode(200)
                .body("slug", equalTo(List.of("groundwork")));
    }
}
