package io.github.prefine.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The report builders fed the paper's own Table 1, typed in by hand.
 *
 * <p>Source: Padmakumar et al., NAACL 2022, "Exploring the Role of Task Transferability in
 * Large-Scale Multi-Task Learning", Table 1 (mean and std over 5 seeds; its column order is
 * Baseline, Only-SL, Only-C, Only-QA, SL+C, SL+QA, QA+C, SL+C+QA). Its "Average Std. Dev." row is
 * the column mean of the cells' stds, and the builders reproduce it. The other printed aggregates
 * are not all means of the cells: Table 2's QA row differs from the mean of the four QA cells in
 * every column (Baseline: printed 56.692, cells 52.320), its SL row under SL+QA reads 80.165 where
 * the cells give 81.165, and Table 1's "Average" row follows the printed Table 2 rather than the
 * cells (Baseline: printed 68.312, cells 66.855). {@link Tables} computes from the cells, and this
 * test asserts the true means and that the printed ones differ.
 */
class PaperTablesTest {
    private static final List<String> PAPER_COLUMNS =
            List.of("Baseline", "Only-SL", "Only-C", "Only-QA", "SL+C", "SL+QA", "QA+C", "SL+QA+C");

    // {mean, std} pairs per target, in PAPER_COLUMNS order
    private static final Object[][] TABLE1 = {
        {"WNUT17", new double[] {63.239, 0.33, 63.124, 0.65, 43.461, 1.85, 60.623, 1.85, 59.729, 1.25, 64.261, 0.79, 57.560, 3.62, 64.359, 0.57}},
        {"Wikigold", new double[] {80.409, 1.43, 83.449, 0.16, 72.174, 8.05, 78.173, 1.04, 81.403, 0.51, 83.114, 0.57, 76.023, 1.21, 81.635, 0.99}},
        {"NCBI Disease", new double[] {86.849, 0.46, 87.069, 0.55, 85.412, 0.59, 86.456, 0.86, 87.037, 0.43, 87.458, 0.32, 86.642, 0.70, 87.378, 0.73}},
        {"MIT Movie", new double[] {90.042, 0.53, 89.736, 0.20, 88.436, 0.68, 89.522, 0.24, 89.645, 0.27, 89.829, 0.24, 89.287, 0.20, 89.631, 0.21}},
        {"BoolQ", new double[] {73.804, 1.15, 70.761, 0.72, 78.313, 0.48, 77.140, 0.71, 78.457, 0.50, 76.427, 0.81, 80.147, 0.27, 79.515, 0.51}},
        {"CB", new double[] {86.333, 4.20, 82.121, 5.17, 87.161, 1.07, 68.930, 10.65, 84.336, 4.20, 85.003, 3.92, 80.638, 10.67, 89.565, 2.16}},
        {"COPA", new double[] {52.166, 4.09, 53.500, 2.56, 55.333, 3.39, 51.833, 3.76, 53.666, 3.20, 53.666, 2.49, 54.333, 1.59, 57.333, 1.24}},
        {"WiC", new double[] {60.136, 7.45, 63.244, 1.01, 64.812, 0.51, 54.937, 6.56, 65.229, 1.45, 65.177, 0.61, 65.151, 1.35, 65.674, 1.05}},
        {"SQuAD-adversarial", new double[] {47.064, 2.42, 22.341, 2.38, 55.067, 0.83, 82.798, 0.51, 52.035, 1.05, 81.558, 0.80, 82.778, 0.61, 81.834, 0.88}},
        {"SubjQA", new double[] {60.917, 0.74, 58.577, 0.47, 61.741, 0.29, 61.889, 0.31, 60.718, 0.10, 62.367, 0.22, 62.578, 0.47, 62.886, 0.56}},
        {"QED", new double[] {37.779, 5.49, 36.544, 1.16, 51.604, 1.34, 74.643, 0.44, 46.533, 1.21, 77.196, 0.51, 73.910, 1.42, 76.312, 0.82}},
        {"XQuAD-en", new double[] {63.522, 3.66, 50.398, 1.83, 64.538, 0.54, 80.744, 0.50, 63.654, 0.26, 79.624, 0.76, 78.249, 1.04, 80.163, 0.51}},
    };

    // the paper's printed "Average Std. Dev." row (PAPER_COLUMNS order): the mean of the cells' stds
    private static final double[] PRINTED_AVERAGE_STD = {2.662, 1.406, 1.637, 2.285, 1.202, 1.003, 1.929, 0.852};
    // the paper's printed "Average" row, which is NOT the mean of the cells (see the class doc)
    private static final double[] PRINTED_AVERAGE = {68.312, 64.475, 68.298, 72.385, 69.147, 75.564, 74.160, 76.483};
    // the true means of the 12 cells of each column, summed by hand from TABLE1
    private static final double[] CELL_MEAN = {66.855, 63.40533, 67.33767, 72.30733, 68.53683, 75.47333, 73.94133, 76.35708};
    // printed Table 2 rows (PAPER_COLUMNS order); SL and C are the cell means up to the paper's
    // rounding except SL under SL+QA; the QA row differs from the QA cells' mean in every column
    private static final double[] PRINTED_SL = {80.134, 80.844, 72.370, 78.693, 79.453, 80.165, 77.378, 80.750};
    private static final double[] PRINTED_C = {68.109, 67.406, 71.404, 63.21, 70.422, 70.068, 70.067, 73.021};
    private static final double[] PRINTED_QA = {56.692, 45.174, 61.120, 75.252, 57.568, 75.460, 75.035, 75.678};

    private static Table paperTable1() {
        Map<String, Map<String, Cell>> cells = new LinkedHashMap<>();
        for (Object[] row : TABLE1) {
            double[] v = (double[]) row[1];
            Map<String, Cell> line = new LinkedHashMap<>();
            for (int c = 0; c < PAPER_COLUMNS.size(); c++) {
                line.put(PAPER_COLUMNS.get(c), Cell.of(v[2 * c], v[2 * c + 1]));
            }
            cells.put((String) row[0], line);
        }
        return Tables.table1OfCells(cells, ReportLayout.paper(), "sample std over 5 seeds");
    }

    @Test
    void table1ClosingRowsAreTheColumnMeansOfTheCells() {
        Table t = paperTable1();
        for (int c = 0; c < PAPER_COLUMNS.size(); c++) {
            String col = PAPER_COLUMNS.get(c);
            // stds are printed with 2 decimals, their mean with 3: allow that rounding
            assertEquals(PRINTED_AVERAGE_STD[c], t.cell(Tables.AVERAGE_STD, col).value(), 3e-3, col + " average std");
            assertEquals(CELL_MEAN[c], t.cell(Tables.AVERAGE, col).value(), 1e-5, col + " average");
            // the printed Average row follows the printed QA row, not the cells
            assertNotEquals(PRINTED_AVERAGE[c], t.cell(Tables.AVERAGE, col).value(), 0.05, col + " printed average");
        }
        assertEquals(2.6625, t.cell(Tables.AVERAGE_STD, "Baseline").value(), 1e-9);
    }

    @Test
    void table2IsTheMeanOfTable1CellsNotThePrintedRows() {
        Table t2 = Tables.table2(paperTable1(), ReportLayout.paper());
        for (int c = 0; c < PAPER_COLUMNS.size(); c++) {
            String col = PAPER_COLUMNS.get(c);
            if (!col.equals("SL+QA")) {
                assertEquals(PRINTED_SL[c], t2.cell("SL", col).value(), 1e-3, col + " SL");
            }
            assertEquals(PRINTED_C[c], t2.cell("C", col).value(), 1e-3, col + " C");
            assertNotEquals(PRINTED_QA[c], t2.cell("QA", col).value(), 0.2, col + " QA");
        }
        assertEquals((47.064 + 60.917 + 37.779 + 63.522) / 4, t2.cell("QA", "Baseline").value(), 1e-9);
        assertEquals(52.3205, t2.cell("QA", "Baseline").value(), 1e-9); // printed: 56.692
        assertEquals(81.1655, t2.cell("SL", "SL+QA").value(), 1e-9); // printed: 80.165
        // the paper's finding holds on the true means: the related single group beats the
        // mismatched pair on its own targets
        assertTrue(t2.cell("QA", "Only-QA").value() > t2.cell("QA", "SL+C").value());
        assertTrue(t2.cell("SL", "Only-SL").value() > t2.cell("SL", "QA+C").value());
        assertTrue(t2.cell("C", "Only-C").value() > t2.cell("C", "SL+QA").value());
    }
}
