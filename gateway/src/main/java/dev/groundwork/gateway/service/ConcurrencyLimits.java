package dev.groundwork.gateway.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests in flight per route, for routes with a {@code max-in-flight} (per gateway replica): a bulkhead, so that
 * one route's clients, slow or many, cannot hold more of its service's requests open than that (the public Stripe
 * webhook route is the one that needs it). A request holds its place until its answer has been sent or its client
 * has gone.
 */
@ApplicationScoped
public class ConcurrencyLimits {

    /** When a place may free up: requests on a limited route are short, or cut off by the body's pace. */
    private static final long RETRY_AFTER_SECONDS = 1;

    @Inject
    RouteTable routes;
    @Inject
    MeterRegistry meters;

    private final Map<String, AtomicInteger> inFlight = new HashMap<>();
    private final Map<String, Counter> refused = new HashMap<>();

    @PostConstruct
    void register() {
        for (RouteTable.Route route : routes.all()) {
            if (route.maxInFlight() > 0) {
                AtomicInteger count = new AtomicInteger();
                inFlight.put(route.id(), count);
                Gauge.builder("gateway.in.flight.requests", count, AtomicInteger::get).tag("route", route.id())
                        .description("Requests in flight on a route with a max-in-flight").register(meters);
                refused.put(route.id(), Counter.builder("gateway.concurrency.limited").tag("route", route.id())
                        .description("Requests refused because their route had max-in-flight requests already").register(meters));
            }
        }
    }

    /** A place for one more request on the route, or the refusal (503, Retry-After) when it is full; {@link #leave} gives it back. */
    public Optional<Refusal> enter(RouteTable.Route route) {
        AtomicInteger count = inFlight.get(route.id());
        if (count == null) {
            return Optional.empty();
        }
        if (count.incrementAndGet() > route.maxInFlight()) {
            count.decrementAndGet();
            refused.get(route.id()).increment();
            return Optional.of(Refusal.retryLater("Service unavailable",
                    "this route has " + route.maxInFlight() + " requests in flight already", RETRY_AFTER_SECONDS));
        }
        return Optional.empty();
    }

    /** The place taken by {@link #enter} given back. */
    public void leave(RouteTable.Route route) {
        AtomicInteger count = inFlight.get(route.id());
        if (count != null) {
            count.decrementAndGet();
        }
    }
}
