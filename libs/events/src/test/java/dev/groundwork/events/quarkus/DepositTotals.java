package dev.groundwork.events.quarkus;

import dev.groundwork.events.Event;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** The consumer side: adds deposits up with Panache, inside the transaction the library opened. */
@ApplicationScoped
public class DepositTotals implements EventSubscription {

    private final AtomicBoolean rejectNegative = new AtomicBoolean(true);
    private final AtomicReference<String> lastOwnerEmail = new AtomicReference<>();

    /** Negative deposits fail while this is set, to test dead letters and replay. */
    public void rejectNegative(boolean reject) {
        rejectNegative.set(reject);
    }

    /** The owner's e-mail address of the last deposit handled, as the handler got it. */
    public String lastOwnerEmail() {
        return lastOwnerEmail.get();
    }

    @Override
    public String stream() {
        return "events:ledger";
    }

    @Override
    public Set<String> types() {
        return Set.of(LedgerResource.DEPOSIT_MADE);
    }

    @Override
    public void handle(Event event, EffectScope scope) {
        LedgerResource.DepositMade deposit = event.data(LedgerResource.DepositMade.class);
        if (deposit.amount() < 0 && rejectNegative.get()) {
            throw new IllegalArgumentException("negative deposit " + deposit.amount() + " on " + deposit.account()
                    + (deposit.ownerEmail() == null ? "" : " of " + deposit.ownerEmail()));
        }
        DepositTotal total = DepositTotal.findById(deposit.account());
        if (total == null) {
            total = new DepositTotal();
            total.accountId = deposit.account();
            total.persist();
        }
        total.total += deposit.amount();
        total.lastRequestId = event.requestId();
        lastOwnerEmail.set(deposit.ownerEmail());
    }
}
