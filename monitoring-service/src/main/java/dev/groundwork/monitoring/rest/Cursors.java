package dev.groundwork.monitoring.rest;

import dev.groundwork.http.Problem;
import dev.groundwork.monitoring.service.ApiErrors;
import dev.groundwork.monitoring.service.Issues;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sentry's paging: a {@code cursor} query parameter ({@code <value>:<offset>:<is_prev>}) and a {@code Link} header with
 * {@code rel="previous"} and {@code rel="next"}, each saying {@code results="true|false"}, as sentry-cli and scripts read it.
 */
final class Cursors {

    private static final Pattern CURSOR = Pattern.compile("\\d+:(\\d{1,9}):[01]");

    private Cursors() {
    }

    static int offset(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return 0;
        }
        Matcher matcher = CURSOR.matcher(cursor);
        if (!matcher.matches()) {
            throw new Problem(400, ApiErrors.INVALID, "cursor is the value of a Link header's cursor, e.g. 0:25:0");
        }
        return Integer.parseInt(matcher.group(1));
    }

    static Response page(Response.ResponseBuilder response, UriInfo uri, Issues.Page<?> page) {
        int size = page.items().size();
        int previous = Math.max(0, page.offset() - Math.max(size, 1));
        String previousLink = link(uri, "0:" + previous + ":1", "previous", page.offset() > 0);
        String nextLink = link(uri, "0:" + (page.nextOffset() == null ? page.offset() + size : page.nextOffset()) + ":0", "next",
                page.nextOffset() != null);
        return response.header("Link", previousLink + ", " + nextLink).build();
    }

    private static String link(UriInfo uri, String cursor, String rel, boolean results) {
        return "<" + uri.getRequestUriBuilder().replaceQueryParam("cursor", cursor).build() + ">; rel=\"" + rel + "\"; results=\""
                + results + "\"; cursor=\"" + cursor + "\"";
    }
}
