package example.vertx;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * A plain Vert.x 5 HTTP server: {@code --native} asks for Netty's epoll transport, as an app does
 * with {@code setPreferNativeTransport(true)}. Nothing in it knows about endlessd.
 */
public final class Main {
    private static final long PID = ProcessHandle.current().pid();

    public static void main(String[] args) {
        boolean preferNative = args.length > 1 && args[1].equals("--native");
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(preferNative));
        System.out.println("transport: " + (vertx.isNativeTransportEnabled() ? "native" : "nio"));
        vertx.createHttpServer()
                .requestHandler(request -> {
                    String sleep = request.getParam("sleep");
                    if (sleep == null) {
                        request.response().end("hello from " + PID + "\n");
                    } else {
                        vertx.setTimer(Long.parseLong(sleep), id -> request.response().end("hello from " + PID + "\n"));
                    }
                })
                .listen(Integer.parseInt(args.length > 0 ? args[0] : "8080"))
                .onFailure(failure -> {
                    failure.printStackTrace();
                    System.exit(1);
                });
    }
}
