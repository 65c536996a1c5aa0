package io.github.prefine.examples.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * Parses {@code --device}: {@code auto} (the first GPU when there is one, else the CPU),
 * {@code cpu}, {@code gpu} (the first GPU), {@code gpu:K}, or a GPU count {@code N} (this process
 * takes GPU 0 and starts one worker process per further GPU; the unit locks share the work).
 */
public final class DeviceOption {
    /** A GPU count, read as every whole-number option reads its value: ASCII digits, an optional +. */
    private static final String COUNT = "\\+?[0-9]{1,4}";

    private DeviceOption() {}

    /**
     * The GPU count of a {@code --device N} value; blanks around it and a {@code +} are read as
     * every whole-number option reads them ({@link OptionValues}).
     *
     * @param value the option's value
     * @return N for a plain number, else 0
     */
    public static int gpuCount(String value) {
        String v = value.trim();
        return v.matches(COUNT) ? Integer.parseInt(v) : 0;
    }

    /**
     * Parses a {@code --device} value against the GPUs the PyTorch engine sees.
     *
     * @param value auto, cpu, gpu, gpu:K or a GPU count
     * @return the device this process uses
     * @throws IllegalArgumentException for an unknown value or a GPU that is not there
     */
    public static Device parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        // the form is checked before the engine starts: a typo should not cost the native library load
        checkForm(value);
        if (OptionValues.is(value, "cpu")) {
            return Device.cpu();
        }
        int index = v.startsWith("gpu:") ? Integer.parseInt(v.substring(4)) : 0;
        int count = Math.max(1, gpuCount(value));
        int gpus = Engine.getInstance().getGpuCount();
        if (OptionValues.is(value, "auto")) {
            return gpus > 0 ? Device.gpu(0) : Device.cpu();
        }
        // no GPU at all gets its own message whatever was asked for: the cause is the set-up, not the number
        if (gpus == 0) {
            throw new IllegalArgumentException("--device: a GPU was asked for, but the PyTorch engine sees none (no CUDA"
                    + " device or driver, or the CPU build of libtorch is loaded); docs/gpu.md shows how to run on a CUDA"
                    + " build (PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR)");
        }
        if (count > gpus) {
            throw new IllegalArgumentException("--device: " + count + " GPUs asked for, " + gpus + " available; pass --device "
                    + gpus + " or fewer");
        }
        if (index >= gpus) {
            throw new IllegalArgumentException("--device: GPU " + index + " asked for, " + gpus + " available (gpu:0 to gpu:"
                    + (gpus - 1) + "); pass one of those");
        }
        return Device.gpu(index);
    }

    /**
     * Rejects a {@code --device} value that has none of the accepted forms, without starting the
     * engine: whether the GPUs it names exist is left to {@link #parse}.
     *
     * @param value the option's value
     * @throws IllegalArgumentException for an unknown form or a GPU count below 1
     */
    public static void checkForm(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        boolean known = OptionValues.is(value, "cpu") || OptionValues.is(value, "gpu") || OptionValues.is(value, "auto")
                || v.matches("gpu:[0-9]{1,4}") || v.matches(COUNT);
        if (!known) {
            throw new IllegalArgumentException("--device: expected auto, cpu, gpu, gpu:K or a GPU count, found '" + value
                    + "'; pass for example --device cpu");
        }
        if (v.matches(COUNT) && gpuCount(value) < 1) {
            throw new IllegalArgumentException("--device: expected a GPU count of at least 1, found " + v
                    + "; pass --device cpu for the CPU");
        }
    }
}
