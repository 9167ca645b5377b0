package dev.groundwork.events;

/** A stream entry that is not a CloudEvents 1.0 JSON event we can read; the message says why. */
public class MalformedEventException extends Exception {
    public MalformedEventException(String reason) {
        super(reason);
    }
}
