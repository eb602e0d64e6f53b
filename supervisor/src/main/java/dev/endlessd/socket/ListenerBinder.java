package dev.endlessd.socket;

import dev.endlessd.os.Posix;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.constants.platform.Errno;

/**
 * Binds listening sockets with Netty's epoll transport, non-blocking, and leaves them unaccepted:
 * {@code AUTO_READ} is off, so the channel never asks epoll for accept events; workers accept on
 * their copies.
 */
public final class ListenerBinder {
    private final EventLoopGroup group;
    private final int backlog;

    public ListenerBinder(EventLoopGroup group, int backlog) {
        this.group = group;
        this.backlog = backlog;
    }

    /** Binds every spec, in order; on failure closes what was bound and throws. */
    public List<Listener> bindAll(List<ListenSpec> specs) throws ListenException {
        List<Listener> bound = new ArrayList<>();
        try {
            for (ListenSpec spec : specs) {
                bound.add(bind(spec, specs.subList(0, bound.size())));
            }
            return bound;
        } catch (ListenException | RuntimeException e) {
            bound.forEach(Listener::close);
            throw e;
        }
    }

    private Listener bind(ListenSpec spec, List<ListenSpec> earlier) throws ListenException {
        if (spec.address() instanceof ListenAddress.Unix unix) {
            prepareUnixPath(unix);
            Channel channel = open(spec, EpollServerDomainSocketChannel::new, new DomainSocketAddress(unix.path().toFile()),
                    null);
            return listener(spec, unix.toString(), channel);
        }
        ListenAddress.Tcp tcp = (ListenAddress.Tcp) spec.address();
        InetSocketAddress address = resolve(tcp);
        Channel channel = open(spec, () -> new EpollServerSocketChannel(family(tcp, address)), address,
                overlapping(tcp, earlier));
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        // What was bound, in the syntax of --listen: the port the kernel picked for :0, "*" for every address.
        String host = tcp.host() == null ? "*" : local.getAddress().getHostAddress();
        return listener(spec, new ListenAddress.Tcp(host, local.getPort()).toString(), channel);
    }

    private Listener listener(ListenSpec spec, String description, Channel channel) throws ListenException {
        int fd = ((UnixChannel) channel).fd().intValue();
        try {
            // Netty creates it non-blocking already; set here all the same, because this is the mode endlessd
            // promises every worker (see Listeners), and Netty's choice is not part of that promise.
            Posix.setNonBlocking(fd);
        } catch (IOException e) {
            channel.close();
            throw new ListenException("listen " + spec.address() + ": " + e.getMessage());
        }
        return new Listener(spec.name(), description, fd, channel);
    }

    /**
     * An IPv4 address gets an AF_INET socket and an IPv6 one AF_INET6, as systemd does; Netty would make
     * every socket dual-stack IPv6, and workers would see IPv4 clients as {@code [::ffff:127.0.0.1]}.
     * Every address ({@code :PORT}) stays dual-stack, so that one socket takes both families.
     */
    private static SocketProtocolFamily family(ListenAddress.Tcp tcp, InetSocketAddress address) {
        return tcp.host() != null && address.getAddress() instanceof Inet4Address
                ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    }

    /** An earlier --listen of the same port, one of them for every address: the two cannot both be bound. */
    private static ListenSpec overlapping(ListenAddress.Tcp tcp, List<ListenSpec> earlier) {
        for (ListenSpec spec : earlier) {
            if (spec.address() instanceof ListenAddress.Tcp other && other.port() == tcp.port() && tcp.port() != 0
                    && (other.host() == null || tcp.host() == null)) {
                return spec;
            }
        }
        return null;
    }

    /** @param overlapping an earlier listener that takes this address too, for the message; null if none */
    private Channel open(ListenSpec spec, ChannelFactory<? extends ServerChannel> factory, SocketAddress address,
                         ListenSpec overlapping) throws ListenException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channelFactory(factory)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.SO_BACKLOG, backlog)
                .childHandler(new ChannelInboundHandlerAdapter());
        if (spec.address() instanceof ListenAddress.Tcp) {
            bootstrap.option(ChannelOption.SO_REUSEADDR, true);
        }
        ChannelFuture future = bootstrap.bind(address).awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new ListenException(explain(spec.address(), future.cause(), overlapping));
        }
        return future.channel();
    }

    private static InetSocketAddress resolve(ListenAddress.Tcp tcp) throws ListenException {
        if (tcp.host() == null) {
            return new InetSocketAddress(tcp.port());
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(tcp.host()), tcp.port());
        } catch (UnknownHostException e) {
            throw new ListenException("listen " + tcp + ": cannot resolve host \"" + tcp.host()
                    + "\" (use an IP address or a name in /etc/hosts)");
        }
    }

    /** Refuses a path in a missing directory or held by a live server; removes a stale socket file. */
    private static void prepareUnixPath(ListenAddress.Unix unix) throws ListenException {
        Path path = unix.path();
        Path directory = path.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new ListenException("listen " + unix + ": directory " + directory
                    + " does not exist (create it first, or choose another path)");
        }
        SocketFile existing;
        try {
            existing = SocketFile.at(path);
        } catch (IOException e) {
            throw new ListenException("listen " + unix + ": cannot check existing socket " + path + ": " + e.getMessage());
        }
        switch (existing) {
            case ABSENT -> { }
            case NOT_A_SOCKET -> throw new ListenException("listen " + unix + ": " + path
                    + " exists and is not a socket (remove it or choose another path)");
            case LIVE -> throw new ListenException("listen " + unix + ": a running server already listens on " + path
                    + " (stop it, or choose another path)");
            case STALE -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new ListenException("listen " + unix + ": cannot remove stale socket " + path + ": "
                            + e.getMessage());
                }
            }
        }
    }

    private static String explain(ListenAddress address, Throwable cause, ListenSpec overlapping) {
        String prefix = "listen " + address + ": ";
        if (cause instanceof Errors.NativeIoException nativeError) {
            Errno errno = Errno.valueOf(Math.abs(nativeError.expectedErr()));
            if (errno == Errno.EADDRINUSE && overlapping != null) {
                return prefix + "address already in use by --listen " + overlapping.address()
                        + ", given before it (an address without a host takes that port on every address): keep one";
            }
            if (errno == Errno.EADDRINUSE) {
                return prefix + "address already in use (another process holds it: see `ss -ltnp`)";
            }
            if (errno == Errno.EACCES) {
                return prefix + (address instanceof ListenAddress.Tcp
                        ? "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)"
                        : "permission denied (the directory is not writable by this user)");
            }
            if (errno == Errno.EADDRNOTAVAIL) {
                return prefix + "address not available (it is not an address of this machine)";
            }
        }
        return prefix + cause.getMessage();
    }
}
