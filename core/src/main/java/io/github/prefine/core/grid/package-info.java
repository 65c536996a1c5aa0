/**
 * The paper's experiment grid as a library API: {@link io.github.prefine.core.grid.Grid} (built
 * fluently, run with {@code run()}) pre-finetunes every combination of the chosen task groups over
 * a learning-rate sweep and finetunes every target under every {@link
 * io.github.prefine.core.grid.Setting} over seeds, resumably and shareably between processes.
 *
 * <p>Work is split into {@link io.github.prefine.core.grid.GridUnit}s (one training at one
 * learning rate, idempotent) grouped into {@link io.github.prefine.core.grid.GridSweep}s (one
 * learning-rate choice, the unit of locking and of the result log), listed by a {@link
 * io.github.prefine.core.grid.GridPlan} and run by a {@link io.github.prefine.core.grid.GridSession}.
 * {@link io.github.prefine.core.grid.GridLayout} names the output files, {@link
 * io.github.prefine.core.grid.GridReports} rewrites the tables and plots, and {@link
 * io.github.prefine.core.grid.Verdicts} reads the paper's relatedness claim off Table 2.
 */
package io.github.prefine.core.grid;
