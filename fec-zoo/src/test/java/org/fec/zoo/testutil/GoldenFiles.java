package org.fec.zoo.testutil;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * Locates the shared golden data: walks up from the working directory to the first directory
 * that contains {@code shared/golden}. Missing data skips the test, except on CI (CI=true) where
 * it fails, so a broken checkout cannot pass silently.
 */
public final class GoldenFiles {
    private GoldenFiles() {
    }

    /** The {@code shared/golden} directory. */
    public static Path dir() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            Path golden = p.resolve("shared").resolve("golden");
            if (Files.isDirectory(golden)) {
                return golden;
            }
        }
        String msg = "no shared/golden directory above " + start;
        if ("true".equals(System.getenv("CI"))) {
            fail(msg + " (CI=true, so golden data is required)");
        }
        Assumptions.assumeTrue(false, msg + "; skipping golden-data test");
        throw new AssertionError("unreachable");
    }

    /** A file inside {@code shared/golden}, e.g. {@code file("fec_small_classifier", "input.npy")}. */
    public static Path file(String first, String... more) {
        Path p = dir().resolve(Path.of(first, more));
        if (!Files.exists(p)) {
            if ("true".equals(System.getenv("CI"))) {
                fail("golden file missing: " + p);
            }
            Assumptions.assumeTrue(false, "golden file missing: " + p);
        }
        return p;
    }
}
