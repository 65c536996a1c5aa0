/**
 * Results model and report tables: {@link io.github.prefine.eval.report.RunRecord} and {@link
 * io.github.prefine.eval.report.CostRecord} lines in a JSON-lines {@link
 * io.github.prefine.eval.report.ResultLog}, the paper's tables ({@link
 * io.github.prefine.eval.report.Tables}) and their Markdown/CSV/JSON rendering ({@link
 * io.github.prefine.eval.report.TableWriter}), and the seed-noise tests of their cells: against
 * the baseline in Table 1 ({@link io.github.prefine.eval.report.BaselineComparisons}) and Table 2
 * ({@link io.github.prefine.eval.report.GroupComparisons}), and between two runs ({@link
 * io.github.prefine.eval.report.RunCellComparisons}).
 */
package io.github.prefine.eval.report;
