package io.github.prefine.core.hub;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an HTTP date in the three forms RFC 9110 (section 5.6.7) requires a recipient to accept:
 * the preferred IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}) and the obsolete RFC 850
 * ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and asctime ({@code Sun Nov  6 08:49:37 1994}) forms.
 * All three are in UTC. Names are matched case-sensitively, as the grammar spells them.
 */
final class HttpDate {
    private static final List<String> MONTHS =
            List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");
    private static final String MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
    private static final String TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
    private static final Pattern RFC_850 = Pattern.compile(
            "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-" + MONTH + "-(\\d{2}) " + TIME + " GMT");
    private static final Pattern ASCTIME = Pattern.compile(
            "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) " + MONTH + " (\\d{2}| \\d) " + TIME + " (\\d{4})");

    private HttpDate() {}

    /**
     * Parses an HTTP date.
     *
     * @param text the header value, without surrounding spaces
     * @param now the present, against which an RFC 850 date's two-digit year is placed
     * @return the instant, or empty when the text is in none of the three forms or names no real date
     */
    static Optional<Instant> parse(String text, Instant now) {
        try {
            return Optional.of(ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            // one of the obsolete forms, or none
        }
        try {
            Matcher m = RFC_850.matcher(text);
            if (m.matches()) {
                LocalDateTime at = at(Integer.parseInt(m.group(3)), m.group(2), m.group(1), m, 3);
                // RFC 9110: a two-digit year that appears more than 50 years ahead is the latest past year
                // with those digits
                int century = now.atOffset(ZoneOffset.UTC).getYear() / 100 * 100;
                Instant guess = at.plusYears(century).toInstant(ZoneOffset.UTC);
                if (guess.isAfter(now.atOffset(ZoneOffset.UTC).plusYears(50).toInstant())) {
                    guess = at.plusYears(century - 100L).toInstant(ZoneOffset.UTC);
                }
                return Optional.of(guess);
            }
            m = ASCTIME.matcher(text);
            if (m.matches()) {
                return Optional.of(at(Integer.parseInt(m.group(6)), m.group(1), m.group(2).strip(), m, 2)
                        .toInstant(ZoneOffset.UTC));
            }
        } catch (DateTimeException e) {
            // a day or time that does not exist (31 Feb, 25:00:00)
        }
        return Optional.empty();
    }

    /** The date and time of the matched groups; the time's three groups follow group {@code timeAfter}. */
    private static LocalDateTime at(int year, String month, String day, Matcher m, int timeAfter) {
        return LocalDateTime.of(year, Month.of(MONTHS.indexOf(month) + 1), Integer.parseInt(day),
                Integer.parseInt(m.group(timeAfter + 1)), Integer.parseInt(m.group(timeAfter + 2)),
                Integer.parseInt(m.group(timeAfter + 3)));
    }
}
