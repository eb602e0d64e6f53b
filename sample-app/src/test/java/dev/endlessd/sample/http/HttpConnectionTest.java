package dev.endlessd.sample.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connection lifecycle on an embedded channel, with the clock driven by hand. */
class HttpConnectionTest {

    private static final long PID = 77;

    private final Connections connections = new Connections(ImmediateEventExecutor.INSTANCE);
    private final Routes routes = new Routes(new AppInfo("1.0", "Hello", PID, OptionalLong.of(3)));
    private EmbeddedChannel channel = open();

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
    }

    @Test
    void keepAliveRequestIsAnsweredAndTheConnectionStaysOpen() {
        channel.writeInbound(get("/"));

        FullHttpResponse response = channel.readOutbound();
        assertEquals(HttpResponseStatus.OK, response.status());
        assertEquals(Long.toString(PID), response.headers().get("X-Worker-Pid"));
        assertFalse(response.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true));
        assertTrue(channel.isOpen());
        response.release();
    }

    @Test
    void clientAskingForCloseIsAnsweredThenClosed() {
        FullHttpRequest request = get("/");
        request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        channel.writeInbound(request);

        assertClosingResponse(HttpResponseStatus.OK);
        assertFalse(channel.isOpen());
    }

    @Test
    void drainClosesAnIdleKeepAliveConnectionOnceItHasBeenQuietForTheGrace() {
        channel.writeInbound(get("/"));
        release(channel.readOutbound());
        connections.startDraining();
        elapse(HttpConnection.QUIET_GRACE.toMillis() - 1);
        assertTrue(channel.isOpen());

        elapse(1);

        assertFalse(channel.isOpen());
    }

    @Test
    void drainClosesAConnectionQuietLongerThanTheGraceAtOnce() {
        channel.writeInbound(get("/"));
        release(channel.readOutbound());
        elapse(HttpConnection.QUIET_GRACE.toMillis());

        connections.startDraining();
        elapse(0);

        assertFalse(channel.isOpen());
    }

    @Test
    void requestOnAnIdleConnectionDuringTheGraceIsAnsweredWithClose() {
        channel.writeInbound(get("/"));
        release(channel.readOutbound());
        connections.startDraining();

        channel.writeInbound(get("/"));

        assertClosingResponse(HttpResponseStatus.OK);
        assertFalse(channel.isOpen());
    }

    @Test
    void drainLetsTheRequestInProgressFinishWithConnectionClose() {
        channel.writeInbound(get("/slow?ms=1000"));
        connections.startDraining();
        assertTrue(channel.isOpen(), "busy connections are not cut");
        assertNull(channel.readOutbound());

        elapse(1000);

        assertEquals("slept 1000 ms\n", assertClosingResponse(HttpResponseStatus.OK));
        assertFalse(channel.isOpen());
    }

    @Test
    void connectionAcceptedJustBeforeTheDrainStillGetsItsFirstRequestAnswered() {
        connections.startDraining();
        assertTrue(channel.isOpen(), "a new connection's request is probably on its way");

        channel.writeInbound(get("/"));

        assertClosingResponse(HttpResponseStatus.OK);
        assertFalse(channel.isOpen());
    }

    @Test
    void connectionThatNeverSendsARequestIsClosedWhenItsGraceEnds() {
        connections.startDraining();
        elapse(HttpConnection.QUIET_GRACE.toMillis() - 1);
        assertTrue(channel.isOpen());

        elapse(1);

        assertFalse(channel.isOpen());
    }

    @Test
    void connectionOpenedAfterTheDrainStartedDrainsToo() {
        connections.startDraining();
        EmbeddedChannel late = open();

        late.writeInbound(get("/"));

        FullHttpResponse response = late.readOutbound();
        assertTrue(response.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true));
        assertFalse(late.isOpen());
        response.release();
        late.finishAndReleaseAll();
    }

    @Test
    void pipelinedRequestsAreAnsweredOneAtATimeInOrder() {
        channel.writeInbound(get("/slow?ms=50"), get("/healthz"));
        assertNull(channel.readOutbound(), "the second waits for the first");

        elapse(50);

        assertEquals("slept 50 ms\n", body(channel.readOutbound()));
        assertEquals("ok\n", body(channel.readOutbound()));
        assertTrue(channel.isOpen());
    }

    @Test
    void requestsPipelinedBehindTheDrainingResponseAreDroppedForTheClientToRetry() {
        FullHttpRequest waiting = get("/healthz");
        channel.writeInbound(get("/slow?ms=50"), waiting);
        connections.startDraining();

        elapse(50);

        assertEquals("slept 50 ms\n", assertClosingResponse(HttpResponseStatus.OK));
        assertNull(channel.readOutbound());
        assertEquals(0, waiting.refCnt(), "the dropped request was released");
        assertFalse(channel.isOpen());
    }

    @Test
    void healthCheckDuringDrainSaysUnavailable() {
        channel.writeInbound(get("/slow?ms=10"));
        connections.startDraining();
        elapse(10);
        release(channel.readOutbound());

        EmbeddedChannel late = open();
        late.writeInbound(get("/healthz"));
        FullHttpResponse response = late.readOutbound();

        assertEquals(HttpResponseStatus.SERVICE_UNAVAILABLE, response.status());
        response.release();
        late.finishAndReleaseAll();
    }

    private EmbeddedChannel open() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.config().setAutoRead(false);
        connections.add(ch);
        ch.pipeline().addLast(new HttpConnection(routes, connections, PID));
        ch.pipeline().fireChannelActive();
        return ch;
    }

    private void elapse(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    private String assertClosingResponse(HttpResponseStatus status) {
        FullHttpResponse response = channel.readOutbound();
        assertEquals(status, response.status());
        assertTrue(response.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true),
                "Connection: close, got " + response.headers());
        return body(response);
    }

    private static String body(FullHttpResponse response) {
        try {
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    private static void release(FullHttpResponse response) {
        response.release();
    }

    private static FullHttpRequest get(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }
}
