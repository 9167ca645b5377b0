package dev.groundwork.monitoring.service.alerts;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What an alert says, stored with its delivery and sent as the payload's machine-readable part ({@code "groundwork"}).
 * Issue alerts name the issue and its title (as Sentry's alerts do), never an event's content; service alerts name the
 * service and its readiness.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlertFacts(String rule, String trigger, String project, Long projectId, Long issueId, String title, String level,
                        String environment, String release, Long count, Integer windowMinutes, String service, String status,
                        String previous, String detail, String at) {

    static AlertFacts issue(String rule, String trigger, String project, long projectId, long issueId, String title, String level,
                            String environment, String release, long count, Integer windowMinutes, String at) {
        return new AlertFacts(rule, trigger, project, projectId, issueId, title, level, environment, release, count, windowMinutes,
                null, null, null, null, at);
    }

    static AlertFacts service(String rule, String service, String status, String previous, String detail, String at) {
        return new AlertFacts(rule, AlertRules.SERVICE_DOWN, null, null, null, null, null, null, null, null, null, service, status,
                previous, detail, at);
    }
}
