package dev.groundwork.gateway;

import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A token-protected route of the test application only (protected by the permission TokenValidationTest
 * configures): the gateway's own routes get their auth rules with the gateway issue.
 */
@ApplicationScoped
public class WhoAmIRoute {

    void install(@Observes Router router) {
        router.get("/test/whoami").order(0).handler(context -> {
            QuarkusHttpUser user = (QuarkusHttpUser) context.user();
            context.response().end(user.getSecurityIdentity().getPrincipal().getName());
        });
    }
}
