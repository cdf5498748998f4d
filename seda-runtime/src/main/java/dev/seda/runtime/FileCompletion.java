package dev.seda.runtime;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

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
 * @param lastModified the file's modification time as it was just before a READ_ALL read it (a web
 *     server's Last-Modified); null for the other operations
 */
public record FileCompletion<A>(Path path, FileOp op, A attachment, long bytes, ByteBuffer data, Exception error,
                                FileTime lastModified) {

    /** A completion without a modification time. */
    public FileCompletion(Path path, FileOp op, A attachment, long bytes, ByteBuffer data, Exception error) {
        this(path, op, attachment, bytes, data, error, null);
    }

    public boolean ok() {
        return error == null;
    }
}
