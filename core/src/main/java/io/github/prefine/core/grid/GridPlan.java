package io.github.prefine.core.grid;

import io.github.prefine.core.task.Task;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a grid will run, once tasks without data are left out: the settings in table column order
 * (baseline first, then every group combination with at least one task), the usable targets, and
 * the sweeps. Pre-finetuning sweeps come first; a finetuning sweep of a pre-finetuned setting can
 * run once that setting's sweep is finished. Immutable.
 *
 * @param settings the settings, baseline first
 * @param targets the targets that have their data and can be featurized, in table row order
 * @param missingTasks tasks left out, with the reasons, in the order met
 * @param prefinetuningTasks the tasks each pre-finetuned setting trains on, by setting name
 * @param prefinetuning one sweep per pre-finetuned setting, in setting order
 * @param finetuning one sweep per (setting, target), or per (setting, target, seed) with per-seed
 *     learning-rate selection; settings outermost
 */
public record GridPlan(List<Setting> settings, List<Task> targets, Map<String, List<String>> missingTasks,
        Map<String, List<Task>> prefinetuningTasks, List<PrefinetuningSweep> prefinetuning,
        List<FinetuningSweep> finetuning) {
    /**
     * Copies the collections.
     *
     * @param settings the settings, baseline first
     * @param targets the targets that have their data and can be featurized, in table row order
     * @param missingTasks tasks left out, with the reasons, in the order met
     * @param prefinetuningTasks the tasks each pre-finetuned setting trains on, by setting name
     * @param prefinetuning one sweep per pre-finetuned setting, in setting order
     * @param finetuning one sweep per (setting, target), or per (setting, target, seed) with per-seed
     *     learning-rate selection; settings outermost
     */
    public GridPlan {
        settings = List.copyOf(settings);
        targets = List.copyOf(targets);
        Map<String, List<String>> m = new LinkedHashMap<>();
        missingTasks.forEach((k, v) -> m.put(k, List.copyOf(v)));
        missingTasks = Collections.unmodifiableMap(m);
        Map<String, List<Task>> p = new LinkedHashMap<>();
        prefinetuningTasks.forEach((k, v) -> p.put(k, List.copyOf(v)));
        prefinetuningTasks = Collections.unmodifiableMap(p);
        prefinetuning = List.copyOf(prefinetuning);
        finetuning = List.copyOf(finetuning);
    }

    /**
     * Returns the tasks a setting pre-finetunes on.
     *
     * @param setting a pre-finetuned setting of this plan
     * @return its tasks
     * @throws IllegalArgumentException if the setting is not pre-finetuned in this plan
     */
    public List<Task> prefinetuningTasks(Setting setting) {
        List<Task> t = prefinetuningTasks.get(setting.name());
        if (t == null) {
            throw new IllegalArgumentException("plan: setting " + setting.name() + " is not pre-finetuned here; "
                    + "pre-finetuned settings are " + prefinetuningTasks.keySet());
        }
        return t;
    }

    /**
     * Returns every sweep of the plan, in run order: pre-finetuning first.
     *
     * @return the sweeps
     */
    public List<GridSweep> sweeps() {
        List<GridSweep> all = new ArrayList<>(prefinetuning);
        all.addAll(finetuning);
        return all;
    }

    /**
     * Returns the setting names, in table column order.
     *
     * @return the names, baseline first
     */
    public List<String> settingNames() {
        return settings.stream().map(Setting::name).toList();
    }

    /**
     * Returns every unit of the plan: the pre-finetuning units, then the finetuning units, in
     * sweep order.
     *
     * @return the units
     */
    public List<GridUnit> units() {
        List<GridUnit> all = new ArrayList<>();
        prefinetuning.forEach(s -> all.addAll(s.units()));
        finetuning.forEach(s -> all.addAll(s.units()));
        return all;
    }
}
