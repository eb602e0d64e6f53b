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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connection lifecycle on an embedded channel, with the clock driven by hand. */
class HttpConnectionTest {

    private static final long PID = 77;

    private static final Duration SPREAD = Duration.ofMillis(500);

    /** The handoff moment every connection picks within the spread, from the moment it learns of the drain. */
    private long handoffAfterMillis;
    private final Connections connections = new Connections(ImmediateEventExecutor.INSTANCE,
            bound -> TimeUnit.MILLISECONDS.toNanos(handoffAfterMillis));
    private final Routes routes = new Routes(new AppInfo("1.0", "Hello", PID, OptionalLong.of(3)));
    /** Every channel opened, so that time passes for all of them alike. */
    private final List<EmbeddedChannel> opened = new ArrayList<>();
    private final EmbeddedChannel channel = open();

    @AfterEach
    void releaseEverything() {
        opened.forEach(EmbeddedChannel::finishAndReleaseAll);
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
        connections.startDraining(Duration.ZERO);
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

        connections.startDraining(Duration.ZERO);
        elapse(0);

        assertFalse(channel.isOpen());
    }

    @Test
    void requestOnAnIdleConnectionDuringTheGraceIsAnsweredWithClose() {
        channel.writeInbound(get("/"));
        release(channel.readOutbound());
        connections.startDraining(Duration.ZERO);

        channel.writeInbound(get("/"));

        assertClosingResponse(HttpResponseStatus.OK);
        assertFalse(channel.isOpen());
    }

    @Test
    void drainLetsTheRequestInProgressFinishWithConnectionClose() {
        channel.writeInbound(get("/slow?ms=1000"));
        connections.startDraining(Duration.ZERO);
        assertTrue(channel.isOpen(), "busy connections are not cut");
        assertNull(channel.readOutbound());

        elapse(1000);

        assertEquals("slept 1000 ms\n", assertClosingResponse(HttpResponseStatus.OK));
        assertFalse(channel.isOpen());
    }

    @Test
    void connectionAcceptedJustBeforeTheDrainStillGetsItsFirstRequestAnswered() {
        connections.startDraining(Duration.ZERO);
        assertTrue(channel.isOpen(), "a new connection's request is probably on its way");

        channel.writeInbound(get("/"));

        assertClosingResponse(HttpResponseStatus.OK);
        assertFalse(channel.isOpen());
    }

    @Test
    void connectionThatNeverSendsARequestIsClosedWhenItsGraceEnds() {
        connections.startDraining(Duration.ZERO);
        elapse(HttpConnection.QUIET_GRACE.toMillis() - 1);
        assertTrue(channel.isOpen());

        elapse(1);

        assertFalse(channel.isOpen());
    }

    @Test
    void connectionOpenedAfterTheDrainStartedDrainsToo() {
        connections.startDraining(Duration.ZERO);
        EmbeddedChannel late = open();

        late.writeInbound(get("/"));

        assertClosingResponse(late, HttpResponseStatus.OK);
        assertFalse(late.isOpen());
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
        connections.startDraining(Duration.ZERO);

        elapse(50);

        assertEquals("slept 50 ms\n", assertClosingResponse(HttpResponseStatus.OK));
        assertNull(channel.readOutbound());
        assertEquals(0, waiting.refCnt(), "the dropped request was released");
        assertFalse(channel.isOpen());
    }

    @Test
    void healthCheckDuringDrainSaysUnavailable() {
        channel.writeInbound(get("/slow?ms=10"));
        connections.startDraining(Duration.ZERO);
        elapse(10);
        release(channel.readOutbound());

        EmbeddedChannel late = open();
        late.writeInbound(get("/healthz"));
        FullHttpResponse response = late.readOutbound();

        assertEquals(HttpResponseStatus.SERVICE_UNAVAILABLE, response.status());
        response.release();
    }

    @Test
    void keepAliveConnectionIsServedAsUsualUntilItsHandoffMomentThenClosedAfterItsNextResponse() {
        handoffAfterMillis = 300;
        connections.startDraining(SPREAD);

        channel.writeInbound(get("/"));
        assertKeepAliveResponse();
        elapse(299);
        channel.writeInbound(get("/"));
        assertKeepAliveResponse();
        elapse(1);
        channel.writeInbound(get("/"));

        assertClosingResponse(HttpResponseStatus.OK);
        assertFalse(channel.isOpen());
    }

    @Test
    void requestInProgressAtTheDrainIsAnsweredWithCloseOnlyIfItEndsAfterTheHandoffMoment() {
        handoffAfterMillis = 300;
        channel.writeInbound(get("/slow?ms=100"));
        connections.startDraining(SPREAD);
        elapse(100);
        assertKeepAliveResponse();

        channel.writeInbound(get("/slow?ms=300"));
        elapse(300);

        assertEquals("slept 300 ms\n", assertClosingResponse(HttpResponseStatus.OK));
        assertFalse(channel.isOpen());
    }

    @Test
    void connectionServedDuringTheSpreadIsClosedOnceQuietForTheGraceAfterItsLastResponse() {
        handoffAfterMillis = 300;
        connections.startDraining(SPREAD);
        elapse(100);
        channel.writeInbound(get("/"));
        assertKeepAliveResponse();

        elapse(HttpConnection.QUIET_GRACE.toMillis() - 1);
        assertTrue(channel.isOpen(), "quiet for less than the grace since its last response");
        elapse(1);

        assertFalse(channel.isOpen());
    }

    @Test
    void aRequestDuringTheSpreadRestartsTheQuietClockOfAConnectionThatWasAlmostDueToClose() {
        handoffAfterMillis = 300;
        channel.writeInbound(get("/"));
        assertKeepAliveResponse();
        elapse(HttpConnection.QUIET_GRACE.toMillis() - 500);
        connections.startDraining(SPREAD);
        elapse(100);
        channel.writeInbound(get("/"));
        assertKeepAliveResponse();

        elapse(400);
        assertTrue(channel.isOpen(), "the quiet check armed at the drain's start finds a fresh response");
        elapse(HttpConnection.QUIET_GRACE.toMillis() - 401);
        assertTrue(channel.isOpen());
        elapse(1);

        assertFalse(channel.isOpen());
    }

    @Test
    void eachConnectionCountsItsHandoffMomentFromWhenItLearnsOfTheDrain() {
        handoffAfterMillis = 300;
        connections.startDraining(SPREAD);
        elapse(200);
        EmbeddedChannel late = open();

        elapse(299);
        late.writeInbound(get("/"));
        assertKeepAliveResponse(late);
        elapse(1);
        late.writeInbound(get("/"));

        assertClosingResponse(late, HttpResponseStatus.OK);
        assertFalse(late.isOpen());
    }

    @Test
    void handoffMomentsAreSpreadOverTheWholeSpreadAndNeverPastIt() {
        Connections random = new Connections(ImmediateEventExecutor.INSTANCE);
        random.startDraining(SPREAD);
        long earliest = Long.MAX_VALUE;
        long latest = Long.MIN_VALUE;
        for (int i = 0; i < 10_000; i++) {
            long picked = random.keepAliveNanos();
            earliest = Math.min(earliest, picked);
            latest = Math.max(latest, picked);
        }

        assertTrue(earliest >= 0 && earliest < SPREAD.toNanos() / 10, "earliest " + earliest);
        assertTrue(latest < SPREAD.toNanos() && latest > SPREAD.toNanos() * 9 / 10, "latest " + latest);
    }

    @Test
    void withoutASpreadEveryConnectionHandsOverAtOnce() {
        Connections connections = new Connections(ImmediateEventExecutor.INSTANCE);
        connections.startDraining(Duration.ZERO);

        assertEquals(0, connections.keepAliveNanos());
    }

    private EmbeddedChannel open() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.config().setAutoRead(false);
        connections.add(ch);
        ch.pipeline().addLast(new HttpConnection(routes, connections, PID));
        ch.pipeline().fireChannelActive();
        opened.add(ch);
        return ch;
    }

    private void elapse(long millis) {
        for (EmbeddedChannel ch : opened) {
            ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
        }
    }

    private void assertKeepAliveResponse() {
        assertKeepAliveResponse(channel);
    }

    private static void assertKeepAliveResponse(EmbeddedChannel on) {
        FullHttpResponse response = on.readOutbound();
        assertEquals(HttpResponseStatus.OK, response.status());
        assertFalse(response.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true),
                "keep-alive expected, got " + response.headers());
        response.release();
        assertTrue(on.isOpen());
    }

    private String assertClosingResponse(HttpResponseStatus status) {
        return assertClosingResponse(channel, status);
    }

    private static String assertClosingResponse(EmbeddedChannel on, HttpResponseStatus status) {
        FullHttpResponse response = on.readOutbound();
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
