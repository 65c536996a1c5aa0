package io.github.prefine.core.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.prefine.core.task.TaskGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's reads in {@code run.json} that this process did not read again are kept as their writer
 * wrote them (docs/protocol.md: a member this version does not know outside the fingerprint is
 * ignored and kept): rewriting the section went through {@link DataReport#fromJson} and {@link
 * DataReport#toJson}, which dropped a newer version's members inside a task and inside a file's
 * report.
 */
class DataReportKeptMembersTest {
    /** A task as a newer version might write it: its own member and one inside a file's report. */
    private static final String NEWER_TASK = "{\"validation\":\"given\",\"dropped\":0,\"flagged\":0,"
            + "\"trainingCounts\":{\"a\":3},\"files\":{\"x/train.jsonl\":{\"file\":\"x/train.jsonl\",\"records\":3,"
            + "\"examples\":3,\"skipped\":{},\"flagged\":{},\"repaired\":{},\"cleaned\":{},\"samples\":{},"
            + "\"encoding\":\"utf-8\"}},\"readSeconds\":1.5}";

    private static JsonObject json(Path file) throws Exception {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    @Test
    void aTaskReadByANewerVersionKeepsTheMembersThisOneDoesNotKnow(@TempDir Path dir) throws Exception {
        GridFixtures f = new GridFixtures(dir);
        Grid grid = f.tiny(List.of(f.targets.get(1)), dir.resolve("out")).setGroups(List.of(TaskGroup.C)).build();
        try (GridSession s = grid.open()) {
            s.plan();
            s.writeDataReport();
        }
        Path manifest = grid.layout().manifest();
        JsonObject m = json(manifest);
        JsonObject own = m.getAsJsonObject("reads").deepCopy();
        assertFalse(own.has("newer-task"));
        m.getAsJsonObject("reads").add("newer-task", JsonParser.parseString(NEWER_TASK));
        Files.writeString(manifest, m.toString());

        // a process that reads no task rewrites the section from what it merged
        try (GridSession s = grid.open()) {
            s.writeDataReport();
        }

        JsonObject reads = json(manifest).getAsJsonObject("reads");
        assertEquals(JsonParser.parseString(NEWER_TASK), reads.get("newer-task"));
        // the tasks this version wrote are as they were, in their place
        own.add("newer-task", JsonParser.parseString(NEWER_TASK));
        assertEquals(List.copyOf(own.keySet()), List.copyOf(reads.keySet()));
        assertEquals(own, reads);
        // the data report, this version's own file, holds the task in the layout it knows
        JsonObject file = json(grid.layout().dataReport()).getAsJsonObject("tasks").getAsJsonObject("newer-task");
        assertFalse(file.has("readSeconds"));
        assertEquals(3, file.getAsJsonObject("files").getAsJsonObject("x/train.jsonl").get("records").getAsInt());
    }
}
