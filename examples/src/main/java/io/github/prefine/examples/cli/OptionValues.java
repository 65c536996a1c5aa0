package io.github.prefine.examples.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Stack;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * How every command reads the words and lists of its options, in one place, so that two options of
 * the same kind never read the same text differently:
 * <ul>
 *   <li>a keyword ({@code auto}, {@code FULL}, {@code iob2}, {@code both}, an enum constant...) is
 *       matched whatever its case, blanks around it ignored ({@link #is}, and {@link #constant}
 *       for every enum-typed option through {@link PrefineCli#withValueRules});
 *   <li>a comma-separated list ({@code --lr}, {@code --groups}, {@code --targets}...) has no empty
 *       element, no element twice (numbers by value: {@code 1e-4} and {@code 0.0001} are one), and
 *       blanks around an element are ignored ({@link ListValue}, the preprocessor of every list option);
 *   <li>a decimal number is ASCII digits with an optional sign, point and exponent, as a whole
 *       number is ASCII digits with an optional sign ({@link #decimal}).
 * </ul>
 * Names (of tasks, files, models) are read as written. Stateless.
 */
public final class OptionValues {
    // NaN and Infinity are read so that each option's range check names what it expects of them
    private static final String DECIMAL = "[+-]?(([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?|NaN|Infinity)";

    private OptionValues() {}

    /**
     * Tells whether an option's value is a keyword: the same letters in any case, blanks around
     * ignored. Only ASCII letters fold, so that no other script's letter passes for one (Java's
     * {@code equalsIgnoreCase} takes {@code ſ} for {@code s}).
     *
     * @param value the value as given (may be null)
     * @param keyword the keyword, for example {@code auto}
     * @return true when they match
     */
    public static boolean is(String value, String keyword) {
        if (value == null) {
            return false;
        }
        String v = value.trim();
        return v.length() == keyword.length() && v.chars().allMatch(c -> c < 0x80) && v.equalsIgnoreCase(keyword);
    }

    /**
     * Reads an option's value as one of an enum's keywords, as {@link #is} matches them: for the
     * options whose values a library enum parses by its own rule (core's {@code parse} methods fold
     * any script's letters), so that the command line has one.
     *
     * @param option the option's name, for the message
     * @param value the value as given
     * @param type the enum
     * @param keyword each constant's keyword, for example {@code LearningRateSelection::optionName}
     * @param <E> the enum's type
     * @return the constant whose keyword matches
     * @throws IllegalArgumentException naming the option, the keywords and the value when none does
     */
    public static <E extends Enum<E>> E keyword(String option, String value, Class<E> type, Function<E, String> keyword) {
        for (E e : type.getEnumConstants()) {
            if (is(value, keyword.apply(e))) {
                return e;
            }
        }
        throw new IllegalArgumentException(option + ": expected " + choices(Arrays.stream(type.getEnumConstants())
                .map(keyword).toList()) + ", found '" + value + "'");
    }

    /**
     * Reads an enum-typed option's value as {@link #is} reads a keyword: a constant's name, or
     * what it prints as, in any case.
     *
     * @param type the enum
     * @param value the value as given
     * @param <E> the enum's type
     * @return the constant
     * @throws CommandLine.TypeConversionException naming the constants when none matches
     */
    public static <E extends Enum<E>> E constant(Class<E> type, String value) {
        for (E e : type.getEnumConstants()) {
            if (is(value, e.name()) || is(value, e.toString())) {
                return e;
            }
        }
        throw new CommandLine.TypeConversionException("expected " + choices(Arrays.stream(type.getEnumConstants())
                .map(Enum::toString).toList()) + " (in any case), found '" + value + "'");
    }

    /**
     * Reads a decimal number: ASCII digits with an optional sign, point and exponent, blanks around
     * ignored; out of range it is infinite, and {@code NaN} and {@code Infinity} are read too, for
     * the option's own check to refuse with what it expects. Java's hexadecimal ({@code 0x1p-10})
     * and type suffixes ({@code 1e-4d}) are refused, as a whole-number option refuses {@code 0x10}.
     * A non-zero number too small for a double ({@code 1e-400}) is refused naming it: read as 0, an
     * option's check would report "found 0.0" for a value the user never wrote.
     *
     * @param value the value as given
     * @return the number
     * @throws CommandLine.TypeConversionException naming the value when it is not one
     */
    public static double decimal(String value) {
        String v = value.trim();
        if (!v.matches(DECIMAL)) {
            throw new CommandLine.TypeConversionException("expected a decimal number such as 0.05 or 1e-4, found '"
                    + value + "'");
        }
        double d = Double.parseDouble(v);
        if (d == 0 && v.split("[eE]")[0].matches(".*[1-9].*")) {
            throw new CommandLine.TypeConversionException("expected a decimal number such as 0.05 or 1e-4, found '"
                    + value + "', which is non-zero but too small for a double (the smallest is about 4.9e-324)");
        }
        return d;
    }

    /**
     * The one reader of every comma-separated list option, named by its {@code preprocessor}: it
     * sees each value as given, before picocli splits it, and refuses an empty or blank element
     * (picocli drops trailing ones, so {@code --lr 1e-4,,} ran one rate) and an element given
     * twice, in one value or across repetitions of the option (numbers by value); blanks around an
     * element are stripped before picocli converts it.
     */
    public static final class ListValue implements CommandLine.IParameterPreprocessor {
        /** Created by picocli for each list option. */
        public ListValue() {}

        @Override
        public boolean preprocess(Stack<String> args, CommandSpec spec, ArgSpec arg, Map<String, Object> info) {
            if (args.isEmpty() || !(arg instanceof OptionSpec o) || spec.optionsMap().containsKey(args.peek())) {
                return false; // picocli says that the value is missing
            }
            String raw = args.peek();
            String name = o.longestName();
            String[] parts = raw.split(o.splitRegex(), -1);
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].isBlank()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), name + ": expected values separated by"
                            + " single commas, none empty, found '" + raw + "'" + (parts.length == 1 ? ""
                            : " (element " + (i + 1) + " of " + parts.length + " is empty)") + "; " + instead(o, parts),
                            o, raw);
                }
            }
            List<String> typed = new ArrayList<>();
            for (String before : o.originalStringValues()) {
                typed.addAll(Arrays.asList(before.split(o.splitRegex(), -1)));
            }
            typed.addAll(Arrays.asList(parts));
            typed.replaceAll(String::trim);
            List<Object> keys = new ArrayList<>();
            for (String t : typed) {
                Object key = key(elementType(o), t);
                if (key == null) {
                    return false; // not a value of its type: picocli's conversion says so, for this element
                }
                int first = keys.indexOf(key);
                if (first >= 0) {
                    String same = typed.get(first).equals(t) ? t + " is" : typed.get(first) + " and " + t
                            + " are the same value, so it is";
                    List<String> given = new ArrayList<>(o.originalStringValues());
                    given.add(raw);
                    throw new CommandLine.ParameterException(spec.commandLine(), name + ": " + same + " listed twice in '"
                            + String.join("' and '", given) + "'; expected each value once, so list it once", o, raw);
                }
                keys.add(key);
            }
            String stripped = String.join(",", Arrays.stream(parts).map(String::trim).toList());
            if (!stripped.equals(raw) && o.splitRegex().equals(",")) {
                args.pop();
                args.push(stripped);
            }
            return false;
        }

        /** What makes two elements the same: a number's value, a text's letters; null when it is not one. */
        private static Object key(Class<?> type, String element) {
            try {
                if (type == Double.class || type == Double.TYPE) {
                    return decimal(element);
                }
                if (type == Integer.class || type == Long.class || type == Integer.TYPE || type == Long.TYPE) {
                    return element.matches("[+-]?[0-9]{1,18}") ? Long.parseLong(element) : null;
                }
            } catch (CommandLine.TypeConversionException e) {
                return null;
            }
            return element;
        }
    }

    /** What to pass instead of a list with an empty element: the list without it, or the default. */
    private static String instead(OptionSpec o, String[] parts) {
        String kept = Arrays.stream(parts).filter(p -> !p.isBlank()).map(String::trim).collect(Collectors.joining(","));
        if (!kept.isEmpty()) {
            return "pass " + o.longestName() + " " + kept + " if that is what you meant";
        }
        return o.defaultValue() == null ? "pass some or leave " + o.longestName() + " out for its default (see --help)"
                : "pass for example " + o.longestName() + " " + o.defaultValue() + " (the default)";
    }

    /** "a, b or c". */
    static String choices(List<String> words) {
        Set<String> w = new LinkedHashSet<>(words);
        List<String> l = new ArrayList<>(w);
        if (l.size() == 1) {
            return l.get(0);
        }
        return String.join(", ", l.subList(0, l.size() - 1)) + " or " + l.get(l.size() - 1);
    }

    /** The element type of a list option, or the option's type. */
    static Class<?> elementType(ArgSpec a) {
        Class<?>[] aux = a.auxiliaryTypes();
        return aux != null && aux.length > 0 ? aux[0] : a.type();
    }
}
