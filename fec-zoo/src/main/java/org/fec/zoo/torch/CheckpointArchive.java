package org.fec.zoo.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The zip container of a torch >= 1.6 {@code torch.save} file: {@code <prefix>/data.pkl},
 * {@code <prefix>/data/<key>} storages and {@code <prefix>/version}. The prefix is whatever folder
 * holds {@code data.pkl} (torch names it after the file), so it is detected, not assumed.
 */
final class CheckpointArchive implements AutoCloseable {
    private static final String PICKLE = "data.pkl";

    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    /** Storages already read, so views sharing a storage read it once. */
    private final Map<String, byte[]> storages = new HashMap<>();

    private CheckpointArchive(Path file, ZipFile zip, String prefix) {
        this.file = file;
        this.zip = zip;
        this.prefix = prefix;
    }

    static CheckpointArchive open(Path file) throws CheckpointException {
        if (!Files.exists(file)) {
            throw new CheckpointException("checkpoint file not found: " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("checkpoint path is not a regular file: " + file);
        }
        checkMagic(file);
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new CheckpointException("truncated or corrupt zip archive " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CheckpointException("cannot open checkpoint " + file + ": " + e, e);
        }
        try {
            CheckpointArchive archive = new CheckpointArchive(file, zip, findPrefix(file, zip));
            archive.checkByteOrder();
            return archive;
        } catch (CheckpointException | RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    /** Tells a legacy (pickle-only) torch file or a non-zip apart from a damaged zip. */
    private static void checkMagic(Path file) throws CheckpointException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + e, e);
        }
        if (n >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 0 && head[1] <= 5) {
            throw new CheckpointException(file + ": legacy (non-zip) torch.save format is not supported;"
                    + " re-save it with torch>=1.6 `torch.save(obj, f)` default settings");
        }
        if (n < 4 || head[0] != 'P' || head[1] != 'K') {
            throw new CheckpointException(file + ": not a torch.save zip archive (the file does not start with"
                    + " the zip signature 'PK')");
        }
    }

    private static String findPrefix(Path file, ZipFile zip) throws CheckpointException {
        List<String> candidates = new ArrayList<>();
        try {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (name.equals(PICKLE) || name.endsWith("/" + PICKLE)) {
                    candidates.add(name.substring(0, name.length() - PICKLE.length()));
                }
            }
        } catch (RuntimeException e) { // e.g. invalid entry names in a damaged central directory
            throw new CheckpointException("corrupt zip archive " + file + ": " + e.getMessage(), e);
        }
        if (candidates.isEmpty()) {
            throw new CheckpointException(file + ": zip archive has no '" + PICKLE
                    + "' entry, so it is not a torch.save checkpoint");
        }
        if (candidates.size() > 1) {
            throw new CheckpointException(file + ": zip archive has several '" + PICKLE + "' entries: "
                    + candidates);
        }
        return candidates.get(0);
    }

    /** torch >= 2.1 writes {@code byteorder}; older files are always little-endian. */
    private void checkByteOrder() throws CheckpointException {
        ZipEntry e = zip.getEntry(prefix + "byteorder");
        if (e != null) {
            String order = new String(readEntry(e, "byteorder"), StandardCharsets.US_ASCII).trim();
            if (!order.equals("little")) {
                throw new CheckpointException(file + ": storages are stored in '" + order
                        + "' byte order; only little-endian checkpoints are supported");
            }
        }
    }

    Path file() {
        return file;
    }

    /** The zip folder holding data.pkl, with trailing '/' (or "" when data.pkl is at the root). */
    String prefix() {
        return prefix;
    }

    byte[] pickleBytes() throws CheckpointException {
        return readEntry(zip.getEntry(prefix + PICKLE), PICKLE);
    }

    /**
     * Bytes of storage {@code key}; {@code tensorName} is only for the error message.
     * The returned array is shared between callers and must not be modified.
     */
    byte[] storage(String key, String tensorName) throws CheckpointException {
        byte[] cached = storages.get(key);
        if (cached != null) {
            return cached;
        }
        String entryName = prefix + "data/" + key;
        ZipEntry e = zip.getEntry(entryName);
        if (e == null) {
            throw new CheckpointException(file + ": tensor '" + tensorName + "' refers to storage entry '"
                    + entryName + "', which is missing from the zip");
        }
        byte[] bytes = readEntry(e, "storage of tensor '" + tensorName + "'");
        storages.put(key, bytes);
        return bytes;
    }

    private byte[] readEntry(ZipEntry e, String what) throws CheckpointException {
        if (e.getSize() > Integer.MAX_VALUE - 16) {
            throw new CheckpointException(file + ": zip entry '" + e.getName() + "' (" + what + ") is "
                    + e.getSize() + " bytes; entries above 2 GiB are not supported");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] bytes = in.readAllBytes();
            if (e.getSize() >= 0 && bytes.length != e.getSize()) {
                throw new CheckpointException(file + ": zip entry '" + e.getName() + "' (" + what
                        + ") is truncated: expected " + e.getSize() + " bytes, got " + bytes.length);
            }
            // ZipFile checks no CRC for STORED entries, which is how torch writes them
            CRC32 crc = new CRC32();
            crc.update(bytes);
            if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
                throw new CheckpointException("corrupt zip archive " + file + ": CRC mismatch in entry '"
                        + e.getName() + "' (" + what + ")");
            }
            return bytes;
        } catch (CheckpointException ex) {
            throw ex;
        } catch (IOException | RuntimeException ex) {
            throw new CheckpointException("truncated or corrupt zip archive " + file + ": cannot read entry '"
                    + e.getName() + "' (" + what + "): " + ex, ex);
        }
    }

    @Override
    public void close() {
        storages.clear();
        closeQuietly(zip);
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // nothing useful to do: the file was only read
        }
    }
}
