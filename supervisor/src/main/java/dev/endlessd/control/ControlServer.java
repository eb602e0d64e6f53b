package dev.endlessd.control;

import dev.endlessd.daemon.Supervisor;
import dev.endlessd.log.ThrottledWarning;
import dev.endlessd.watch.WatchStatus;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's control socket: a unix stream socket, mode 0600, served on the supervisor's own
 * event loop so that every request calls the {@link Supervisor} on its thread.
 *
 * <p>Protocol, one request per connection:
 * <ul>
 * <li>The client sends one line of printable ASCII ending in {@code \n}, at most
 *     {@value #MAX_REQUEST_BYTES} bytes, within {@link #REQUEST_DEADLINE} of connecting:
 *     {@code reload}, {@code reload nowait}, {@code status}, {@code status json}, {@code check}, {@code stop} or
 *     {@code help} (see {@link ControlRequest}).
 * <li>The daemon answers with one line, {@code ok[ TEXT]} or {@code error KIND TEXT} where KIND is
 *     {@code failed} (tried, did not work), {@code denied} (another user) or {@code invalid}
 *     (not a request), then the body if any (status text, one JSON line, the help list), then
 *     closes the connection.
 * <li>{@code reload} answers when the outcome is known:
 *     {@code ok reloaded gen=8 pid=4242 time_to_ready=120ms} or {@code error failed REASON}.
 *     {@code stop} answers {@code ok stopping pid=PID} at once and keeps the connection open
 *     until the daemon exits, so that its end tells the client the daemon is gone.
 * </ul>
 * Peers are checked with {@code SO_PEERCRED}: only the daemon's own uid and root are served; the
 * 0600 mode and the private directory are the first fence, the uid check the one that holds when
 * someone loosens them. At most {@value ConnectionLimit#MAX_CONNECTIONS} connections are open at once
 * (see {@link ConnectionLimit}), and what a peer can make the daemon log is throttled.
 *
 * <p>{@link #bind} and {@link #close} may be called from any thread; everything else runs on the
 * event loop.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    static final int MAX_REQUEST_BYTES = 256;
    static final Duration REQUEST_DEADLINE = Duration.ofSeconds(5);

    private final Channel server;
    private final ChannelGroup connections;
    /** Set when the socket was taken over after an upgrade: Netty removes only a file its channel bound. */
    private final Path adoptedPath;

    private ControlServer(Channel server, ChannelGroup connections, Path adoptedPath) {
        this.server = server;
        this.connections = connections;
        this.adoptedPath = adoptedPath;
    }

    /**
     * Serves the control socket this process already listens on as {@code fd}: the one the previous
     * code of this process bound, carried across an upgrade. Connections that queued meanwhile are
     * accepted now. On failure the descriptor is closed.
     */
    public static ControlServer adopt(int fd, Path path, EventLoop loop, Supervisor supervisor, DaemonInfo daemon,
                                      Supplier<Optional<WatchStatus>> watch, int ownerUid, Clock clock)
            throws IOException {
        ChannelGroup connections = new DefaultChannelGroup("control", loop);
        EpollServerDomainSocketChannel channel = new EpollServerDomainSocketChannel(fd, true); // listening already: active
        ChannelFuture registered = new ServerBootstrap()
                .group(loop)
                .channelFactory(() -> channel)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new Connections(connections, supervisor, daemon, watch, ownerUid, clock, loop))
                .register()
                .awaitUninterruptibly();
        if (!registered.isSuccess()) {
            channel.unsafe().closeForcibly(); // the descriptor is closed, whether Netty did already or not
            throw new IOException("cannot serve the control socket " + path + " after the upgrade: "
                    + registered.cause().getMessage(), registered.cause());
        }
        return new ControlServer(channel, connections, path);
    }

    /** The listening socket's descriptor, to carry across an upgrade. */
    public int fd() {
        return ((EpollServerDomainSocketChannel) server).fd().intValue();
    }

    /**
     * Listens on {@code path}, which must not exist (see {@link ControlSocketFile#claim}).
     *
     * @param watch    what {@code --reload-on-change} watches and saw last, if anything; called on the loop
     * @param ownerUid the uid served besides root: the daemon's own
     * @throws IOException naming the path and the fix
     */
    public static ControlServer bind(Path path, EventLoop loop, Supervisor supervisor, DaemonInfo daemon,
                                     Supplier<Optional<WatchStatus>> watch, int ownerUid, Clock clock)
            throws IOException {
        ChannelGroup connections = new DefaultChannelGroup("control", loop);
        ChannelFuture bound = new ServerBootstrap()
                .group(loop)
                .channel(EpollServerDomainSocketChannel.class)
                // a short accept queue: thousands of connections queued by a flood would each be accepted
                // and shed before a real client's turn came; beyond it, connect() waits or fails at once
                .option(ChannelOption.SO_BACKLOG, ConnectionLimit.MAX_CONNECTIONS)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new Connections(connections, supervisor, daemon, watch, ownerUid, clock, loop))
                .bind(new DomainSocketAddress(path.toFile()))
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen on control socket " + path + ": " + bound.cause().getMessage()
                    + " (pass --control-socket to use another path)", bound.cause());
        }
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            bound.channel().close().syncUninterruptibly();
            throw new IOException("cannot make control socket " + path + " private (mode 0600): " + e.getMessage(), e);
        }
        return new ControlServer(bound.channel(), connections, null);
    }

    /**
     * Stops listening (which removes the socket file) and closes every open connection, which is
     * how waiting {@code stop} clients learn that the daemon is gone.
     */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
        connections.close().syncUninterruptibly();
        if (adoptedPath != null) {
            try {
                Files.deleteIfExists(adoptedPath);
            } catch (IOException e) {
                log.warn("cannot remove the control socket {}: {}", adoptedPath, e.getMessage());
            }
        }
    }

    private static final class Connections extends ChannelInitializer<EpollDomainSocketChannel> {
        private final ChannelGroup connections;
        private final Supervisor supervisor;
        private final DaemonInfo daemon;
        private final Supplier<Optional<WatchStatus>> watch;
        private final int ownerUid;
        private final Clock clock;
        private final ConnectionLimit limit;
        private final ThrottledWarning denials;
        private final ThrottledWarning refusals;

        Connections(ChannelGroup connections, Supervisor supervisor, DaemonInfo daemon,
                    Supplier<Optional<WatchStatus>> watch, int ownerUid, Clock clock, EventLoop loop) {
            this.connections = connections;
            this.supervisor = supervisor;
            this.daemon = daemon;
            this.watch = watch;
            this.ownerUid = ownerUid;
            this.clock = clock;
            this.limit = new ConnectionLimit(new ThrottledWarning(log, loop, "control", "connections shed"));
            this.denials = new ThrottledWarning(log, loop, "control", "connections of other users refused");
            this.refusals = new ThrottledWarning(log, loop, "control", "requests refused");
        }

        @Override
        protected void initChannel(EpollDomainSocketChannel channel) {
            connections.add(channel);
            if (!limit.admit(channel)) {
                channel.pipeline().addLast(new Refusal(ControlReply.error(ControlReply.Kind.FAILED,
                        "endlessd '" + daemon.name() + "' has " + ConnectionLimit.MAX_CONNECTIONS + " control"
                                + " connections open, all waiting for an answer: try again once one is answered")));
                return;
            }
            PeerCredentials peer;
            try {
                peer = channel.peerCredentials();
            } catch (IOException e) {
                log.warn("control: cannot read the peer's credentials (SO_PEERCRED): {}; connection closed", e.getMessage());
                channel.close();
                return;
            }
            String who = "pid " + peer.pid() + " uid " + peer.uid();
            if (peer.uid() != ownerUid && peer.uid() != 0) {
                denials.warn("control: refused {}: only uid {} and root may control endlessd '{}'", who, ownerUid,
                        daemon.name());
                channel.pipeline().addLast(new Refusal(ControlReply.error(ControlReply.Kind.DENIED,
                        "uid " + peer.uid() + " may not control endlessd '" + daemon.name() + "', which runs as uid "
                                + ownerUid + " (run the command as uid " + ownerUid + " or as root)")));
                return;
            }
            channel.pipeline().addLast(new RequestReader(MAX_REQUEST_BYTES, REQUEST_DEADLINE, who, refusals),
                    new RequestArrived(limit), new RequestDispatcher(supervisor, daemon, watch, clock, who));
        }
    }

    /** Tells the limit that a connection's request came whole, so it is not taken for a staller. */
    private static final class RequestArrived extends ChannelInboundHandlerAdapter {
        private final ConnectionLimit limit;

        RequestArrived(ConnectionLimit limit) {
            this.limit = limit;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object request) {
            limit.requestArrived(ctx.channel());
            ctx.fireChannelRead(request);
        }
    }

    /** Answers a peer that may not be served, without reading what it sent. */
    private static final class Refusal extends ChannelInboundHandlerAdapter {
        private final ControlReply reply;

        Refusal(ControlReply reply) {
            this.reply = reply;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Replies.send(ctx, reply, "").addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
