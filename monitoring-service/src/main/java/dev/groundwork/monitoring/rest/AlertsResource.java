package dev.groundwork.monitoring.rest;

import dev.groundwork.monitoring.service.Issues;
import dev.groundwork.monitoring.service.alerts.Alerts;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.List;

/**
 * Alert rules and what they sent, for an operator (admin role): {@code /monitoring/api/0/alerts/rules/} and
 * {@code …/alerts/deliveries/?status=&rule=&cursor=&limit=}. Webhook URLs are shown masked. Ours: Sentry's alert
 * rules API has another shape (rules there are edited through it; here they are configuration).
 */
@Path("/monitoring/api/0/alerts")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class AlertsResource {

    @Inject
    Alerts alerts;
    @Inject
    SecurityIdentity caller;
    @Context
    UriInfo uri;

    @GET
    @Path("rules/")
    public List<Alerts.RuleView> rules() {
        return alerts.rules(caller);
    }

    @GET
    @Path("deliveries/")
    public Response deliveries(@QueryParam("status") String status, @QueryParam("rule") String rule, @QueryParam("cursor") String cursor,
                               @QueryParam("limit") @DefaultValue("25") int limit) {
        Issues.Page<Alerts.DeliveryView> page = alerts.deliveries(status, rule, Cursors.offset(cursor), limit, caller);
        return Cursors.page(Response.ok(page.items()), uri, page);
    }
}
