package dev.endlessd.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.log.ThrottledWarning;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The request line's limits, checked on an in-memory channel: no socket, no sleeping. */
class RequestReaderTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();

    {
        // the deadline is read off the channel's clock, which moves only when a test says so
        channel.freezeTime();
        channel.pipeline().addLast(new RequestReader(16, Duration.ofSeconds(5), "test peer", new ThrottledWarning(
                LoggerFactory.getLogger(RequestReaderTest.class), channel.eventLoop(), "control", "refused requests")));
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    private String answer() {
        ByteBuf out = channel.readOutbound();
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    @Test
    void oneLineBecomesOneRequest() {
        channel.writeInbound(bytes("status json\n"));
        assertEquals(ControlRequest.STATUS_JSON, channel.readInbound());
        assertNull(channel.readOutbound());
        assertTrue(channel.isOpen());
    }

    @Test
    void aLineMayArriveInPieces() {
        channel.writeInbound(bytes("rel"));
        assertNull(channel.readInbound());
        channel.writeInbound(bytes("oad\r\n"));
        assertEquals(ControlRequest.RELOAD, channel.readInbound());
    }

    @Test
    void onlyTheFirstLineIsRead() {
        channel.writeInbound(bytes("status\nstop\n"));
        assertEquals(ControlRequest.STATUS, channel.readInbound());
        assertNull(channel.readInbound());
        assertFalse(channel.config().isAutoRead());
    }

    @Test
    void anOversizedRequestIsRefusedWithoutWaitingForItsEnd() {
        channel.writeInbound(bytes("x".repeat(17)));
        assertEquals("error invalid request longer than 16 bytes (expected one of: reload, reload nowait, upgrade, "
                + "status, status json, check, stop, help)\n", answer());
        assertNull(channel.readInbound());
        assertFalse(channel.isOpen());
    }

    @Test
    void binaryGarbageIsRefused() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, 0, 's', '\n'}));
        assertTrue(answer().startsWith("error invalid request \"\\xff\\x00s\" is not printable ASCII"));
        assertNull(channel.readInbound());
        assertFalse(channel.isOpen());
    }

    @Test
    void anUnknownRequestIsRefused() {
        channel.writeInbound(bytes("restart\n"));
        assertTrue(answer().startsWith("error invalid unknown request \"restart\""));
        assertFalse(channel.isOpen());
    }

    @Test
    void aRequestWithoutItsNewlineIsRefusedWhenTheClientStopsSending() {
        channel.writeInbound(bytes("status"));
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertEquals("error invalid the request ended without a newline (send one line ending in a newline)\n", answer());
        assertFalse(channel.isOpen());
    }

    @Test
    void aClientThatLeavesWithoutAWordIsClosedQuietly() {
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertNull(channel.readOutbound());
        assertFalse(channel.isOpen());
    }

    @Test
    void aClientTooSlowToSendItsLineIsRefusedAtTheDeadline() {
        channel.writeInbound(bytes("sta"));
        channel.advanceTimeBy(4, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen());

        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertEquals("error invalid no complete request within 5000 ms (send one line ending in a newline)\n", answer());
        assertFalse(channel.isOpen());
    }

    @Test
    void theDeadlineNoLongerAppliesOnceTheRequestArrived() {
        channel.writeInbound(bytes("reload\n"));
        assertEquals(ControlRequest.RELOAD, channel.readInbound());
        channel.advanceTimeBy(1, TimeUnit.HOURS);
        channel.runScheduledPendingTasks();
        assertNull(channel.readOutbound());
        assertTrue(channel.isOpen());
    }
}
