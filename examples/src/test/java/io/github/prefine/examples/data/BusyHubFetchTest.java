package io.github.prefine.examples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.prefine.core.hub.HubException;
import io.github.prefine.core.hub.HubSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code data fetch} against a Hub that is busy (429) or failing (503) for a few requests, as the
 * public Hub is under load: the fetch waits it out within its retry budget
 * ({@code PREFINE_HUB_RETRIES}), and with no budget it stops at the first such answer. The fake
 * Hub asks for {@code Retry-After: 0}, so the test takes no time waiting.
 */
class BusyHubFetchTest {
    @TempDir
    Path dir;

    /** A fake Hub serving RTE, with six training and three validation rows. */
    private static FakeDatasetHub rteHub() throws IOException {
        FakeDatasetHub hub = new FakeDatasetHub();
        hub.putRte(6, 3, "busy");
        return hub;
    }

    private DatasetFetcher fetcher(FakeDatasetHub hub, int retries) {
        return new DatasetFetcher(new HubSettings(hub.endpoint(), dir.resolve("cache"), false, null, retries),
                dir.resolve("data"), false, (f, done, total) -> { }, Duration.ofSeconds(30));
    }

    @Test
    void aBusyHubIsWaitedOutWithinTheRetryBudget() throws IOException {
        try (FakeDatasetHub hub = rteHub()) {
            hub.busy(429, 503, 429);

            DatasetFetcher.Result r = fetcher(hub, 3).fetch("rte");

            assertEquals(DatasetFetcher.Outcome.FETCHED, r.outcome(), r.detail());
            assertEquals(0, hub.busyLeft());
            FakeDatasetHub.assertRteVersion(dir.resolve("data"), "busy", 6, 3);
        }
    }

    @Test
    void withoutRetriesTheFirstBusyAnswerEndsTheFetch() throws IOException {
        try (FakeDatasetHub hub = rteHub()) {
            hub.busy(429);

            HubException e = assertThrows(HubException.class, () -> fetcher(hub, 0).fetch("rte"));

            assertEquals(429, e.statusCode());
            assertTrue(e.getMessage().startsWith("nyu-mll/glue: ") && e.getMessage().contains(
                    ": HTTP 429 after 1 attempt (PREFINE_HUB_RETRIES allows 0 retries)"), e.getMessage());
        }
    }
}
