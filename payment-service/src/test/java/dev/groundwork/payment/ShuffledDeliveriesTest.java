package dev.groundwork.payment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.groundwork.payment.stripe.StripeObjects;
import dev.groundwork.payment.stripe.StripeStub;
import dev.groundwork.payment.stripe.Webhooks;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.awaitility.Awaitility.await;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Stripe guarantees neither order nor single delivery. 500 deliveries of the events of 20 subscriptions, every
 * event sent 1 to 3 times, shuffled, 8 at a time: each subscription ends as Stripe's API shows it now (not as
 * the last payload said), and each event is processed exactly once.
 */
@QuarkusTest
class ShuffledDeliveriesTest {

    private static final List<String> STATUSES = List.of("incomplete", "trialing", "active", "past_due", "canceled");
    private static final List<String> TYPES = List.of("customer.subscription.created", "customer.subscription.updated",
            "customer.subscription.updated", "customer.subscription.trial_will_end", "customer.subscription.deleted");

    @Inject
    AgroalDataSource dataSource;

    @Test
    void anyOrderAndAnyRepetitionEndsInStripesCurrentStateWithEachEventProcessedOnce() throws Exception {
        Random random = new Random(42);
        String run = UUID.randomUUID().toString().substring(0, 8);
        long now = System.currentTimeMillis() / 1000;
        Map<String, ObjectNode> current = new HashMap<>();
        Map<String, Integer> eventsPerSubscription = new HashMap<>();
        List<String> deliveries = new ArrayList<>();
        List<String> eventIds = new ArrayList<>();
        int event = 0;
        while (deliveries.size() < 500) {
            String subscription = "sub_shuffle_" + run + "_" + (event % 20);
            String customer = "cus_shuffle_" + run + "_" + (event % 20);
            // What the event carried: some state the subscription was in at one time.
            ObjectNode then = StripeObjects.subscription(subscription, customer, STATUSES.get(random.nextInt(STATUSES.size())),
                    random.nextBoolean() ? StripeObjects.PRO_PRICE : StripeObjects.TEAM_PRICE, now + random.nextInt(100_000), random.nextBoolean());
            String id = "evt_shuffle_" + run + "_" + event;
            String payload = StripeObjects.json(StripeObjects.event(id, TYPES.get(random.nextInt(TYPES.size())), then, now - 1000 + event));
            int copies = Math.min(1 + random.nextInt(3), 500 - deliveries.size());
            for (int i = 0; i < copies; i++) {
                deliveries.add(payload);
            }
            eventIds.add(id);
            eventsPerSubscription.merge(subscription, 1, Integer::sum);
            event++;
        }
        // What Stripe's API says now, whatever the events said.
        for (int s = 0; s < 20; s++) {
            String subscription = "sub_shuffle_" + run + "_" + s;
            ObjectNode now1 = StripeObjects.subscription(subscription, "cus_shuffle_" + run + "_" + s,
                    STATUSES.get(random.nextInt(STATUSES.size())), random.nextBoolean() ? StripeObjects.PRO_PRICE : StripeObjects.TEAM_PRICE,
                    now + 86_400 + s, random.nextBoolean());
            ((ObjectNode) now1.get("metadata")).put("user_id", UUID.randomUUID().toString());
            current.put(subscription, now1);
            StripeStub.server().stubFor(get("/v1/subscriptions/" + subscription).willReturn(okJson(StripeObjects.json(now1))));
        }
        Collections.shuffle(deliveries, random);

        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (String payload : deliveries) {
                sent.add(senders.submit(() -> Webhooks.deliver(payload).statusCode()));
            }
            for (Future<Integer> status : sent) {
                assertEquals(200, status.get());
            }
        } finally {
            senders.shutdown();
        }

        String ours = "id LIKE 'evt_shuffle_" + run + "_%'";
        await("every event processed").atMost(Duration.ofSeconds(20)).until(() -> Db.count(dataSource,
                "SELECT count(*) FROM billing.stripe_event WHERE " + ours + " AND state = 'processed'") == eventIds.size());
        assertEquals(eventIds.size(), Db.count(dataSource, "SELECT count(*) FROM billing.stripe_event WHERE " + ours), "one row per event");
        assertEquals(eventIds.size(), Db.count(dataSource, "SELECT count(*) FROM billing.stripe_event WHERE " + ours + " AND attempts = 1"),
                "each processed once");

        for (Map.Entry<String, ObjectNode> entry : current.entrySet()) {
            ObjectNode expected = entry.getValue();
            String row = Db.one(dataSource, "SELECT status || '|' || price_id || '|' || coalesce(plan, '-') || '|' || cancel_at_period_end"
                    + " || '|' || extract(epoch from current_period_end)::bigint || '|' || user_id FROM billing.subscription WHERE id = '"
                    + entry.getKey() + "'");
            String price = expected.get("items").get("data").get(0).get("price").get("id").asText();
            assertEquals(expected.get("status").asText() + "|" + price + "|" + (price.equals(StripeObjects.PRO_PRICE) ? "pro" : "team")
                    + "|" + expected.get("cancel_at_period_end").asBoolean() + "|"
                    + expected.get("items").get("data").get(0).get("current_period_end").asLong() + "|"
                    + expected.get("metadata").get("user_id").asText(), row, entry.getKey());
            // One fetch per distinct event of the subscription: duplicates were not processed again.
            StripeStub.server().verify(eventsPerSubscription.get(entry.getKey()), getRequestedFor(urlEqualTo("/v1/subscriptions/" + entry.getKey())));
        }
    }
}
