package org.fec.zoo.weights;

import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.common.resources.ResourceType;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/**
 * Where the pretrained weights of one zoo entry and tag come from: a URL and the checksum to verify.
 *
 * <p>Looked up, first match wins, for entry {@code fec_small} and tag {@code imagenet}:
 * <ol>
 * <li>system properties {@code fec.weights.fec_small.imagenet.url} (and {@code .sha256} or {@code .adler32});</li>
 * <li>environment variables {@code FEC_WEIGHTS_FEC_SMALL_IMAGENET_URL} (and {@code _SHA256} / {@code _ADLER32});</li>
 * <li>the properties file {@code <DL4J resources directory>/models/fec-weights.properties} with keys
 *     {@code fec_small.imagenet.url} (and {@code .sha256} / {@code .adler32});</li>
 * <li>a base URL ({@code fec.weights.baseurl} property, {@code FEC_WEIGHTS_BASEURL}, the file's {@code baseurl},
 *     or DL4J's {@code org.deeplearning4j.resources.baseurl} + {@code models}):
 *     {@code <base>/fec_small/fec_small_imagenet.zip}, checksums looked up as above.</li>
 * </ol>
 * The cache is DL4J's: {@code ~/.deeplearning4j/models/<name>/} (see {@link DL4JResources#setBaseDirectory}).
 *
 * @param sha256  expected SHA-256 (hex), or null
 * @param adler32 expected DL4J-style Adler32, or null (used only when no SHA-256 is configured)
 */
public record WeightSource(String name, String tag, String url, String sha256, Long adler32) {

    public static final String PROPERTIES_FILE = "fec-weights.properties";

    /** The configured source, or null when none is configured. */
    public static WeightSource resolve(String name, String tag) throws IOException {
        String t = tag.toLowerCase(Locale.ROOT);
        Properties file = propertiesFile();
        String url = lookup(name, t, "url", file);
        if (url == null) {
            String base = firstNonNull(System.getProperty("fec.weights.baseurl"), System.getenv("FEC_WEIGHTS_BASEURL"),
                    file.getProperty("baseurl"), dl4jBaseUrl());
            if (base == null) {
                return null;
            }
            url = (base.endsWith("/") ? base : base + "/") + name + "/" + name + "_" + t + ".zip";
        }
        String sha = lookup(name, t, "sha256", file);
        String adler = lookup(name, t, "adler32", file);
        return new WeightSource(name, t, url, sha == null ? null : sha.toLowerCase(Locale.ROOT),
                adler == null ? null : Long.parseLong(adler.trim()));
    }

    /** DL4J's own base URL override (property org.deeplearning4j.resources.baseurl), plus "models/". */
    private static String dl4jBaseUrl() {
        String base = System.getProperty(org.deeplearning4j.config.DL4JSystemProperties
                .DL4J_RESOURCES_BASE_URL_PROPERTY);
        return base == null ? null : (base.endsWith("/") ? base : base + "/") + "models";
    }

    /** How to configure a source or import a local checkpoint, for error messages. */
    public static String howToConfigure(String name, String tag) {
        String t = tag.toLowerCase(Locale.ROOT);
        return "No weight source is configured for " + name + " / " + t + ". Set the system property fec.weights."
                + name + "." + t + ".url (with ." + "sha256), the environment variable FEC_WEIGHTS_"
                + envName(name) + "_" + envName(t) + "_URL, or the key " + name + "." + t + ".url in "
                + propertiesPath() + "; or download the authors' checkpoint by hand and import it: fec import --model "
                + name + " --checkpoint " + name + ".pth.tar --output " + name + ".zip";
    }

    /** The cache directory of an entry. */
    public static File cacheDirectory(String name) {
        return DL4JResources.getDirectory(ResourceType.ZOO_MODEL, name);
    }

    private static Path propertiesPath() {
        return DL4JResources.getBaseDirectory().toPath().resolve("models").resolve(PROPERTIES_FILE);
    }

    private static Properties propertiesFile() throws IOException {
        Properties p = new Properties();
        Path f = propertiesPath();
        if (Files.isRegularFile(f)) {
            try (InputStream in = Files.newInputStream(f)) {
                p.load(in);
            }
        }
        return p;
    }

    private static String lookup(String name, String tag, String what, Properties file) {
        return firstNonNull(System.getProperty("fec.weights." + name + "." + tag + "." + what),
                System.getenv("FEC_WEIGHTS_" + envName(name) + "_" + envName(tag) + "_" + envName(what)),
                file.getProperty(name + "." + tag + "." + what));
    }

    private static String envName(String s) {
        return s.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static String firstNonNull(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
