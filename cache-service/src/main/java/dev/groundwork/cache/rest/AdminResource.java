package dev.groundwork.cache.rest;

import dev.groundwork.cache.service.EvictionPolicy;
import dev.groundwork.cache.service.NamespaceKeys;
import dev.groundwork.cache.service.NamespaceStats;
import dev.groundwork.cache.service.Namespaces;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** For operators (role {@code admin}): namespaces, their tokens and policies, their stats, Redis' eviction policy. */
@Path("/cache/v1/admin")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AdminResource {

    @Inject
    Namespaces namespaces;
    @Inject
    NamespaceKeys keys;
    @Inject
    NamespaceStats stats;
    @Inject
    EvictionPolicy eviction;

    /** A policy as the API takes it: durations in ISO-8601 ({@code PT1H}); a field left out stays as it is. */
    public record PolicyBody(Duration defaultTtl, Duration maxTtl, Long maxValueBytes, Long maxKeys, Set<String> commands,
                             Integer requestsPerSecond, Duration staleWhileRevalidate, Duration leaseTtl, Duration leaseWait,
                             String userAccess) {

        Namespaces.PolicyChange change() {
            return new Namespaces.PolicyChange(defaultTtl, maxTtl, maxValueBytes, maxKeys, commands, requestsPerSecond,
                    staleWhileRevalidate, leaseTtl, leaseWait, userAccess);
        }
    }

    public record NamespaceBody(String name, PolicyBody policy) {
    }

    public record TokenBody(String access, String label) {
    }

    public record EvictionBody(String policy) {
    }

    @GET
    @Path("namespaces")
    public List<Namespaces.NamespaceView> list() {
        return namespaces.list();
    }

    @POST
    @Path("namespaces")
    public Response create(NamespaceBody body) {
        Namespaces.NamespaceView created = namespaces.create(body == null ? null : body.name(),
                body == null || body.policy() == null ? null : body.policy().change());
        return Response.status(201).entity(created).build();
    }

    @GET
    @Path("namespaces/{ns}")
    public Namespaces.NamespaceView get(@PathParam("ns") String ns) {
        return namespaces.get(ns);
    }

    @PUT
    @Path("namespaces/{ns}/policy")
    public Namespaces.NamespaceView updatePolicy(@PathParam("ns") String ns, PolicyBody body) {
        return namespaces.updatePolicy(ns, body == null ? Namespaces.PolicyChange.NONE : body.change());
    }

    /** Removes the namespace, its tokens and its keys. */
    @DELETE
    @Path("namespaces/{ns}")
    public Response delete(@PathParam("ns") String ns) {
        namespaces.delete(ns);
        keys.deleteAll(ns);
        return Response.noContent().build();
    }

    @GET
    @Path("namespaces/{ns}/tokens")
    public List<Namespaces.TokenView> tokens(@PathParam("ns") String ns) {
        return namespaces.tokens(ns);
    }

    /** A new token; its plaintext is in this answer only. */
    @POST
    @Path("namespaces/{ns}/tokens")
    public Response createToken(@PathParam("ns") String ns, TokenBody body) {
        return Response.status(201).entity(namespaces.createToken(ns, body == null ? null : body.access(), body == null ? null : body.label())).build();
    }

    @DELETE
    @Path("namespaces/{ns}/tokens/{id}")
    public Response revokeToken(@PathParam("ns") String ns, @PathParam("id") UUID id) {
        namespaces.revokeToken(ns, id);
        return Response.noContent().build();
    }

    @GET
    @Path("namespaces/{ns}/stats")
    public Map<String, Object> stats(@PathParam("ns") String ns) {
        namespaces.get(ns);
        return stats.of(ns);
    }

    @GET
    @Path("redis/eviction")
    public EvictionPolicy.State eviction() {
        return eviction.check();
    }

    @PUT
    @Path("redis/eviction")
    public EvictionPolicy.State setEviction(EvictionBody body) {
        return eviction.set(body == null ? null : body.policy());
    }
}
