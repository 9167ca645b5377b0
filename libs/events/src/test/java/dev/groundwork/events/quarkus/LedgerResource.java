package dev.groundwork.events.quarkus;

import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

/** The producer side of the test service: a deposit changes the balance and publishes an event, in one transaction. */
@Path("/ledger/{account}/deposits")
public class LedgerResource {

    static final String DEPOSIT_MADE = "dev.groundwork.ledger.deposit.made.v1";

    /** {@code ownerEmail}: personal data, as identity events carry, to test that the dead-letter listing masks it. */
    public record DepositMade(String account, long amount, String ownerEmail) {
    }

    @Inject
    Events events;

    @POST
    @Transactional
    public String deposit(@PathParam("account") String accountId, @QueryParam("amount") long amount,
                          @QueryParam("failAfterPublish") boolean failAfterPublish, @QueryParam("email") String email) {
        Account account = Account.findById(accountId);
        if (account == null) {
            account = new Account();
            account.id = accountId;
            account.persist();
        }
        account.balance += amount;
        String eventId = events.publish(DEPOSIT_MADE, accountId, new DepositMade(accountId, amount, email));
        if (failAfterPublish) {
            throw new IllegalStateException("the deposit fails after its event was written");
        }
        return eventId;
    }
}
