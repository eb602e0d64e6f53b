package dev.endlessd.upgrade;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HandoffCodecTest {

    /** The state the frozen fixture of format 1 holds: what an endlessd of that format hands over. */
    private static final Handoff VERSION_1 = new Handoff(4242, "0.2.0-SNAPSHOT", Instant.parse("2026-12-01T10:00:00Z"),
            Instant.parse("2026-12-01T11:30:00.250Z"), 2,
            List.of("--cmd", "python3 worker.py --port 8080", "--listen", "web=127.0.0.1:8080", "--name", "shop"),
            5, 9,
            List.of(new Handoff.CarriedListener(3, "web", "tcp 127.0.0.1:8080"),
                    new Handoff.CarriedListener(4, "admin", "unix:/run/shop admin.sock")),
            Optional.of(new Handoff.CarriedGuard(4250, 11)),
            new Handoff.Supervision(7,
                    List.of(new Handoff.CarriedWorker(7, 4301, Handoff.CarriedState.READY, 1_000_000_000L, 1_850_000_000L,
                                    0, "serving 12 requests ~ 100% \u2713", 14, "/run/endlessd/shop/notify-7"),
                            new Handoff.CarriedWorker(6, 4290, Handoff.CarriedState.DRAINING, 500_000_000L, 900_000_000L,
                                    1_900_000_000L, "", -1, "")),
                    List.of(new Handoff.LeftoverGroup(4280, 32_000_000_000L)),
                    Optional.of(new Handoff.CarriedReload("reload", true, 7, 4301, 850, "", 851,
                            Instant.parse("2026-12-01T11:00:01Z"))),
                    1),
            List.of(15), List.of(16), List.of("HUP", "INT", "TERM"));

    @Test
    void readsTheFrozenStateOfFormatOne() throws Exception {
        assertEquals(VERSION_1, HandoffCodec.decode(fixture("handoff-v1.txt")));
    }

    @Test
    void writesFormatOneByteForByte() throws Exception {
        assertArrayEquals(fixture("handoff-v1.txt"), HandoffCodec.encode(VERSION_1),
                "format 1 changed: give the new format a new Handoff.VERSION and a fixture of its own");
    }

    @Test
    void carriesExactlyTheDescriptorsTheStateNames() {
        assertEquals(List.of(5, 9, 3, 4, 11, 14, 15, 16), VERSION_1.carriedFds());
    }

    @Test
    void refusesANewerFormatBeforeReadingIt() throws Exception {
        String newer = new String(fixture("handoff-v1.txt"), StandardCharsets.UTF_8).replace("endlessd-handoff 1", "endlessd-handoff 2");

        HandoffException refused = assertThrows(HandoffException.class, () -> HandoffCodec.decode(bytes(newer)));

        assertTrue(refused.getMessage().startsWith("handoff state version 2 (this endlessd reads version 1 only"),
                refused.getMessage());
    }

    @Test
    void refusesWhatIsNoHandoffState() {
        HandoffException refused = assertThrows(HandoffException.class, () -> HandoffCodec.decode(bytes("PK\u0003\u0004garbage")));

        assertTrue(refused.getMessage().startsWith("not an endlessd handoff state"), refused.getMessage());
        assertThrows(HandoffException.class, () -> HandoffCodec.decode(new byte[0]));
    }

    @Test
    void refusesATruncatedState() throws Exception {
        String whole = new String(fixture("handoff-v1.txt"), StandardCharsets.UTF_8);
        String cut = whole.substring(0, whole.indexOf("queued-reloads"));

        HandoffException refused = assertThrows(HandoffException.class, () -> HandoffCodec.decode(bytes(cut)));

        assertTrue(refused.getMessage().contains("without \"end\" (truncated)"), refused.getMessage());
    }

    @Test
    void refusesAnEntryItDoesNotKnow() throws Exception {
        String whole = new String(fixture("handoff-v1.txt"), StandardCharsets.UTF_8);
        String extra = whole.replace("generation 7\n", "generation 7\nsomething-new 1\n");

        HandoffException refused = assertThrows(HandoffException.class, () -> HandoffCodec.decode(bytes(extra)));

        assertEquals("handoff state, line 22: \"something-new\" (expected: \"queued-reloads\")", refused.getMessage());
    }

    @Test
    void refusesStandardStreamsAsCarriedDescriptors() throws Exception {
        String whole = new String(fixture("handoff-v1.txt"), StandardCharsets.UTF_8);

        HandoffException refused = assertThrows(HandoffException.class,
                () -> HandoffCodec.decode(bytes(whole.replace("control-fd 9", "control-fd 1"))));

        assertTrue(refused.getMessage().contains("descriptor 1 (expected: 3 or above"), refused.getMessage());
    }

    @Test
    void anyTextSurvivesTheRoundTrip() throws Exception {
        Handoff odd = new Handoff(1, "v", Instant.EPOCH, Instant.EPOCH, 0, List.of("", " ", "~", "%", "a\nb", "\u00e9\u0000"),
                3, 4, List.of(), Optional.empty(), new Handoff.Supervision(0, List.of(), List.of(), Optional.empty(), 0),
                List.of(), List.of(), List.of());

        assertEquals(odd, HandoffCodec.decode(HandoffCodec.encode(odd)));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = HandoffCodecTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
