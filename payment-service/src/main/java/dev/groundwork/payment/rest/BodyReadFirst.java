package dev.groundwork.payment.rest;

import jakarta.ws.rs.NameBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Every resource that takes a request body carries this: {@link RequestBodies} then reads the body on the event loop
 * before the method runs, and {@link WebhookGate} refuses an unsigned webhook first. A name binding rather than a
 * global filter because Quarkus REST accepts global non-blocking filters only before every blocking one, and
 * libs/events' pre-matching {@code RequestTraceFilter} is one.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface BodyReadFirst {
}
