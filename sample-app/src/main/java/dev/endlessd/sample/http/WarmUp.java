package dev.endlessd.sample.http;

import io.netty.channel.Channel;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Runs real requests through the server before it reports ready, so that the first clients after a
 * reload do not pay for class loading and interpretation of a cold JVM.
 *
 * <p>The requests go to a private listener on an ephemeral loopback port, never to the inherited
 * sockets: a connection made there could be accepted by the old worker, or sit in front of real
 * clients. Blocking; call it from the main thread, not from an event loop.
 */
public final class WarmUp {

    private static final String[] PATHS = {"/", "/healthz", "/slow?ms=0", "/warm-up-not-found"};
    private static final int CONNECTIONS = 4;

    private WarmUp() {
    }

    /**
     * Sends {@code requests} keep-alive requests over a few connections to a private listener of
     * {@code server}, then closes it.
     *
     * @throws IOException when the private listener cannot be bound or a request fails
     */
    public static void run(HttpServer server, int requests) throws IOException {
        Channel listener = server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .syncUninterruptibly().channel();
        try {
            InetSocketAddress address = (InetSocketAddress) listener.localAddress();
            for (int c = 0; c < CONNECTIONS; c++) {
                try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                    exchange(socket, requests / CONNECTIONS + (c < requests % CONNECTIONS ? 1 : 0));
                }
            }
        } finally {
            listener.close().syncUninterruptibly();
        }
    }

    private static void exchange(Socket socket, int requests) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        for (int i = 0; i < requests; i++) {
            String path = PATHS[i % PATHS.length];
            out.write(("GET " + path + " HTTP/1.1\r\nHost: warm-up\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            skipResponse(in);
        }
    }

    private static void skipResponse(InputStream in) throws IOException {
        int contentLength = -1;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                contentLength = Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        if (contentLength < 0) {
            throw new IOException("warm-up response without Content-Length");
        }
        in.skipNBytes(contentLength);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("warm-up connection closed mid-response");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
