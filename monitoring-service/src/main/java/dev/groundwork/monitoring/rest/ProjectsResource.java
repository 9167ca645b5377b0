package dev.groundwork.monitoring.rest;

import dev.groundwork.monitoring.repository.ProjectRepository.KeyRow;
import dev.groundwork.monitoring.repository.ProjectRepository.ProjectRow;
import dev.groundwork.monitoring.service.ProjectAccess;
import dev.groundwork.monitoring.service.Projects;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Projects and their DSN keys, shaped after Sentry's web API ({@code /api/0/organizations/{org}/projects/},
 * {@code /api/0/projects/{org}/{project}/keys/}): listing for a project's readers, creating, rotating and revoking for
 * admins. Creating a project is {@code POST …/organizations/{org}/projects/} here (Sentry's goes through a team).
 */
@Path("/monitoring/api/0")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class ProjectsResource {

    @Inject
    Projects projects;
    @Inject
    ProjectAccess access;
    @Inject
    SecurityIdentity caller;

    public record NewProject(String slug, String name) {
    }

    public record NewKey(String name) {
    }

    /** How long the rotated key keeps working, in seconds (default an hour: time to roll the new DSN out). */
    public record Rotation(Long graceSeconds) {
    }

    private static final long DEFAULT_GRACE_SECONDS = 3600;

    /** Sentry's organization list; there is one organization (monitoring.organization). The dashboard starts here. */
    @GET
    @Path("organizations/")
    public List<Map<String, Object>> organizations() {
        return List.of(SentryShapes.organization(access.organizationSlug()));
    }

    @GET
    @Path("organizations/{org}/projects/")
    public List<Map<String, Object>> list(@PathParam("org") String org) {
        access.organization(org);
        return projects.list().stream().filter(project -> access.mayRead(project, caller)).map(SentryShapes::project).toList();
    }

    @POST
    @Path("organizations/{org}/projects/")
    public Response create(@PathParam("org") String org, NewProject body) {
        access.admin(org, caller);
        ProjectRow project = projects.create(body == null ? null : body.slug(), body == null ? null : body.name());
        return Response.status(201).entity(SentryShapes.project(project)).build();
    }

    @GET
    @Path("projects/{org}/{project}/")
    public Map<String, Object> project(@PathParam("org") String org, @PathParam("project") String slug) {
        return SentryShapes.project(access.readable(org, slug, caller));
    }

    @GET
    @Path("projects/{org}/{project}/keys/")
    public List<Map<String, Object>> keys(@PathParam("org") String org, @PathParam("project") String slug) {
        ProjectRow project = access.readable(org, slug, caller);
        Instant now = Instant.now();
        return projects.keys(project).stream().map(key -> key(project, key, now)).toList();
    }

    @POST
    @Path("projects/{org}/{project}/keys/")
    public Response createKey(@PathParam("org") String org, @PathParam("project") String slug, NewKey body) {
        ProjectRow project = adminOf(org, slug);
        KeyRow key = projects.createKey(project, body == null ? null : body.name());
        return Response.status(201).entity(key(project, key, Instant.now())).build();
    }

    /** Ours: a new key with the old one's name; the old one works for the grace period, then stops. */
    @POST
    @Path("projects/{org}/{project}/keys/{key}/rotate/")
    public Response rotate(@PathParam("org") String org, @PathParam("project") String slug, @PathParam("key") String publicKey,
                           Rotation body) {
        ProjectRow project = adminOf(org, slug);
        long grace = body == null || body.graceSeconds() == null ? DEFAULT_GRACE_SECONDS : body.graceSeconds();
        KeyRow key = projects.rotate(project, publicKey, Duration.ofSeconds(grace));
        return Response.status(201).entity(key(project, key, Instant.now())).build();
    }

    /** Sentry's key deletion: here the key is revoked (kept, inactive, so that the listing shows it ended). */
    @DELETE
    @Path("projects/{org}/{project}/keys/{key}/")
    public Response revoke(@PathParam("org") String org, @PathParam("project") String slug, @PathParam("key") String publicKey) {
        projects.revoke(adminOf(org, slug), publicKey);
        return Response.noContent().build();
    }

    private ProjectRow adminOf(String org, String slug) {
        access.admin(org, caller);
        return projects.get(slug);
    }

    private Map<String, Object> key(ProjectRow project, KeyRow key, Instant now) {
        return SentryShapes.key(key, projects.dsn(project, key.publicKey()), now);
    }
}
