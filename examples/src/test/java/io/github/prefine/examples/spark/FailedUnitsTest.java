package io.github.prefine.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/**
 * How the driver knows a unit's last attempt, and which unit a stage Spark aborted names, without
 * a Spark context.
 */
class FailedUnitsTest {
    @Test
    void theAttemptsAllowedAreThoseSparksSchedulerReadsFromTheMaster() {
        // SparkContext.createTaskScheduler: local and local[N] try a task once, local[N,F] F times,
        // every other master spark.task.maxFailures (4 unless set)
        String[][] cases = {{"local", null, "1"}, {"local[2]", null, "1"}, {"local[*]", "8", "1"}, {"local[2,3]", null, "3"},
            {"local[*, 5]", null, "5"}, {"spark://head:7077", null, "4"}, {"yarn", "8", "8"}, {"local-cluster[2,1,1024]", "2", "2"}};
        for (String[] c : cases) {
            SparkConf conf = new SparkConf(false).setMaster(c[0]);
            if (c[1] != null) {
                conf.set("spark.task.maxFailures", c[1]);
            }
            assertEquals(Integer.parseInt(c[2]), SparkGrid.attemptsAllowed(conf), c[0] + ", maxFailures " + c[1]);
        }
    }

    @Test
    void anAbortedStageNamesTheUnitOfTheTaskSparksMessageNames() {
        List<String> ids = List.of("u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7");
        // the first line Spark 3.5.6 gave for the test's unit with a lost checkpoint, the 7th of 8 units
        String error = "Lost task 6.1 in stage 0.0 (TID 7) (192.0.2.2 executor driver): java.io.IOException:"
                + " /tmp/out/prefinetune/SL+QA+C/lr-1e-03/checkpoints/LATEST: names checkpoint 'ckpt-lost', which does not"
                + " exist";
        String message = "Job aborted due to stage failure: Task 6 in stage 0.0 failed 2 times, most recent failure: " + error;
        assertEquals(Optional.of(new SparkGrid.FailedUnit("u6", 2, error, "")), SparkGrid.namedByAbort(message, ids));
        assertEquals(Optional.empty(), SparkGrid.namedByAbort("Job 3 cancelled because SparkContext was shut down", ids));
        assertEquals(Optional.empty(), SparkGrid.namedByAbort(message.replace("Task 6", "Task 8"), ids), "no such unit");
    }
}
