package dev.groundwork.monitoring.rest;

import dev.groundwork.monitoring.repository.IssueReads.EventRow;
import dev.groundwork.monitoring.service.Issues;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.Map;

/**
 * Issues and their events, shaped after Sentry's web API ({@code /api/0/projects/{org}/{project}/issues/},
 * {@code /api/0/issues/{id}/}, {@code …/events/}, {@code …/events/latest/}) under {@code /monitoring/api/0}. A token
 * with the admin role or the scope {@code monitoring:<project>}.
 */
@Path("/monitoring/api/0")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class IssuesResource {

    @Inject
    Issues issues;
    @Inject
    SecurityIdentity caller;
    @Context
    UriInfo uri;

    /** Sentry's status update body: {@code {"status": "resolved", "statusDetails": {"inNextRelease": true}}}. */
    public record StatusUpdate(String status, StatusDetails statusDetails) {
    }

    public record StatusDetails(Boolean inNextRelease, String inRelease) {
    }

    @GET
    @Path("projects/{org}/{project}/issues/")
    public Response list(@PathParam("org") String org, @PathParam("project") String project, @QueryParam("query") String query,
                         @QueryParam("statsPeriod") String statsPeriod, @QueryParam("groupStatsPeriod") String groupStatsPeriod,
                         @QueryParam("environment") String environment, @QueryParam("sort") String sort,
                         @QueryParam("cursor") String cursor, @QueryParam("limit") @DefaultValue("25") int limit) {
        Issues.Page<Issues.IssueView> page = issues.list(org, project, query, statsPeriod, groupStatsPeriod, environment, sort,
                Cursors.offset(cursor), limit, caller);
        return Cursors.page(Response.ok(page.items().stream().map(SentryShapes::issue).toList()), uri, page);
    }

    @GET
    @Path("issues/{id: [0-9]{1,18}}/")
    public Map<String, Object> issue(@PathParam("id") long id) {
        return SentryShapes.issue(issues.get(id, caller));
    }

    @PUT
    @Path("issues/{id: [0-9]{1,18}}/")
    public Map<String, Object> update(@PathParam("id") long id, StatusUpdate update) {
        StatusDetails details = update == null || update.statusDetails() == null ? new StatusDetails(null, null) : update.statusDetails();
        return SentryShapes.issue(issues.update(id, update == null ? null : update.status(), details.inNextRelease(), details.inRelease(),
                caller));
    }

    @GET
    @Path("issues/{id: [0-9]{1,18}}/events/")
    public Response events(@PathParam("id") long id, @QueryParam("cursor") String cursor, @QueryParam("limit") @DefaultValue("25") int limit) {
        Issues.Page<EventRow> page = issues.events(id, Cursors.offset(cursor), limit, caller);
        return Cursors.page(Response.ok(page.items().stream().map(SentryShapes::eventSummary).toList()), uri, page);
    }

    /** One event with its stack trace: {@code latest}, or an event id. */
    @GET
    @Path("issues/{id: [0-9]{1,18}}/events/{event}/")
    public Object event(@PathParam("id") long id, @PathParam("event") String event) {
        return SentryShapes.event(issues.event(id, event, caller));
    }
}
