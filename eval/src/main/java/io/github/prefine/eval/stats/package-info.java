/**
 * Significance of score differences across seeds: the paired and Welch t-tests of a setting's
 * per-seed scores against the baseline's ({@link io.github.prefine.eval.stats.SeedTTests}), their
 * immutable result ({@link io.github.prefine.eval.stats.SeedDifference}) and the Holm–Bonferroni
 * correction of a family of such tests ({@link io.github.prefine.eval.stats.HolmBonferroni}).
 * An addition beyond the paper, which reports mean ± std only (docs/protocol.md).
 */
package io.github.prefine.eval.stats;
