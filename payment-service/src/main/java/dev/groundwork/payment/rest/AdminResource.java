package dev.groundwork.payment.rest;

import com.stripe.exception.StripeException;
import dev.groundwork.payment.service.InboxAdmin;
import dev.groundwork.payment.service.Reconciliation;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** For operators (role {@code admin}): the inbox's state, replay of a row, a reconciliation run now. */
@Path("/admin/payments")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    @Inject
    InboxAdmin inbox;
    @Inject
    Reconciliation reconciliation;

    @GET
    @Path("inbox")
    public InboxAdmin.InboxStatus inbox() {
        return inbox.status();
    }

    /** Processes the row again now, whatever its state (objects are re-fetched, so a replay never goes back in time). */
    @POST
    @Path("inbox/{id}/replay")
    public InboxAdmin.Replayed replay(@PathParam("id") String id) {
        return inbox.replay(id);
    }

    @POST
    @Path("reconciliation")
    public Reconciliation.Outcome reconcile() throws StripeException {
        return reconciliation.run();
    }
}
