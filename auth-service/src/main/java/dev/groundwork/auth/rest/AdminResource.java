package dev.groundwork.auth.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.groundwork.auth.service.AdminService;
import dev.groundwork.auth.service.AuthJson;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

/** {@code /auth/v1/admin/users} as GoTrue has it (auth-js {@code auth.admin.*}), for service-role tokens. */
@BodyReadFirst
@Path("/auth/v1/admin/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class AdminResource {

    @Inject
    AdminService admin;
    @Inject
    ObjectMapper json;

    @GET
    public Response list(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                         @QueryParam("page") @DefaultValue("1") int page, @QueryParam("per_page") @DefaultValue("50") int perPage) {
        admin.requireAdmin(authorization);
        AdminService.UserPage found = admin.list(page, perPage);
        List<Map<String, Object>> users = found.users().stream().map(AuthJson::user).toList();
        return Response.ok(Map.of("users", users, "aud", "authenticated")).header("X-Total-Count", found.total()).build();
    }

    @GET
    @Path("{id}")
    public Map<String, Object> get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
        admin.requireAdmin(authorization);
        return AuthJson.user(admin.get(id));
    }

    @POST
    public Map<String, Object> create(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
        String by = admin.requireAdmin(authorization);
        return AuthJson.user(admin.create(by, JsonBody.parse(json, body)));
    }

    @PUT
    @Path("{id}")
    public Map<String, Object> update(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id, byte[] body) {
        String by = admin.requireAdmin(authorization);
        return AuthJson.user(admin.update(by, id, JsonBody.parse(json, body)));
    }

    @DELETE
    @Path("{id}")
    public Map<String, Object> delete(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
        String by = admin.requireAdmin(authorization);
        admin.delete(by, id);
        return Map.of();
    }
}
