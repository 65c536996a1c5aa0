package io.github.prefine.core.internal;

/**
 * The one rule for names that start log lines and make run names (tasks, groups, trainers,
 * featurizers): one line of text, so no control character. Not API.
 */
public final class OneLineNames {
    private OneLineNames() {}

    /**
     * Returns the index of the first control character of a name (a tab, a line break; {@link
     * Character#isISOControl}), or -1 when it has none.
     *
     * @param name the name
     * @return the index, or -1
     */
    public static int controlCharacterAt(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
