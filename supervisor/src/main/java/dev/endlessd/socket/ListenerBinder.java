package dev.endlessd.socket;

import dev.endlessd.os.Posix;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Errors;
import java.io.IOException;
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
 * Binds listening sockets with Netty's epoll transport and leaves them unaccepted: {@code AUTO_READ}
 * is off, so the channel never asks epoll for accept events; workers accept on their copies.
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
                bound.add(bind(spec));
            }
            return bound;
        } catch (ListenException | RuntimeException e) {
            bound.forEach(Listener::close);
            throw e;
        }
    }

    private Listener bind(ListenSpec spec) throws ListenException {
        if (spec.address() instanceof ListenAddress.Unix unix) {
            prepareUnixPath(unix);
            Channel channel = open(spec, EpollServerDomainSocketChannel.class, new DomainSocketAddress(unix.path().toFile()));
            return listener(spec, unix.toString(), channel);
        }
        ListenAddress.Tcp tcp = (ListenAddress.Tcp) spec.address();
        Channel channel = open(spec, EpollServerSocketChannel.class, resolve(tcp));
        InetSocketAddress local = (InetSocketAddress) channel.localAddress();
        // What was bound, in the syntax of --listen: the port the kernel picked for :0, "*" for every address.
        String host = tcp.host() == null ? "*" : local.getAddress().getHostAddress();
        return listener(spec, new ListenAddress.Tcp(host, local.getPort()).toString(), channel);
    }

    private Listener listener(ListenSpec spec, String description, Channel channel) throws ListenException {
        int fd = ((UnixChannel) channel).fd().intValue();
        try {
            // O_NONBLOCK lives on the open file description every worker shares: set once, before the
            // first worker exists, and never toggled; a worker doing a plain blocking accept() would
            // otherwise fail with EAGAIN.
            Posix.clearNonBlocking(fd);
        } catch (IOException e) {
            channel.close();
            throw new ListenException("listen " + spec.address() + ": " + e.getMessage());
        }
        return new Listener(spec.name(), description, fd, channel);
    }

    private Channel open(ListenSpec spec, Class<? extends Channel> type, SocketAddress address) throws ListenException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(type.asSubclass(io.netty.channel.ServerChannel.class))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.SO_BACKLOG, backlog)
                .childHandler(new ChannelInboundHandlerAdapter());
        if (type == EpollServerSocketChannel.class) {
            bootstrap.option(ChannelOption.SO_REUSEADDR, true);
        }
        ChannelFuture future = bootstrap.bind(address).awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new ListenException(explain(spec.address(), future.cause()));
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

    private static String explain(ListenAddress address, Throwable cause) {
        String prefix = "listen " + address + ": ";
        if (cause instanceof Errors.NativeIoException nativeError) {
            Errno errno = Errno.valueOf(Math.abs(nativeError.expectedErr()));
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
