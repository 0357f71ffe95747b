package org.fec.zoo.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Minimal "--name value" option parser; repeated options keep every value. */
public final class Args {

    private final Map<String, List<String>> values = new LinkedHashMap<>();

    public Args(String[] args, int from, Set<String> known, Set<String> flags) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new UsageException("Unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (flags.contains(name)) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException("Option --" + name + " needs a value");
            }
            if (!known.contains(name) && !flags.contains(name)) {
                throw new UsageException("Unknown option --" + name);
            }
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
    }

    public String required(String name) {
        String v = optional(name, null);
        if (v == null) {
            throw new UsageException("Missing required option --" + name);
        }
        return v;
    }

    public String optional(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    /** An integer option, or null when it is absent. */
    public Integer optionalInteger(String name) {
        return optional(name, null) == null ? null : integer(name, 0);
    }

    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    public boolean flag(String name) {
        return values.containsKey(name);
    }

    public int integer(String name, int fallback) {
        String v = optional(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects an integer, got '" + v + "'");
        }
    }

    /** A floating-point option, or {@code fallback} when it is absent. */
    public double number(String name, double fallback) {
        String v = optional(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects a number, got '" + v + "'");
        }
    }

    /**
     * Reads the options every training command has into {@code c}: --workers, --seed, --resume, --checkpoint
     * (repeated), --ui / --ui-port (default port 9000) and --stats-file.
     */
    public void readRunOptions(org.fec.zoo.train.RunOptions c) {
        c.workers = integer("workers", c.workers);
        c.seed = integer("seed", (int) c.seed);
        c.resume = flag("resume");
        for (String f : all("checkpoint")) {
            c.initCheckpoints.add(java.nio.file.Path.of(f));
        }
        if (flag("ui") || optional("ui-port", null) != null) {
            c.uiPort = integer("ui-port", 9000);
        }
        String stats = optional("stats-file", null);
        c.statsFile = stats == null ? null : java.nio.file.Path.of(stats);
        c.statsEvery = integer("stats-every", c.statsEvery);
        if (c.statsEvery < 1) {
            throw new UsageException("--stats-every must be at least 1, got " + c.statsEvery);
        }
    }

    /** The configuration of a model name; an unknown name is a usage error. */
    public static org.fec.zoo.FecConfig model(String name) {
        try {
            return org.fec.zoo.FecConfig.named(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The repeated --checkpoint values as paths (at least one). */
    public List<java.nio.file.Path> checkpoints() {
        List<java.nio.file.Path> out = new ArrayList<>();
        for (String c : all("checkpoint")) {
            out.add(java.nio.file.Path.of(c));
        }
        if (out.isEmpty()) {
            throw new UsageException("Missing required option --checkpoint");
        }
        return out;
    }

    /** A wrong command line: printed with the usage, exit code 2. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
