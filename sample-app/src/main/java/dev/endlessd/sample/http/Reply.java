package dev.endlessd.sample.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A response decided by {@link Routes}: a text body, sent after {@code delay}. */
record Reply(HttpResponseStatus status, String body, Duration delay, Map<String, String> headers) {

    static Reply text(HttpResponseStatus status, String body) {
        return new Reply(status, body, Duration.ZERO, Map.of());
    }

    Reply after(Duration delay) {
        return new Reply(status, body, delay, headers);
    }

    Reply withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Reply(status, body, delay, Map.copyOf(more));
    }
}
