package dev.groundwork.monitoring.rest;

import dev.groundwork.monitoring.repository.FleetRepository.TransitionRow;
import dev.groundwork.monitoring.service.FleetHealth;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fleet health (docs/monitoring-service.md, "Fleet health"): each polled service's status, since when, its last check
 * and uptime over 24 hours and 7 days, and the latest transitions, newest first. The admin role only.
 */
@Path("/monitoring/api/0")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class FleetResource {

    @Inject
    FleetHealth fleet;
    @Inject
    SecurityIdentity caller;

    @GET
    @Path("fleet/")
    public Map<String, Object> fleet() {
        FleetHealth.FleetView view = fleet.view(caller);
        return Map.of("services", view.services().stream().map(FleetResource::service).toList(),
                "transitions", view.transitions().stream().map(FleetResource::transition).toList());
    }

    private static Map<String, Object> service(FleetHealth.ServiceView service) {
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("name", service.name());
        shape.put("status", service.status());
        shape.put("since", iso(service.since()));
        shape.put("lastCheckedAt", iso(service.lastCheckedAt()));
        shape.put("detail", service.detail());
        Map<String, Object> uptime = new LinkedHashMap<>();
        uptime.put("24h", service.uptimeDay());
        uptime.put("7d", service.uptimeWeek());
        shape.put("uptime", uptime);
        return shape;
    }

    private static Map<String, Object> transition(TransitionRow transition) {
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("service", transition.service());
        shape.put("from", transition.from());
        shape.put("to", transition.to());
        shape.put("at", iso(transition.at()));
        shape.put("detail", transition.detail());
        return shape;
    }

    private static String iso(Instant at) {
        return at == null ? null : at.toString();
    }
}
