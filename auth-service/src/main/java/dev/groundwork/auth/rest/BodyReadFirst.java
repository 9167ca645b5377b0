package dev.groundwork.auth.rest;

import jakarta.ws.rs.NameBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Resources that take request bodies carry this, so that {@link RequestBodies} reads their bodies on the event loop
 * before the method runs. A name binding, not a global filter: Quarkus REST accepts a global non-blocking filter only
 * ahead of every blocking one, and libs/events' pre-matching {@code RequestTraceFilter} is blocking.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface BodyReadFirst {
}
