package dev.groundwork.monitoring.client;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/**
 * Why a request to a configured URL (a readiness endpoint, an alert webhook) failed, in words of our own: the JDK's
 * messages can quote the host or the URI, and those URLs may carry credentials (Slack's carry a token in the path).
 */
final class HttpFailures {

    private HttpFailures() {
    }

    static String describe(Throwable failure, Duration timeout) {
        if (failure instanceof HttpConnectTimeoutException) {
            return "no connection within " + duration(timeout);
        }
        if (failure instanceof HttpTimeoutException) {
            return "no answer within " + duration(timeout);
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return "connection refused";
            }
            if (cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
                return "host not found";
            }
            if (cause instanceof SSLException) {
                return "TLS failed";
            }
        }
        return "connection failed (" + failure.getClass().getSimpleName() + ")";
    }

    /** {@code 2 s}, or {@code 500 ms} for a timeout under a whole second. */
    static String duration(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }
}
