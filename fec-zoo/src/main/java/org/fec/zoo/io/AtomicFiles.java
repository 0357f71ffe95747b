package org.fec.zoo.io;

import java.awt.image.RenderedImage;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import javax.imageio.ImageIO;

/**
 * Writes files so that a reader never sees a partial one and a failure never destroys the previous version: the
 * content goes to a temporary file in the target's directory, which is then renamed over the target.
 */
public final class AtomicFiles {

    /** Writes the content of the file into {@code tmp}. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path tmp) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes {@code target} through a temporary file and a rename (the directory must exist). */
    public static void write(Path target, Content content) throws IOException {
        Path file = target.toAbsolutePath();
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".part");
        try {
            // createTempFile makes the file owner-only; give it the usual rw-r--r-- of a data file.
            if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            content.writeTo(tmp);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp); // no-op after a successful move
        }
    }

    /** Writes an image as PNG, creating the directory if needed. */
    public static void writePng(RenderedImage image, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        write(target, tmp -> {
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new IOException("No PNG writer available for " + target);
            }
        });
    }
}
