package dev.groundwork.monitoring.rest;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code /monitoring} → {@code /monitoring/}: the dashboard's files are under {@code META-INF/resources/monitoring/} and
 * the page loads them by relative URLs, which only resolve from the directory. The Location is a path, so that it
 * stays right behind the gateway or any proxy.
 */
@ApplicationScoped
public class DashboardRedirect {

    static final String DASHBOARD = "/monitoring/";

    void addTo(@Observes Router router) {
        router.get("/monitoring").handler(context -> {
            if (context.request().path().equals("/monitoring")) {
                context.response().setStatusCode(301).putHeader("Location", DASHBOARD).end();
            } else {
                context.next();
            }
        });
    }
}
