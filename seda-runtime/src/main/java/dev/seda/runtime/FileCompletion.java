package dev.seda.runtime;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The outcome of one {@link AsyncFiles} request, delivered to the stage that asked for it. A failed
 * request arrives as a completion too, with its {@code error}: no request is ever lost.
 *
 * @param path the file
 * @param op what was asked
 * @param attachment the caller's context, handed back unchanged (e.g. the connection to answer)
 * @param bytes bytes read or written; -1 at end of file for a read
 * @param data the bytes read (READ, READ_ALL), flipped for reading; null otherwise
 * @param error why it failed, or null
 */
public record FileCompletion<A>(Path path, FileOp op, A attachment, long bytes, ByteBuffer data, Exception error) {

    public boolean ok() {
        return error == null;
    }
}
