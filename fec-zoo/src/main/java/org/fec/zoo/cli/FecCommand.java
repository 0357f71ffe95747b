package org.fec.zoo.cli;

/**
 * A command of the {@code fec} launcher contributed by another module (segmentation, detection).
 * Implementations are found with {@link java.util.ServiceLoader}: list them in
 * {@code META-INF/services/org.fec.zoo.cli.FecCommand}.
 */
public interface FecCommand {

    /** The command word, e.g. {@code seg-train}. */
    String name();

    /** Usage lines shown by {@code fec --help}, indented like the built-in commands. */
    String usage();

    /** Runs the command; {@code args[0]} is the command word. Throw {@link Args.UsageException} for bad options. */
    void run(String[] args) throws Exception;
}
