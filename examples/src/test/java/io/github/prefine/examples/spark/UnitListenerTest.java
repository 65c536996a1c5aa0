package io.github.prefine.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.prefine.core.task.Split;
import io.github.prefine.core.train.EvaluationProgress;
import io.github.prefine.core.train.TrainingListener;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Spark unit wraps the progress bar's listener in its own; what it does not forward, no bar shows. */
class UnitListenerTest {
    @Test
    void theUnitsListenerForwardsEveryCallback() throws Exception {
        Class<?> unit = Class.forName(UnitTask.class.getName() + "$UnitListener");
        List<String> missing = new ArrayList<>();
        for (Method m : TrainingListener.class.getMethods()) {
            try {
                unit.getDeclaredMethod(m.getName(), m.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(m.getName());
            }
        }
        assertEquals(List.of(), missing, "callbacks the Spark unit swallows");
        List<EvaluationProgress> heard = new ArrayList<>();
        TrainingListener next = new TrainingListener() {
            @Override
            public void onEvaluation(EvaluationProgress p) {
                heard.add(p);
            }
        };
        Constructor<?> c = Arrays.stream(unit.getDeclaredConstructors()).filter(k -> k.getParameterCount() == 3)
                .findFirst().orElseThrow();
        c.setAccessible(true);
        TrainingListener listener = (TrainingListener) c.newInstance(null, next, false);
        EvaluationProgress p = new EvaluationProgress(EvaluationProgress.Pass.PREDICTION, "wnut17", Split.VALIDATION,
                32, 1009, 1.5);
        listener.onEvaluation(p);
        assertEquals(List.of(p), heard);
    }
}
