package dev.groundwork.e2e;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PromQlNamesTest {

    @Test
    void aHistogramQuantileReadsItsBuckets() {
        assertEquals(Set.of("http_server_requests_seconds_bucket"), PromQlNames.of(
                "histogram_quantile(0.99, sum by (namespace, service, le) (rate(http_server_requests_seconds_bucket{service=~\"$service\"}[$__rate_interval]))) > 1"));
    }

    @Test
    void aRatioOfTwoCountersNamesBoth() {
        assertEquals(Set.of("gateway_requests_total", "http_server_requests_seconds_count"), PromQlNames.of("""
                sum by (service) (rate(http_server_requests_seconds_count{status=~"5.."}[5m]))
                  / sum(rate(http_server_requests_seconds_count[5m])) by (service) > 0.05
                or
                sum without (pod) (rate(gateway_requests_total{status="5xx", route!="a{b}"}[5m])) / on (service) group_left (x) gateway_requests_total
                """));
    }

    @Test
    void keywordsNumbersDurationsAndFunctionsAreNotNames() {
        assertEquals(Set.of("groundwork_events_outbox_backlog", "up"), PromQlNames.of(
                "min_over_time(groundwork_events_outbox_backlog[10m]) > 0 and deriv(groundwork_events_outbox_backlog[10m] offset 5m) > 1e3 unless up == bool 0"));
        assertEquals(Set.of("jvm_info_total"), PromQlNames.of("max (jvm_info_total)"));
    }
}
