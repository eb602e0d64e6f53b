package example.jetty;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/** A plain embedded Jetty 12 server, written the way its documentation shows: nothing about endlessd. */
public final class Main {
    private static final long PID = ProcessHandle.current().pid();

    public static void main(String[] args) throws Exception {
        Server server = new Server(Integer.parseInt(args.length > 0 ? args[0] : "8080"));
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String sleep = Request.extractQueryParameters(request).getValue("sleep");
                if (sleep != null) {
                    Thread.sleep(Long.parseLong(sleep));
                }
                response.getHeaders().put("Content-Type", "text/plain");
                Content.Sink.write(response, true, "hello from " + PID + "\n", callback);
                return true;
            }
        });
        server.start();
        server.join();
    }
}
