package io.github.prefine.core.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The tagging scheme of a sequence-labelling file, and its conversion to IOB2.
 *
 * <p>prefine trains on IOB2 (every entity opens with {@code B-}) or BIOES. Files in IOB1 (the
 * original CoNLL-2003 scheme, where {@code B-} appears only between two touching entities of one
 * type) and in IO (bare labels, as Few-NERD) are converted to IOB2 on reading; see <a
 * href="https://aclanthology.org/E99-1023/">Tjong Kim Sang and Veenstra 1999</a>.
 *
 * <p>Immutable and thread-safe.
 */
public enum FileTagScheme {
    /** {@code O}, {@code B-T}, {@code I-T}; read as is. */
    IOB2,
    /** {@code O}, {@code I-T}, and {@code B-T} only between touching same-type entities; converted. */
    IOB1,
    /** {@code O}, {@code B-T}, {@code I-T}, {@code E-T}, {@code S-T}; read as is. */
    BIOES,
    /**
     * {@code O} and bare type labels; converted, a run of one label becoming one entity. A tag with
     * another scheme's prefix ({@code B-PER}, {@code I-PER}) is invalid: read so, each prefix would
     * make a type of its own.
     */
    IO;

    /**
     * Tells whether a tag is well formed in this scheme.
     *
     * @param tag the tag
     * @return true when it is {@code O} or a prefix this scheme allows followed by a non-empty type
     *     (for IO, a non-empty label without such a prefix); a tag holding whitespace is never valid
     */
    public boolean isValid(String tag) {
        if (tag.equals("O")) {
            return true;
        }
        // a TAB-separated file keeps spaces around its fields: "B-ORG " would be a type of its own
        if (tag.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
            return false;
        }
        boolean prefixed = tag.length() >= 3 && tag.charAt(1) == '-' && "BIES".indexOf(tag.charAt(0)) >= 0;
        if (this == IO) {
            // a prefixed tag (an IOB2 file read as IO) would become a type of its own: B-PER and I-PER apart
            return !tag.isEmpty() && !prefixed;
        }
        if (!prefixed) {
            return false;
        }
        char p = tag.charAt(0);
        return switch (this) {
            case IOB2, IOB1 -> p == 'B' || p == 'I';
            case BIOES -> p == 'B' || p == 'I' || p == 'E' || p == 'S';
            case IO -> true;
        };
    }

    /**
     * Describes the tags this scheme accepts, for error messages.
     *
     * @return a short description
     */
    public String describe() {
        return switch (this) {
            case IOB2, IOB1 -> "a tag O, B-<type> or I-<type>";
            case BIOES -> "a tag O, B-<type>, I-<type>, E-<type> or S-<type>";
            case IO -> "a non-empty tag without whitespace and without the prefix B-, I-, E- or S- of IOB1, IOB2"
                    + " or BIOES";
        };
    }

    /**
     * Converts one sentence's valid tags to the scheme prefine trains on.
     *
     * <p>IOB1: an {@code I-T} that does not continue a {@code B-T} or {@code I-T} becomes {@code
     * B-T}. IO: the first of a run of one label {@code T} becomes {@code B-T}, the rest {@code I-T}.
     * IOB2 and BIOES are returned unchanged.
     *
     * @param tags tags valid in this scheme
     * @return the converted tags (a new list for IOB1 and IO)
     */
    public List<String> toTrainingScheme(List<String> tags) {
        if (this == IOB2 || this == BIOES) {
            return tags;
        }
        List<String> out = new ArrayList<>(tags.size());
        String prevType = null;
        for (String tag : tags) {
            if (tag.equals("O")) {
                out.add(tag);
                prevType = null;
                continue;
            }
            if (this == IO) {
                out.add((tag.equals(prevType) ? "I-" : "B-") + tag);
                prevType = tag;
            } else {
                String type = tag.substring(2);
                if (tag.charAt(0) == 'I' && !type.equals(prevType)) {
                    out.add("B-" + type);
                } else {
                    out.add(tag);
                }
                prevType = type;
            }
        }
        return out;
    }
}
