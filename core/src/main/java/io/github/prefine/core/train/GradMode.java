package io.github.prefine.core.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns PyTorch's gradient recording off for the calling thread.
 *
 * <p>PyTorch keeps that switch per thread and starts every thread with recording on; DJL turns it
 * off only in the thread that loads the engine, and a gradient collector restores what it found.
 * So in any other thread (a Spark task, a web server's worker, an executor pool) parameter updates
 * and evaluation would be recorded, and the in-place updates of parameter views fail. Training and
 * evaluation call this on entry; it costs one native call. Stateless.
 */
public final class GradMode {
    private GradMode() {}

    /**
     * Turns gradient recording off in this thread, outside gradient collectors, as in DJL's own.
     *
     * @param engine the engine the caller computes with; only PyTorch keeps such a switch
     */
    public static void offInThisThread(Engine engine) {
        if ("PyTorch".equals(engine.getEngineName())) {
            JniUtils.setGradMode(false);
        }
    }
}
