package dev.endlessd.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One HTTP/1.0 request on a fresh connection, so every request goes through accept(). */
public final class Http {
    private static final int TIMEOUT_MILLIS = 10_000;

    private Http() {
    }

    /** A response: status code and body. */
    public record Response(int status, String body) {
        /** The {@code pid=} a fixture worker puts in its body. */
        public int workerPid() {
            return Integer.parseInt(field("pid"));
        }

        public String field(String name) {
            for (String part : body.trim().split(" ")) {
                if (part.startsWith(name + "=")) {
                    return part.substring(name.length() + 1);
                }
            }
            throw new AssertionError("no " + name + "= in " + body);
        }
    }

    public static Response get(int port, String path) throws IOException {
        try (Pending request = send(port, path)) {
            return request.response();
        }
    }

    /** Connects and sends the request; the answer is read later, when the test knows one can come. */
    public static Pending send(int port, String path) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new Pending(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** A request sent on its own connection, whose answer has not been read yet. */
    public static final class Pending implements AutoCloseable {
        private final Socket socket;

        private Pending(Socket socket) {
            this.socket = socket;
        }

        /** Reads the whole answer, waiting at most the timeout for each read. */
        public Response response() throws IOException {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int headerEnd = response.indexOf("\r\n\r\n");
            if (!response.startsWith("HTTP/1.") || headerEnd < 0) {
                throw new IOException("malformed or empty response: \"" + response + "\"");
            }
            int status = Integer.parseInt(response.substring(9, 12));
            return new Response(status, response.substring(headerEnd + 4));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
