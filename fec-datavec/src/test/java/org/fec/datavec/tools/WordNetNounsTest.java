package org.fec.datavec.tools;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordNetNounsTest {

    /** A hand-written data.noun: numbered licence header lines, then synset lines (words in hex count). */
    private static final String DATA_NOUN = String.join("\n",
            "  1 This software and database is being provided to you, the LICENSEE, by  ",
            "  2   ",
            "  3 WordNet 3.0 Copyright 2006 by Princeton University.  All rights reserved.  ",
            "00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 | that which is perceived  ",
            "01440764 05 n 02 tench 0 Tinca_tinca 0 002 @ 01439121 n 0000 | freshwater dace-like game fish  ",
            "02084071 05 n 03 dog 0 domestic_dog 0 Canis_familiaris 0 023 @ 02083346 n 0000 | a member  ",
            "09999999 05 n 0b a 0 b 0 c 0 d 0 e 0 f 0 g 0 h 0 i 0 j 0 k_l 1 000 | eleven words  ",
            "");

    private static String convert(String dataNoun) throws IOException {
        StringWriter out = new StringWriter();
        WordNetNouns.convert(new BufferedReader(new StringReader(dataNoun)), "a test", out);
        return out.toString();
    }

    @Test
    void writesIdsAndNamesAfterTheLicenceHeader() throws IOException {
        List<String> lines = convert(DATA_NOUN).lines().toList();
        List<String> comments = lines.stream().filter(l -> l.startsWith("#")).toList();
        List<String> rows = lines.stream().filter(l -> !l.startsWith("#")).toList();
        assertEquals(List.of(
                "n00001740\tentity",
                "n01440764\ttench, Tinca tinca",
                "n02084071\tdog, domestic dog, Canis familiaris",
                "n09999999\ta, b, c, d, e, f, g, h, i, j, k l"), rows);
        assertTrue(comments.get(1).endsWith("from data.noun of a test"), comments.get(1));
        assertEquals(List.of(
                "# This software and database is being provided to you, the LICENSEE, by",
                "#",
                "# WordNet 3.0 Copyright 2006 by Princeton University.  All rights reserved."),
                comments.subList(comments.size() - 3, comments.size()));
        assertEquals(lines.size(), comments.size() + rows.size());
        assertTrue(lines.indexOf(rows.get(0)) > lines.indexOf(comments.get(comments.size() - 1)));
    }

    @Test
    void rejectsWhatIsNotANounDataFile() {
        IOException verb = assertThrows(IOException.class,
                () -> convert("00001740 29 v 01 breathe 0 000 | draw air  \n"));
        assertTrue(verb.getMessage().contains("line 1") && verb.getMessage().contains("'v'"), verb.getMessage());
        IOException shortLine = assertThrows(IOException.class,
                () -> convert("  1 header  \n00001740 03 n 03 entity 0 000\n"));
        assertTrue(shortLine.getMessage().contains("line 2") && shortLine.getMessage().contains("3 words"),
                shortLine.getMessage());
        IOException notData = assertThrows(IOException.class, () -> convert("hello world, not wordnet at all\n"));
        assertTrue(notData.getMessage().contains("not a synset line"), notData.getMessage());
        IOException empty = assertThrows(IOException.class, () -> convert("  1 only a header  \n"));
        assertTrue(empty.getMessage().contains("No synset lines"), empty.getMessage());
    }
}
