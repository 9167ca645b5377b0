/** Outbound calls, each with its timeout, retry and circuit breaker visible where it is made. */
package dev.groundwork.payment.client;
