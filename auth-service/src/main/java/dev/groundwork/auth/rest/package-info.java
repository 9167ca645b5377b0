/**
 * HTTP only: resources that map a request to one service call and its result back to JSON, status and headers;
 * the exception mappers that write {@code error/}'s errors in their protocol's format; request-body and client
 * address parsing. Logic, queries and transactions belong in {@code service/}, which never imports this package.
 */
package dev.groundwork.auth.rest;
