package io.github.prefine.eval.metrics;

import io.github.prefine.eval.internal.CodePointOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Entity-level scores: the micro average over all types and one score per type, as seqeval's
 * {@code classification_report} lists them.
 *
 * <p>Immutable and thread-safe.
 *
 * @param micro micro-averaged precision, recall, F1 and total gold entity count
 * @param perType scores per entity type, in code-point order of the types as Python's {@code sorted}
 *     (unmodifiable)
 */
public record SpanReport(PrfScore micro, Map<String, PrfScore> perType) {

    /**
     * Copies the per-type map in code-point order of the types, whatever the order of the map given.
     *
     * @param micro see the record description
     * @param perType see the record description
     */
    public SpanReport {
        Objects.requireNonNull(micro, "micro");
        TreeMap<String, PrfScore> sorted = new TreeMap<>(CodePointOrder.ORDER);
        sorted.putAll(perType);
        perType = Collections.unmodifiableMap(new LinkedHashMap<>(sorted));
    }

    /**
     * The micro F1, seqeval's {@code f1_score}.
     *
     * @return F1 in [0, 1]
     */
    public double f1() {
        return micro.f1();
    }
}
