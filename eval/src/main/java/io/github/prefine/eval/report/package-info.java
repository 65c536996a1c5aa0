/**
 * Results model and report tables: {@link io.github.prefine.eval.report.RunRecord} and {@link
 * io.github.prefine.eval.report.CostRecord} lines in a JSON-lines {@link
 * io.github.prefine.eval.report.ResultLog}, the paper's tables ({@link
 * io.github.prefine.eval.report.Tables}) and their Markdown/CSV/JSON rendering ({@link
 * io.github.prefine.eval.report.TableWriter}).
 */
package io.github.prefine.eval.report;
