package org.fec.datavec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Readable names of ImageNet class folders. ImageNet names its class folders by WordNet noun synset id
 * ({@code n01440764}), which tells a user nothing; this maps such an id to ImageNet's name for it
 * ({@code tench, Tinca tinca}) using all WordNet 3.0 noun synsets, so ImageNet-1k and ImageNet-21k folders both
 * work. Any other folder name, and a synset id WordNet does not know, maps to itself.
 *
 * <p>The table ({@value #RESOURCE}, made by {@link org.fec.datavec.tools.WordNetNouns}; WordNet licence in
 * {@code wordnet-nouns.LICENSE.txt} next to it) is loaded on the first lookup of a synset-like name only, so
 * folders of other data sets never pay for it.
 */
public final class SynsetNames {

    /** Class-path resource, relative to this class. */
    public static final String RESOURCE = "wordnet-nouns.tsv.gz";

    private static final Pattern SYNSET_ID = Pattern.compile("n\\d{8}");

    private SynsetNames() {
    }

    /** Whether {@code folderName} has the form of a WordNet noun synset id, {@code n} and 8 digits. */
    public static boolean isSynsetId(String folderName) {
        return SYNSET_ID.matcher(folderName).matches();
    }

    /** The readable name of a class folder: ImageNet's name for a known synset id, otherwise the name itself. */
    public static String readable(String folderName) {
        if (!isSynsetId(folderName)) {
            return folderName;
        }
        return Table.NAMES.getOrDefault(folderName, folderName);
    }

    /** Number of synsets in the table (loads it). */
    static int size() {
        return Table.NAMES.size();
    }

    /** Holder: the JVM loads the table once, on first use, thread-safely. */
    private static final class Table {
        static final Map<String, String> NAMES = load();

        private static Map<String, String> load() {
            InputStream raw = SynsetNames.class.getResourceAsStream(RESOURCE);
            if (raw == null) {
                throw new IllegalStateException("Resource " + RESOURCE + " is missing next to "
                        + SynsetNames.class.getName() + " on the class path (fec-datavec jar incomplete?)");
            }
            Map<String, String> names = new HashMap<>(1 << 17);
            try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isEmpty() || line.charAt(0) == '#') {
                        continue;
                    }
                    int tab = line.indexOf('\t');
                    if (tab < 0) {
                        throw new IllegalStateException("Resource " + RESOURCE + " has a line without a tab: "
                                + line);
                    }
                    names.put(line.substring(0, tab), line.substring(tab + 1));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read resource " + RESOURCE, e);
            }
            return names;
        }
    }
}
