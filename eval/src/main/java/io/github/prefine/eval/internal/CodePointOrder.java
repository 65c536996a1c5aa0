package io.github.prefine.eval.internal;

import java.util.Comparator;

/**
 * Orders strings by Unicode code point, as Python's {@code sorted} and NumPy's {@code np.unique}
 * do. {@link String#compareTo} compares UTF-16 units instead, which puts a character beyond the Basic
 * Multilingual Plane (a surrogate pair, 0xD800..0xDFFF) before U+E000..U+FFFF.
 *
 * <p>Stateless and thread-safe.
 */
public final class CodePointOrder {
    /** The code-point order; consistent with {@code equals}. */
    public static final Comparator<String> ORDER = CodePointOrder::compare;

    private CodePointOrder() {}

    private static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
