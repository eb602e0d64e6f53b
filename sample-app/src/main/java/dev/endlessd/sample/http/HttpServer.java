package dev.endlessd.sample.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample HTTP service: serves on any number of listeners, and drains on request.
 *
 * <p>Lifecycle: serving, then draining after {@link #drain}, then drained when its future completes.
 * The drain is driven by one event loop of the acceptor group; other threads only post to it.
 *
 * <p>Thread-safe.
 */
public final class HttpServer {

    /** Where the server is in its life; it only moves forward. */
    private enum Phase {
        /** Accepting and serving. */
        SERVING,
        /** Listeners closed; the open connections are finishing. */
        DRAINING,
        /** No connection left, or the deadline closed them; {@link #drain}'s future is complete. */
        DRAINED
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final AppInfo info;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final EventLoop owner;
    private final Connections connections;
    private final ChannelGroup listeners;
    private final Routes routes;
    private final Promise<DrainResult> drained;
    private volatile Phase phase = Phase.SERVING;

    // Written by `owner` only.
    private long drainStartedNanos;
    private boolean listenersClosed;
    private int connectionsCut;

    /**
     * @param acceptors the group that runs the listeners (one loop is plenty)
     * @param workers   the group that runs accepted connections
     */
    public HttpServer(AppInfo info, EventLoopGroup acceptors, EventLoopGroup workers) {
        this.info = info;
        this.acceptors = acceptors;
        this.workers = workers;
        this.owner = acceptors.next();
        this.connections = new Connections(owner);
        this.listeners = new DefaultChannelGroup("listeners", owner);
        this.routes = new Routes(info);
        this.drained = owner.newPromise();
    }

    /**
     * Starts accepting on an inherited listener, already bound and listening. It is registered, never
     * bound.
     *
     * @return completes when the listener is accepting
     */
    public ChannelFuture serve(ServerChannel listener) {
        return track(bootstrap().channelFactory(() -> listener).register());
    }

    /**
     * Binds a new TCP listener of our own ({@code port 0} picks a free one).
     *
     * @return completes with the bound channel, whose {@code localAddress()} tells the port
     */
    public ChannelFuture bind(SocketAddress address) {
        return track(bootstrap().channel(EpollServerSocketChannel.class).bind(address));
    }

    private ChannelFuture track(ChannelFuture listening) {
        listening.addListener(done -> {
            if (done.isSuccess()) {
                listeners.add(listening.channel());
                if (phase != Phase.SERVING) {
                    listening.channel().close();
                }
            }
        });
        return listening;
    }

    private ServerBootstrap bootstrap() {
        return new ServerBootstrap()
                .group(acceptors, workers)
                .handler(new AcceptedConnections())
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(
                                new HttpServerCodec(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new HttpConnection(routes, connections, info.pid()));
                    }
                });
    }

    /** Number of connections currently open. */
    public int openConnections() {
        return connections.size();
    }

    /**
     * Stops accepting at once, lets requests in progress finish, and hands keep-alive connections over:
     * each goes on being served until a moment of its own within {@code spread}, then its next response
     * says {@code Connection: close}. Closes connections that stay quiet, and completes when no connection
     * is left, or at {@code deadline}, closing whatever is left. Calling it again returns the same future
     * and keeps the first deadline and spread.
     *
     * @param spread shorter than {@code deadline}; {@link Duration#ZERO} closes every connection after its
     *               next response
     */
    public Future<DrainResult> drain(Duration deadline, Duration spread) {
        if (spread.isNegative() || spread.compareTo(deadline) >= 0) {
            throw new IllegalArgumentException("spread: " + spread.toMillis() + " ms (expected: >= 0 and shorter"
                    + " than the deadline, " + deadline.toMillis() + " ms)");
        }
        owner.execute(() -> startDrain(deadline, spread));
        return drained;
    }

    private void startDrain(Duration deadline, Duration spread) {
        if (phase != Phase.SERVING) {
            return;
        }
        phase = Phase.DRAINING;
        drainStartedNanos = System.nanoTime();
        connections.startDraining(spread);
        // Logged once every connection is sure to close after its handoff moment; tests wait for this line.
        LOG.info("drain started: closing {} listener(s); {} connection(s) open, handing keep-alive connections"
                + " over within {} ms, deadline in {} ms", listeners.size(), connections.size(), spread.toMillis(),
                deadline.toMillis());
        listeners.close().addListener(closed -> {
            listenersClosed = true;
            finishIfDone();
        });
        owner.schedule(() -> cutAtDeadline(deadline), deadline.toNanos(), TimeUnit.NANOSECONDS);
        Future<?> progress = owner.scheduleAtFixedRate(this::logProgress, PROGRESS_EVERY.toNanos(),
                PROGRESS_EVERY.toNanos(), TimeUnit.NANOSECONDS);
        drained.addListener(done -> progress.cancel(false));
    }

    private void logProgress() {
        LOG.info("draining: {} connection(s) left", connections.size());
    }

    private void connectionClosed() {
        owner.execute(this::finishIfDone);
    }

    private void finishIfDone() {
        if (phase == Phase.DRAINING && listenersClosed && connections.isEmpty()) {
            phase = Phase.DRAINED;
            drained.setSuccess(new DrainResult(connectionsCut, sinceDrainStarted()));
        }
    }

    private void cutAtDeadline(Duration deadline) {
        if (phase != Phase.DRAINING) {
            return;
        }
        // Recorded before closing: each close reaches finishIfDone on its own, possibly before closeAll completes.
        connectionsCut = connections.size();
        LOG.warn("drain deadline ({} ms) reached with {} connection(s) still open; closing them (raise"
                + " --drain-timeout if requests legitimately take this long)", deadline.toMillis(), connectionsCut);
        connections.closeAll().addListener(closed -> finishIfDone());
    }

    private Duration sinceDrainStarted() {
        return Duration.ofNanos(System.nanoTime() - drainStartedNanos);
    }

    /** Sees each connection on the acceptor loop the moment it is accepted, before it is registered. */
    private final class AcceptedConnections extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel connection = (Channel) msg;
            connections.add(connection);
            connection.closeFuture().addListener(closed -> connectionClosed());
            ctx.fireChannelRead(msg);
        }
    }
}
