/**
 * The service's logic and its transactions, independent of HTTP: it throws {@code error/}'s errors and returns
 * values; {@code rest/} turns both into responses.
 */
package dev.groundwork.auth.service;
