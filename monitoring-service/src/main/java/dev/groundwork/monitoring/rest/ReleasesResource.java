package dev.groundwork.monitoring.rest;

import dev.groundwork.monitoring.service.ReleaseHealth;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

/**
 * Release health of a project's releases, per environment, with Sentry's {@code healthData} fields, under
 * {@code /monitoring/api/0}. A token with the admin role or the scope {@code monitoring:<project>}.
 */
@Path("/monitoring/api/0")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class ReleasesResource {

    @Inject
    ReleaseHealth health;
    @Inject
    SecurityIdentity caller;

    @GET
    @Path("projects/{org}/{project}/releases/health/")
    public List<Map<String, Object>> health(@PathParam("org") String org, @PathParam("project") String project,
                                            @QueryParam("statsPeriod") String statsPeriod, @QueryParam("environment") String environment) {
        return health.list(org, project, statsPeriod, environment, caller).stream().map(SentryShapes::releaseHealth).toList();
    }
}
