package org.fec.zoo.weights;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.Adler32;

/**
 * Fetches pretrained weights into the cache: progress in the log, retries of transient failures, the download
 * written to a temporary file that is verified and then renamed, a verified cached file reused, a corrupt one
 * deleted and fetched once more.
 */
public final class WeightDownloader {

    private static final Logger log = LoggerFactory.getLogger(WeightDownloader.class);
    private static final int ATTEMPTS = 3;

    private WeightDownloader() {
    }

    /** The verified local file of {@code source}, downloading it into {@code cacheDir} when needed. */
    public static Path obtain(WeightSource source, Path cacheDir) throws IOException {
        Files.createDirectories(cacheDir);
        String fileName = source.url().substring(source.url().lastIndexOf('/') + 1);
        if (fileName.isEmpty() || fileName.contains("?")) {
            fileName = source.name() + "_" + source.tag() + ".zip";
        }
        Path target = cacheDir.resolve(fileName);
        if (Files.isRegularFile(target)) {
            String problem = verify(source, target);
            if (problem == null) {
                log.info("Using cached weights {}", target);
                return target;
            }
            log.warn("Cached weights {} are corrupt ({}); deleting and downloading them again", target, problem);
            Files.delete(target);
        }
        Path tmp = Files.createTempFile(cacheDir, fileName, ".part");
        try {
            download(source.url(), tmp);
            String problem = verify(source, tmp);
            if (problem != null) {
                throw new IOException("Downloaded weights " + source.url() + " (for " + target + ") failed "
                        + "verification: " + problem);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Null when {@code file} matches the source's checksum (or none is configured), else what is wrong. */
    static String verify(WeightSource source, Path file) throws IOException {
        if (source.sha256() != null) {
            String actual = sha256(file);
            return actual.equals(source.sha256()) ? null
                    : "expected SHA-256 " + source.sha256() + ", got " + actual + " (" + file + ")";
        }
        if (source.adler32() != null) {
            long actual = adler32(file);
            return actual == source.adler32() ? null
                    : "expected Adler32 " + source.adler32() + ", got " + actual + " (" + file + ")";
        }
        log.warn("No checksum configured for {}; the file is not verified", source.url());
        return null;
    }

    private static void download(String url, Path tmp) throws IOException {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                copy(url, tmp);
                return;
            } catch (IOException e) {
                last = e;
                log.warn("Download of {} failed (attempt {}/{}): {}", url, attempt, ATTEMPTS, e.getMessage());
                if (attempt < ATTEMPTS) {
                    sleep(500L * attempt);
                }
            }
        }
        throw new IOException("Could not download " + url + " after " + ATTEMPTS + " attempts: " + last.getMessage(),
                last);
    }

    private static void copy(String url, Path tmp) throws IOException {
        URLConnection c = new URL(url).openConnection();
        c.setConnectTimeout(30_000);
        c.setReadTimeout(60_000);
        if (c instanceof HttpURLConnection http && http.getResponseCode() >= 400) {
            throw new IOException("HTTP " + http.getResponseCode() + " from " + url);
        }
        long total = c.getContentLengthLong();
        long done = 0, nextReport = 0;
        try (InputStream in = c.getInputStream(); OutputStream out = Files.newOutputStream(tmp)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                done += n;
                if (done >= nextReport) {
                    log.info("Downloading {}: {}", url, total > 0 ? (100 * done / total) + "% of " + total + " bytes"
                            : done + " bytes");
                    nextReport = done + Math.max(1 << 20, total / 10);
                }
            }
        }
        if (total > 0 && done != total) {
            throw new IOException("connection closed after " + done + " of " + total + " bytes");
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static long adler32(Path file) throws IOException {
        Adler32 a = new Adler32();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) {
                a.update(buf, 0, n);
            }
        }
        return a.getValue();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
