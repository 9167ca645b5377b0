package dev.groundwork.gateway.service;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A service's answer as the response cache stores it: the HTTP/1.1 message itself ({@code application/http}, RFC 9112
 * §10.1), readable with {@code redis-cli HGET cache:gateway.e:<key> v}: the status line, the header lines, an empty
 * line, the body. {@code Age} in it is the answer's age when it was stored; {@code Content-Length} is the body's.
 * Headers that belong to one request or one client are not kept.
 *
 * @param status  the service's status
 * @param headers the service's headers, without those that belong to its one request
 * @param body    the whole body
 */
public record StoredAnswer(int status, MultiMap headers, Buffer body) {

    /** The stored entry's content type, which also tells it from the response cache's other records. */
    public static final String CONTENT_TYPE = "application/http; msgtype=response";
    /** Neither stored nor replayed: the connection's, this request's, recomputed, or never to be shared. */
    private static final List<String> NOT_KEPT = List.of("age", "content-length", "transfer-encoding", "connection", "keep-alive",
            "set-cookie", "x-request-id", "cache-tag", "cache-status");
    private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};

    /** The answer with the headers worth keeping. */
    public static StoredAnswer of(int status, MultiMap serviceHeaders, Buffer body) {
        MultiMap kept = MultiMap.caseInsensitiveMultiMap();
        serviceHeaders.forEach(header -> {
            if (!NOT_KEPT.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                kept.add(header.getKey(), header.getValue());
            }
        });
        return new StoredAnswer(status, kept, body);
    }

    /** The message, with the answer's age (seconds) when it reached the gateway. */
    public byte[] encode(long initialAgeSeconds) {
        StringBuilder head = new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ')
                .append(HttpResponseStatus.valueOf(status).reasonPhrase()).append("\r\n");
        headers.forEach(header -> head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n"));
        head.append("Age: ").append(initialAgeSeconds).append("\r\n");
        head.append("Content-Length: ").append(body.length()).append("\r\n\r\n");
        // Header values are ISO-8859-1 on the wire (Vert.x reads each byte as a char): the same bytes go back out.
        return Buffer.buffer(head.toString().getBytes(StandardCharsets.ISO_8859_1)).appendBuffer(body).getBytes();
    }

    /** The answer a stored message holds; its {@code Age} line is read into {@link #initialAge}. */
    public static StoredAnswer decode(byte[] message) {
        int end = indexOf(message, HEADERS_END);
        if (end < 0) {
            throw new IllegalArgumentException("not a stored answer: no end of headers");
        }
        String[] lines = new String(message, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].equals("HTTP/1.1")) {
            throw new IllegalArgumentException("not a stored answer: " + lines[0]);
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.add(lines[i].substring(0, colon), lines[i].substring(colon + 1).trim());
        }
        Buffer body = Buffer.buffer(message).slice(end + HEADERS_END.length, message.length);
        return new StoredAnswer(Integer.parseInt(statusLine[1]), headers, body);
    }

    /** The answer's age when it was stored (its {@code Age} line), in seconds. */
    public long initialAge() {
        String age = headers.get("Age");
        return age == null ? 0 : Long.parseLong(age);
    }

    /** The headers to send again: the stored ones without those recomputed per answer ({@code Age}, {@code Content-Length}). */
    public MultiMap replayedHeaders() {
        MultiMap replayed = MultiMap.caseInsensitiveMultiMap().addAll(headers);
        replayed.remove("Age");
        replayed.remove("Content-Length");
        return replayed;
    }

    private static int indexOf(byte[] bytes, byte[] sought) {
        outer:
        for (int i = 0; i + sought.length <= bytes.length; i++) {
            for (int j = 0; j < sought.length; j++) {
                if (bytes[i + j] != sought[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
