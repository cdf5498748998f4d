package dev.seda.runtime;

/** The file operations {@link AsyncFiles} performs. */
public enum FileOp { OPEN, READ, READ_ALL, WRITE, APPEND, FLUSH, CLOSE }
