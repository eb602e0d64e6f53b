package dev.endlessd.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NotifyMessageTest {

    @Test
    void readyWithStatusInOneDatagram() {
        NotifyMessage message = NotifyMessage.parse("READY=1\nSTATUS=serving 12 connections\n");
        assertTrue(message.ready());
        assertEquals(Optional.of("serving 12 connections"), message.status());
        assertEquals(List.of(), message.malformedLines());
    }

    @Test
    void readyMustBeExactlyOne() {
        assertFalse(NotifyMessage.parse("READY=0").ready());
        assertFalse(NotifyMessage.parse("READY=yes").ready());
    }

    @Test
    void stoppingAndValuesContainingEquals() {
        NotifyMessage message = NotifyMessage.parse("STOPPING=1\nSTATUS=a=b");
        assertTrue(message.stopping());
        assertEquals(Optional.of("a=b"), message.status());
    }

    @Test
    void extendTimeoutIsInMicroseconds() {
        assertEquals(Optional.of(Duration.ofSeconds(90)), NotifyMessage.parse("EXTEND_TIMEOUT_USEC=90000000").extendTimeout());
        assertEquals(Optional.empty(), NotifyMessage.parse("EXTEND_TIMEOUT_USEC=soon").extendTimeout());
    }

    @Test
    void garbageIsSetAsideWithoutLosingTheValidLines() {
        NotifyMessage message = NotifyMessage.parse("hello\n=1\nready=1\nREADY=1\n\u0000\u0001");
        assertTrue(message.ready());
        assertEquals(List.of("hello", "=1", "ready=1", "\u0000\u0001"), message.malformedLines());
    }

    @Test
    void anEmptyDatagramHasNoFieldAndNoMalformedLine() {
        for (String empty : List.of("", "\n\n")) {
            assertEquals(java.util.Map.of(), NotifyMessage.parse(empty).fields());
            assertEquals(List.of(), NotifyMessage.parse(empty).malformedLines());
        }
    }
}
