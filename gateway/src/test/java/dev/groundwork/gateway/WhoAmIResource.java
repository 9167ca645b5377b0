package dev.groundwork.gateway;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** A protected endpoint of the test application only: the gateway's routes get their auth rules with the gateway issue. */
@Path("/test/whoami")
@Authenticated
public class WhoAmIResource {

    @Inject
    SecurityIdentity identity;

    @GET
    public String whoami() {
        return identity.getPrincipal().getName();
    }
}
