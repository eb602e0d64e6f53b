package dev.endlessd.agent.transform;

import java.util.List;
import java.util.Map;

/**
 * Which classes the agent changes, and how: the whole footprint of the agent in one table.
 *
 * <ul>
 *   <li>The JDK's server sockets ({@code ServerSocketChannel}, {@code ServerSocket},
 *       {@code AsynchronousServerSocketChannel}): their calls to bind, listen, accept and
 *       {@code configureBlocking} go through {@code hook.JdkHooks}.
 *   <li>The JDK's selector and selection key: readiness only (an adopted socket's first select).
 *   <li>The JDK's {@code SocketChannel} close: a lingering close while the worker drains.
 *   <li>The JDK's {@code HttpServer}: found at start, drained on SIGTERM, {@code Connection: close} while it drains.
 *   <li>Spring Boot's {@code SpringApplication.run}: default properties for a graceful shutdown, READY on return.
 *   <li>Embedded Jetty and Vert.x: found at start, stopped gracefully on SIGTERM (unless Spring Boot runs them);
 *       Vert.x's HTTP/1.x replies say {@code Connection: close} while the worker drains.
 *   <li>Undertow's graceful shutdown (Spring Boot's): a request on a kept-alive connection is served with
 *       {@code Connection: close} instead of refused with 503.
 *   <li>Tomcat: its replies say {@code Connection: close} while the worker drains (one request per connection).
 *   <li>Netty's native epoll transport: bind, listen, accept and {@code epoll_ctl} of its server socket.
 * </ul>
 */
final class Plan {
    private static final String JDK_HOOKS = Bridges.JDK_BRIDGE;
    private static final String SPRING_HOOKS = "dev/endlessd/agent/hook/SpringHooks";
    private static final String HTTP_SERVER_HOOKS = Bridges.HTTP_SERVER_BRIDGE;
    private static final String NETTY_HOOKS = "dev/endlessd/agent/hook/NettyHooks";
    private static final String EMBEDDED_SERVERS = "dev/endlessd/agent/hook/EmbeddedServers";
    private static final String VERTX_HOOKS = "dev/endlessd/agent/hook/VertxHooks";
    private static final String UNDERTOW_HOOKS = "dev/endlessd/agent/hook/UndertowHooks";
    private static final String TOMCAT_HOOKS = "dev/endlessd/agent/hook/TomcatHooks";
    private static final String TOMCAT_ENDPOINT = "org/apache/tomcat/util/net/AbstractEndpoint";
    private static final String UNDERTOW_GRACEFUL = "io/undertow/server/handlers/GracefulShutdownHandler";

    private static final String NET = "sun/nio/ch/Net";
    private static final String IOUTIL = "sun/nio/ch/IOUtil";
    private static final String BIND_FAMILY = "(Ljava/net/ProtocolFamily;Ljava/io/FileDescriptor;Ljava/net/InetAddress;I)V";
    private static final String BIND = "(Ljava/io/FileDescriptor;Ljava/net/InetAddress;I)V";
    private static final String LISTEN = "(Ljava/io/FileDescriptor;I)V";
    private static final String ACCEPT = "(Ljava/io/FileDescriptor;Ljava/io/FileDescriptor;[Ljava/net/InetSocketAddress;)I";
    private static final String CONFIGURE_BLOCKING = "(Ljava/io/FileDescriptor;Z)V";

    static final Map<String, List<Patch>> PATCHES = Map.ofEntries(
            Map.entry("sun/nio/ch/ServerSocketChannelImpl", List.of(
                    new Patch.Redirect(NET, "bind", BIND_FAMILY, JDK_HOOKS, "channelBind"),
                    new Patch.Redirect(NET, "listen", LISTEN, JDK_HOOKS, "listen"),
                    new Patch.Redirect(NET, "accept", ACCEPT, JDK_HOOKS, "accept"),
                    new Patch.Redirect(IOUTIL, "configureBlocking", CONFIGURE_BLOCKING, JDK_HOOKS, "configureBlocking"))),
            Map.entry("sun/nio/ch/NioSocketImpl", List.of(
                    new Patch.Redirect(NET, "bind", BIND, JDK_HOOKS, "serverSocketBind"),
                    new Patch.Redirect(NET, "listen", LISTEN, JDK_HOOKS, "listen"),
                    new Patch.Redirect(NET, "accept", ACCEPT, JDK_HOOKS, "accept"))),
            Map.entry("sun/nio/ch/AsynchronousServerSocketChannelImpl", List.of(
                    new Patch.Redirect(NET, "bind", BIND, JDK_HOOKS, "asyncBind"),
                    new Patch.Redirect(NET, "listen", LISTEN, JDK_HOOKS, "listen"))),
            Map.entry("sun/nio/ch/UnixAsynchronousServerSocketChannelImpl", List.of(
                    new Patch.Redirect(NET, "accept", ACCEPT, JDK_HOOKS, "accept"))),
            Map.entry("sun/nio/ch/SocketChannelImpl", List.of(
                    new Patch.OnEntry("implCloseSelectableChannel", "()V", JDK_HOOKS, "closing",
                            "(Ljava/nio/channels/SocketChannel;)V", false, false))),
            Map.entry("sun/nio/ch/SelectionKeyImpl", List.of(
                    new Patch.OnEntry("interestOps", "(I)Ljava/nio/channels/SelectionKey;", JDK_HOOKS, "interestOps",
                            "(Ljava/nio/channels/SelectionKey;I)V", false, false))),
            Map.entry("sun/nio/ch/SelectorImpl", List.of(
                    new Patch.OnEntry("lockAndDoSelect", "(Ljava/util/function/Consumer;J)I", JDK_HOOKS, "selecting",
                            "(Ljava/nio/channels/Selector;Ljava/util/function/Consumer;J)V", false, false))),
            Map.entry("sun/net/httpserver/ServerImpl", List.of(
                    new Patch.OnEntry("start", "()V", HTTP_SERVER_HOOKS, "starting", "(Ljava/lang/Object;)V", false, false))),
            Map.entry("sun/net/httpserver/ExchangeImpl", List.of(
                    new Patch.OnEntry("sendResponseHeaders", "(IJ)V", HTTP_SERVER_HOOKS, "responding",
                            "(Ljava/lang/Object;IJ)V", false, false))),
            Map.entry("org/springframework/boot/SpringApplication", List.of(
                    new Patch.OnEntry("run", "([Ljava/lang/String;)Lorg/springframework/context/ConfigurableApplicationContext;",
                            SPRING_HOOKS, "starting", "(Ljava/lang/Object;[Ljava/lang/String;)V", false, false),
                    new Patch.BeforeReturn("run",
                            "([Ljava/lang/String;)Lorg/springframework/context/ConfigurableApplicationContext;",
                            SPRING_HOOKS, "ready"))),
            Map.entry("org/eclipse/jetty/server/Server", List.of(
                    new Patch.OnEntry("doStart", "()V", EMBEDDED_SERVERS, "jettyStarting", "(Ljava/lang/Object;)V", false,
                            false))),
            Map.entry("io/vertx/core/http/impl/HttpServerImpl", List.of(
                    new Patch.OnEntry("listen", "(Lio/vertx/core/net/SocketAddress;)Lio/vertx/core/Future;", EMBEDDED_SERVERS,
                            "vertxListening", "(Ljava/lang/Object;Ljava/lang/Object;)V", false, false))),
            Map.entry("io/vertx/core/http/impl/Http1xServerResponse", List.of(
                    new Patch.FieldRead("io/vertx/core/http/impl/Http1xServerResponse", "keepAlive", "Z", VERTX_HOOKS,
                            "keepAlive"))),
            Map.entry(TOMCAT_ENDPOINT, List.of(
                    new Patch.FieldRead(TOMCAT_ENDPOINT, "maxKeepAliveRequests", "I", TOMCAT_HOOKS,
                            "maxKeepAliveRequests"))),
            Map.entry(UNDERTOW_GRACEFUL, List.of(
                    new Patch.OnEntry("handleRequest", "(Lio/undertow/server/HttpServerExchange;)V", UNDERTOW_HOOKS,
                            "handling", "(Ljava/lang/Object;Ljava/lang/Object;)V", false, false),
                    new Patch.AfterCall("handleRequest", UNDERTOW_GRACEFUL, "isShutdown", "(J)Z", UNDERTOW_HOOKS,
                            "refuses"))),
            Map.entry("io/netty/channel/unix/Socket", List.of(
                    new Patch.OnEntry("bind", "(Ljava/net/SocketAddress;)V", NETTY_HOOKS, "bind",
                            "(Ljava/lang/Object;Ljava/net/SocketAddress;)Z", false, true),
                    new Patch.OnEntry("listen", "(I)V", NETTY_HOOKS, "listen", "(Ljava/lang/Object;I)Z", false, true),
                    new Patch.OnEntry("accept", "([B)I", NETTY_HOOKS, "accepting", "(Ljava/lang/Object;[B)V", false,
                            false))),
            Map.entry("io/netty/channel/epoll/Native", List.of(
                    new Patch.OnEntry("epollCtlMod", "(III)V", NETTY_HOOKS, "epollCtlMod", "(Ljava/lang/Class;III)Z",
                            true, true))));

    private Plan() {
    }
}
