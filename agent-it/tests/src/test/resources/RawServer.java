import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.charset.StandardCharsets;

/**
 * A bare HTTP/1.0-style server on {@code java.net.ServerSocket} ({@code blocking}) or on
 * {@code AsynchronousServerSocketChannel} ({@code async}, as Tomcat's NIO2 connector listens):
 * {@code java RawServer.java PORT MODE}. One reply per connection; nothing about endlessd.
 */
public class RawServer {
    private static final byte[] REPLY = reply();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        if (args[1].equals("blocking")) {
            ServerSocket server = new ServerSocket(port);
            while (true) {
                Socket client = server.accept();
                new Thread(() -> serve(client)).start();
            }
        }
        AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open().bind(new InetSocketAddress(port));
        server.accept(null, new CompletionHandler<AsynchronousSocketChannel, Void>() {
            @Override
            public void completed(AsynchronousSocketChannel client, Void nothing) {
                server.accept(null, this);
                try (client) {
                    client.read(ByteBuffer.allocate(4096)).get();
                    ByteBuffer reply = ByteBuffer.wrap(REPLY);
                    while (reply.hasRemaining()) {
                        client.write(reply).get();
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }

            @Override
            public void failed(Throwable failure, Void nothing) {
                failure.printStackTrace();
            }
        });
        Thread.currentThread().join();
    }

    private static void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            in.read(new byte[4096]);
            client.getOutputStream().write(REPLY);
        } catch (IOException e) {
            e.printStackTrace();
        }
    }

    private static byte[] reply() {
        String body = "hello from " + ProcessHandle.current().pid() + "\n";
        return ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }
}
