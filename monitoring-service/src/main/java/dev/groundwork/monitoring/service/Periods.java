package dev.groundwork.monitoring.service;

import dev.groundwork.http.Problem;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sentry's {@code statsPeriod}: a number and a unit ({@code 90m}, {@code 24h}, {@code 14d}, {@code 2w}), at most the retention. */
final class Periods {

    private static final Pattern PERIOD = Pattern.compile("(\\d{1,4})([mhdw])");
    static final String INVALID_PERIOD = "statsPeriod is a number and a unit: m, h, d or w (e.g. 24h, 14d)";

    private Periods() {
    }

    /** The period, capped at {@code longest}; a 400 problem when it is not one. */
    static Duration parse(String value, Duration longest) {
        Matcher matcher = PERIOD.matcher(value);
        if (!matcher.matches()) {
            throw new Problem(400, ApiErrors.INVALID, INVALID_PERIOD);
        }
        long amount = Long.parseLong(matcher.group(1));
        Duration period = switch (matcher.group(2)) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofDays(7 * amount);
        };
        if (period.isZero()) {
            throw new Problem(400, ApiErrors.INVALID, INVALID_PERIOD);
        }
        return period.compareTo(longest) > 0 ? longest : period;
    }
}
