package dev.seda.runtime;

import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * File requests whose completions go to one stage: what an emitter offers for a target stage that
 * takes {@code FileCompletion<A>}, e.g. {@code out.fileRead().readAll(path, request)}. The graph's
 * {@link AsyncFiles} performs them; each returns whether the request was admitted.
 */
public final class FileRequests<A> {
    private final AsyncFiles files;
    private final Sink<? super FileCompletion<A>> completions;

    public FileRequests(AsyncFiles files, Sink<? super FileCompletion<A>> completions) {
        this.files = Objects.requireNonNull(files, "files");
        this.completions = Objects.requireNonNull(completions, "completions");
    }

    /** Reads the whole file; the completion carries its bytes. */
    public boolean readAll(Path file, A attachment) {
        return files.readAll(file, attachment, completions);
    }

    /** Opens a file for a sequence of requests; null when not admitted. See {@link AsyncFiles#open}. */
    public AsyncFiles.AsyncFile<A> open(Path file, Set<? extends OpenOption> options, A attachment) {
        return files.open(file, options, attachment, completions);
    }
}
