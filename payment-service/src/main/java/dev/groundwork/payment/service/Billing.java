package dev.groundwork.payment.service;

import dev.groundwork.http.Problem;
import dev.groundwork.payment.repository.StoredInvoice;
import dev.groundwork.payment.repository.StoredSubscription;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** What a user sees of their billing: the current subscription with its entitlements, and their invoices. */
@ApplicationScoped
public class Billing {

    public record SubscriptionView(String plan, String status, OffsetDateTime currentPeriodEnd, boolean cancelAtPeriodEnd,
                                   List<String> entitlements) {
    }

    public record InvoiceView(String id, String number, String status, long amountDue, long amountPaid, String currency,
                              String hostedInvoiceUrl, OffsetDateTime created) {
    }

    public record InvoicePage(List<InvoiceView> data, boolean hasMore, String nextCursor) {
    }

    @Inject
    Plans plans;

    /** A live subscription wins over ended ones; entitlements only while live; {@code status: none} without any. */
    public SubscriptionView subscription(UUID user) {
        Optional<StoredSubscription> current = StoredSubscription.currentOf(user);
        if (current.isEmpty()) {
            return new SubscriptionView(null, "none", null, false, List.of());
        }
        StoredSubscription subscription = current.get();
        boolean live = StoredSubscription.LIVE.contains(subscription.status);
        return new SubscriptionView(subscription.plan, subscription.status, subscription.currentPeriodEnd,
                subscription.cancelAtPeriodEnd, live ? plans.entitlements(subscription.plan) : List.of());
    }

    /** Newest first; {@code cursor} is the {@code nextCursor} of the page before (an invoice of this user). */
    public InvoicePage invoices(UUID user, int limit, String cursor) {
        if (limit < 1 || limit > 100) {
            throw new Problem(400, BillingErrors.BAD_LIMIT, "limit must be between 1 and 100");
        }
        StoredInvoice after = cursor == null ? null : StoredInvoice.ofUser(cursor, user)
                .orElseThrow(() -> new Problem(400, BillingErrors.BAD_CURSOR, "cursor is not an invoice of this user"));
        // One row more than the page tells whether there is a next one.
        List<StoredInvoice> page = StoredInvoice.pageOf(user, after, limit + 1);
        boolean hasMore = page.size() > limit;
        List<StoredInvoice> shown = hasMore ? page.subList(0, limit) : page;
        return new InvoicePage(shown.stream().map(i -> new InvoiceView(i.id, i.number, i.status, i.amountDue, i.amountPaid,
                i.currency, i.hostedInvoiceUrl, i.created)).toList(), hasMore, hasMore ? shown.get(shown.size() - 1).id : null);
    }
}
