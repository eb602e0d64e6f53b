package dev.endlessd.sample.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connection's lifecycle, and how it ends when the server drains.
 *
 * <p>Requests are served one at a time, in order: auto-read is off, the socket is read again only when
 * no request is waiting, and pipelined requests that one read brought in wait in a queue. (Netty's
 * {@code FlowControlHandler} would do this, but in 4.2.15 to 4.2.18 it loses a {@code read()} issued
 * while a message is being delivered and stalls keep-alive connections; netty/netty#17050.)
 *
 * <p>On drain, each connection picks its <em>handoff moment</em> within the drain's spread
 * ({@link Connections#keepAliveNanos}). Until then it is served as before, keep-alive included; the first
 * response it sends from then on says {@code Connection: close}, and the connection closes after it.
 * Spreading these moments makes the clients of a busy worker reconnect to its successor one after
 * another, not all within the same millisecond. By state:
 * <ul>
 *   <li>{@link State#BUSY}: the response goes out, with {@code Connection: close} once the handoff
 *       moment has passed.</li>
 *   <li>{@link State#NEW} (accepted, no request yet) and {@link State#IDLE} (kept alive between
 *       requests): closed once quiet for {@link #QUIET_GRACE} since the accept or the last response;
 *       a request that arrives before then is answered, with {@code Connection: close} once the handoff
 *       moment has passed. Closing at once would race the request a busy client is sending right now:
 *       on a fresh connection that is a failed request the client will not retry, and even on a reused
 *       one many clients do not retry (RFC 9112, 9.3.1 allows it, no more). A connection quiet that long
 *       is most likely parked in a pool.</li>
 * </ul>
 * Closing is graceful: FIN first, then the connection reads and discards until the client closes or
 * {@link #LINGER} passes. Closing with unread input would make the kernel send RST, which can destroy a
 * response the client has not read yet.
 *
 * <p>Not sharable; every method runs on the connection's event loop.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {

    /** During a drain, how long a connection with no request in progress may stay quiet before it is closed. */
    static final Duration QUIET_GRACE = Duration.ofSeconds(2);

    /** How long a closing connection waits for the client to close its side. */
    static final Duration LINGER = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);

    enum State { NEW, BUSY, IDLE, CLOSING }

    /** {@link #handoffAtNanos} until the drain reaches this connection. */
    private static final long NO_HANDOFF = Long.MAX_VALUE;
    private static final String TEXT_UTF_8 = HttpHeaderValues.TEXT_PLAIN + "; charset=UTF-8";

    private final Routes routes;
    private final Connections connections;
    private final String workerPid;
    private final Queue<FullHttpRequest> waiting = new ArrayDeque<>();
    private State state = State.NEW;
    private long quietSinceNanos;
    /** Ticker time from which responses close the connection. */
    private long handoffAtNanos = NO_HANDOFF;
    /** The pending check that closes a connection quiet for {@link #QUIET_GRACE}, if one is armed. */
    private ScheduledFuture<?> quietCheck;

    HttpConnection(Routes routes, Connections connections, long workerPid) {
        this.routes = routes;
        this.connections = connections;
        this.workerPid = Long.toString(workerPid);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        quietSinceNanos = now(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (connections.isDraining()) {
            drain(ctx);
        }
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.CLOSING || !(msg instanceof FullHttpRequest)) {
            ReferenceCountUtil.release(msg);
        } else if (state == State.BUSY) {
            waiting.add((FullHttpRequest) msg);
        } else {
            serve(ctx, (FullHttpRequest) msg);
        }
    }

    private void serve(ChannelHandlerContext ctx, FullHttpRequest request) {
        try {
            state = State.BUSY;
            Reply reply = routes.reply(request, connections.isDraining());
            boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
            HttpVersion version = request.protocolVersion();
            if (reply.delay().isZero()) {
                respond(ctx, reply, version, keepAlive);
            } else {
                ctx.executor().schedule(() -> respond(ctx, reply, version, keepAlive),
                        reply.delay().toNanos(), TimeUnit.NANOSECONDS);
            }
        } finally {
            request.release();
        }
    }

    private void respond(ChannelHandlerContext ctx, Reply reply, HttpVersion version, boolean keepAlive) {
        if (!ctx.channel().isActive()) {
            return;
        }
        // Decided now, not when the request arrived: a drain may have started while it was in progress.
        boolean close = !keepAlive || handoffDue(ctx);
        FullHttpResponse response = new DefaultFullHttpResponse(version, reply.status(),
                Unpooled.copiedBuffer(reply.body(), StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, TEXT_UTF_8)
                .set("X-Worker-Pid", workerPid);
        reply.headers().forEach(response.headers()::set);
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, !close);
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) written -> {
            if (!written.isSuccess()) {
                ctx.close();
            } else if (close) {
                closeGracefully(ctx);
            } else if (!waiting.isEmpty()) {
                serve(ctx, waiting.remove());
            } else {
                state = State.IDLE;
                quietSinceNanos = now(ctx);
                if (handoffAtNanos != NO_HANDOFF) {
                    closeOnceQuiet(ctx);
                }
                ctx.read();
            }
        });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == Connections.DRAIN_STARTED) {
            drain(ctx);
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    /** Whether the response about to be sent must close the connection because of the drain. */
    private boolean handoffDue(ChannelHandlerContext ctx) {
        if (!connections.isDraining()) {
            return false;
        }
        // The drain's user event may still be on its way to this loop.
        drain(ctx);
        return now(ctx) >= handoffAtNanos;
    }

    /** Picks the handoff moment, once; arms the quiet check for a connection with no request in progress. */
    private void drain(ChannelHandlerContext ctx) {
        if (handoffAtNanos != NO_HANDOFF) {
            return;
        }
        handoffAtNanos = now(ctx) + connections.keepAliveNanos();
        if (state == State.NEW || state == State.IDLE) {
            closeOnceQuiet(ctx);
        }
    }

    /**
     * Closes the connection once it has been quiet for {@link #QUIET_GRACE}. One check is armed at a
     * time; a check that finds the connection served since re-arms itself for the rest.
     */
    private void closeOnceQuiet(ChannelHandlerContext ctx) {
        if (quietCheck != null) {
            return;
        }
        long left = QUIET_GRACE.toNanos() - (now(ctx) - quietSinceNanos);
        quietCheck = ctx.executor().schedule(() -> {
            quietCheck = null;
            if (state != State.NEW && state != State.IDLE) {
                return; // BUSY re-arms when its response leaves it IDLE; CLOSING is on its way out
            }
            if (now(ctx) - quietSinceNanos >= QUIET_GRACE.toNanos()) {
                closeGracefully(ctx);
            } else {
                closeOnceQuiet(ctx);
            }
        }, Math.max(0, left), TimeUnit.NANOSECONDS);
    }

    private static long now(ChannelHandlerContext ctx) {
        return ctx.executor().ticker().nanoTime();
    }

    private void closeGracefully(ChannelHandlerContext ctx) {
        if (state == State.CLOSING) {
            return;
        }
        state = State.CLOSING;
        // Pipelined behind a Connection: close response: RFC 9112, 9.3.2 leaves them to the client to retry.
        releaseWaiting();
        if (!(ctx.channel() instanceof DuplexChannel)) {
            ctx.close();
            return;
        }
        ((DuplexChannel) ctx.channel()).shutdownOutput().addListener(shut -> {
            if (!shut.isSuccess()) {
                ctx.close();
                return;
            }
            ctx.channel().config().setAutoRead(true);
            ctx.executor().schedule(() -> {
                ctx.close();
            }, LINGER.toNanos(), TimeUnit.NANOSECONDS);
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (quietCheck != null) {
            quietCheck.cancel(false);
        }
        releaseWaiting();
        ctx.fireChannelInactive();
    }

    private void releaseWaiting() {
        for (FullHttpRequest request = waiting.poll(); request != null; request = waiting.poll()) {
            request.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection {} failed: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
