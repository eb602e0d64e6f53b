package dev.endlessd.sample;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One client connection speaking HTTP/1.1 by hand, so that a test controls keep-alive and sees exactly
 * how the server ends it: a clean EOF reads as -1, a reset throws. TCP or unix socket alike.
 */
final class RawHttpConnection implements AutoCloseable {

    record Response(int status, Map<String, String> headers, String body) {

        boolean closes() {
            return "close".equalsIgnoreCase(headers.get("connection"));
        }
    }

    private final SocketChannel channel;
    private final InputStream in;

    RawHttpConnection(SocketAddress address) throws IOException {
        channel = SocketChannel.open(address);
        in = new BufferedInputStream(Channels.newInputStream(channel));
    }

    void send(String path) throws IOException {
        ByteBuffer request = ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: it\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        while (request.hasRemaining()) {
            channel.write(request);
        }
    }

    Response get(String path) throws IOException {
        send(path);
        return readResponse();
    }

    Response readResponse() throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new IOException("connection closed before any response (an empty reply)");
        }
        Map<String, String> headers = new TreeMap<>();
        for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers,
                new String(body, StandardCharsets.UTF_8));
    }

    /** Blocks until the server closes the connection; fails if it sends more bytes or resets it. */
    void awaitServerClose() throws IOException {
        int next = in.read();
        if (next != -1) {
            throw new IOException("expected the server to close the connection, but it sent more data");
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
