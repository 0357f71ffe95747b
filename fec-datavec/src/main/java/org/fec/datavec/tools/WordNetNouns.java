package org.fec.datavec.tools;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Turns WordNet 3.0's {@code data.noun} into the table {@link org.fec.datavec.SynsetNames} reads, so that ImageNet
 * folders named by synset id ({@code n01440764}) can be shown with readable names ({@code tench, Tinca tinca}). An
 * ImageNet id is {@code n} + the synset's 8-digit offset in {@code data.noun}; its name, as in ImageNet's
 * {@code words.txt}, is the synset's lemmas joined by {@code ", "} with underscores as spaces. Every noun synset is
 * kept (ImageNet-21k uses far more than the 1000 of ImageNet-1k); glosses and pointers are dropped to keep the
 * table small. WordNet's licence header is copied into the output as {@code #} lines, as its licence asks.
 *
 * <p>The committed {@code org/fec/datavec/wordnet-nouns.tsv.gz} was made from Debian's {@code wordnet-base}
 * package, version {@code 1:3.0-37}:
 * <pre>
 * dpkg-deb -x wordnet-base_1%3a3.0-37_all.deb /tmp/wn
 * mvn -q -B -pl fec-datavec compile
 * java -cp fec-datavec/target/classes org.fec.datavec.tools.WordNetNouns \
 *     /tmp/wn/usr/share/wordnet/data.noun "wordnet-base 1:3.0-37" \
 *     fec-datavec/src/main/resources/org/fec/datavec/wordnet-nouns.tsv.gz
 * </pre>
 */
public final class WordNetNouns {

    private static final Pattern OFFSET = Pattern.compile("\\d{8}");

    private WordNetNouns() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: WordNetNouns DATA.NOUN SOURCE_DESCRIPTION OUT.tsv.gz");
            System.exit(2);
        }
        Path out = Path.of(args[2]);
        int synsets;
        try (BufferedReader in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8);
             OutputStream gz = new BestGzip(Files.newOutputStream(out))) {
            Writer w = new BufferedWriter(new OutputStreamWriter(gz, StandardCharsets.UTF_8));
            synsets = convert(in, args[1], w);
            w.flush();
        }
        System.out.println("wrote " + synsets + " noun synsets to " + out + " (" + Files.size(out) + " bytes)");
    }

    /**
     * Writes the table: {@code #} comment lines (what this is, {@code source}, WordNet's licence), then one
     * {@code wnid TAB names} line per synset, in file order.
     *
     * @return the number of synsets written
     * @throws IOException naming the line when a data line is not a noun synset line of WordNet's format
     */
    public static int convert(BufferedReader dataNoun, String source, Writer out) throws IOException {
        List<String> licence = new ArrayList<>();
        List<String> rows = new ArrayList<>();
        String line;
        int lineNo = 0;
        while ((line = dataNoun.readLine()) != null) {
            lineNo++;
            if (line.startsWith("  ")) {
                licence.add(stripHeaderNumber(line.strip()));
            } else if (!line.isBlank()) {
                rows.add(row(line, lineNo));
            }
        }
        if (rows.isEmpty()) {
            throw new IOException("No synset lines found: is this WordNet's data.noun?");
        }
        out.write("# WordNet 3.0 noun synsets: ImageNet id (n + synset offset) TAB lemmas joined by \", \"\n");
        out.write("# Made by org.fec.datavec.tools.WordNetNouns from data.noun of " + source + "\n");
        out.write("#\n");
        for (String l : licence) {
            out.write(l.isEmpty() ? "#\n" : "# " + l + "\n");
        }
        for (String r : rows) {
            out.write(r);
            out.write('\n');
        }
        return rows.size();
    }

    /** One data line ({@code offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt ...}) as a row. */
    static String row(String line, int lineNo) throws IOException {
        String[] f = line.split(" ");
        if (f.length < 6 || !OFFSET.matcher(f[0]).matches()) {
            throw new IOException("data.noun line " + lineNo + " is not a synset line: " + abbreviate(line));
        }
        if (!f[2].equals("n")) {
            throw new IOException("data.noun line " + lineNo + " has synset type '" + f[2]
                    + "', expected 'n' (only data.noun is supported): " + abbreviate(line));
        }
        int words;
        try {
            words = Integer.parseInt(f[3], 16);
        } catch (NumberFormatException e) {
            throw new IOException("data.noun line " + lineNo + " has a bad word count '" + f[3] + "': "
                    + abbreviate(line));
        }
        if (words < 1 || f.length < 4 + 2 * words) {
            throw new IOException("data.noun line " + lineNo + " announces " + words + " words but has fewer: "
                    + abbreviate(line));
        }
        StringBuilder sb = new StringBuilder("n").append(f[0]).append('\t');
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(f[4 + 2 * i].replace('_', ' '));
        }
        return sb.toString();
    }

    /** The licence header lines are numbered ({@code "  1 This software..."}); drop the number. */
    private static String stripHeaderNumber(String s) {
        int sp = s.indexOf(' ');
        String first = sp < 0 ? s : s.substring(0, sp);
        if (first.chars().allMatch(Character::isDigit)) {
            return sp < 0 ? "" : s.substring(sp + 1).strip();
        }
        return s;
    }

    private static String abbreviate(String line) {
        return line.length() <= 80 ? line : line.substring(0, 80) + "...";
    }

    /** gzip at the best compression level; Java writes no time stamp, so the output is reproducible. */
    private static final class BestGzip extends GZIPOutputStream {
        BestGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_COMPRESSION);
        }
    }
}
