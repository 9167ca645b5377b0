package dev.groundwork.monitoring.service.grouping;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Replaces the values in a message that change from one occurrence to the next (ids, addresses, times, numbers) with
 * placeholders, so that "user 42 not found" and "user 7 not found" are one issue.
 *
 * <p>The replacements run in order, most specific first: a UUID, an e-mail address, a date or an IP address contains
 * digits that the number rule would otherwise take apart. No pattern repeats a group without bound, so a long text
 * cannot overflow the regex engine's stack.
 */
public final class Parameterizer {

    private static final String HEX = "[0-9a-fA-F]";

    private record Replacement(Pattern pattern, String placeholder) {
    }

    private static final List<Replacement> REPLACEMENTS = List.of(
            new Replacement(Pattern.compile("\\b" + HEX + "{8}-" + HEX + "{4}-" + HEX + "{4}-" + HEX + "{4}-" + HEX + "{12}\\b"),
                    "<uuid>"),
            // The lookbehind starts the local part at a token's beginning only: scanning from every character of a
            // long token without an @ would be quadratic.
            new Replacement(Pattern.compile("(?<![\\w.+%-])[\\w.+%-]+@[A-Za-z0-9-]+\\.[A-Za-z0-9.-]*[A-Za-z0-9]"),
                    "<email>"),
            new Replacement(Pattern.compile(
                    // ISO 8601 date, optionally with time, fraction and zone
                    "\\b\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?"
                            // RFC 1123, as in HTTP headers and many logs
                            + "|\\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
                            + " \\d{4} \\d{2}:\\d{2}:\\d{2}(?: (?:GMT|UTC|[+-]\\d{4}))?"),
                    "<date>"),
            // IPv6, full or compressed ("2001:db8::1", "::1"); the boundaries keep "std::vector" and "Foo::bar" intact,
            // and a time such as 12:30:45 has neither eight groups nor "::".
            new Replacement(Pattern.compile("(?<![\\w:.])(?:(?:" + HEX + "{1,4}:){7}" + HEX + "{1,4}"
                    + "|(?=[0-9a-fA-F:]*" + HEX + ")(?:" + HEX + "{1,4}:){0,6}(?:" + HEX + "{1,4})?::(?:" + HEX + "{1,4}:){0,6}(?:"
                    + HEX + "{1,4})?)(?![\\w:]|\\.\\d)"),
                    "<ip>"),
            new Replacement(Pattern.compile("(?<![\\w.])(?:\\d{1,3}\\.){3}\\d{1,3}(?!\\w|\\.\\d)"), "<ip>"),
            // A 0x literal of any length (an address or a handle), or a bare run of at least 8 hex characters with
            // both a digit and a letter, so that neither "deadline" nor a long decimal id reads as hex.
            new Replacement(Pattern.compile("(?<!\\w)0[xX]" + HEX + "+(?!\\w)"
                    + "|\\b(?=" + HEX + "*[a-fA-F])(?=" + HEX + "*\\d)" + HEX + "{8,}\\b"),
                    "<hex>"),
            // Numbers glued to a letter before them are part of a name ("user42", "v2"); a unit after them is not
            // ("42ms" becomes "<int>ms").
            new Replacement(Pattern.compile("(?<![\\w.])\\d+\\.\\d+"), "<float>"),
            new Replacement(Pattern.compile("(?<![\\w.])\\d+"), "<int>"));

    private Parameterizer() {
    }

    /** The text with its variable values replaced by {@code <uuid>}, {@code <email>}, {@code <date>}, {@code <ip>},
     * {@code <hex>}, {@code <float>} and {@code <int>}; null stays null. */
    public static String parameterize(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (Replacement replacement : REPLACEMENTS) {
            result = replacement.pattern().matcher(result).replaceAll(replacement.placeholder());
        }
        return result;
    }
}
