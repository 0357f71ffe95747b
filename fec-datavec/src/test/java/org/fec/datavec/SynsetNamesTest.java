package org.fec.datavec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynsetNamesTest {

    @Test
    void knownSynsetsGetImageNetNames() {
        // expected names read off WordNet 3.0's data.noun (Debian wordnet-base 1:3.0-37) by hand
        assertEquals("tench, Tinca tinca", SynsetNames.readable("n01440764"));
        assertEquals("dog, domestic dog, Canis familiaris", SynsetNames.readable("n02084071"));
        assertEquals("wing", SynsetNames.readable("n04592741"));
        assertEquals("chainlink fence", SynsetNames.readable("n03000134"));
        assertEquals("goldfish, Carassius auratus", SynsetNames.readable("n01443537"));
        assertEquals("toilet tissue, toilet paper, bathroom tissue", SynsetNames.readable("n15075141"));
        assertEquals("entity", SynsetNames.readable("n00001740"));
    }

    @Test
    void tableHoldsEveryNounSynset() {
        assertEquals(82115, SynsetNames.size(), "WordNet 3.0 has 82115 noun synsets");
    }

    @Test
    void otherFolderNamesAndUnknownIdsPassThrough() {
        for (String name : List.of("cat", "00_T-shirt", "n0144076", "n014407640", "N01440764", "n01440764 ",
                "n99999999", "n00000000", "")) {
            assertEquals(name, SynsetNames.readable(name));
        }
        assertTrue(SynsetNames.isSynsetId("n99999999"));
        assertFalse(SynsetNames.isSynsetId("x01440764"));
    }

    @Test
    void imageFolderShowsReadableNamesAndKeepsFolderNames(@TempDir Path dir) throws IOException {
        List<String> folders = List.of("n01440764", "n02012849", "n02084071", "n03126707", "n99999999", "plain");
        for (String f : folders) {
            Files.createDirectories(dir.resolve(f));
            Files.write(dir.resolve(f).resolve("a.png"), new byte[]{0});
        }
        ImageFolder folder = ImageFolder.scan(dir);
        assertEquals(folders, folder.classes());
        assertEquals(List.of("tench, Tinca tinca", "crane (n02012849)", "dog, domestic dog, Canis familiaris",
                "crane (n03126707)", "n99999999", "plain"), folder.classNames());
        try (ImageFolderIterator it = new ImageFolderIterator(folder, f -> null, 2, 1, 1, false, 0)) {
            assertEquals(folder.classNames(), it.getLabels());
        }
    }

    @Test
    void aPlainFolderNamedLikeASynsetNameKeepsItsName() {
        assertEquals(List.of("tench, Tinca tinca (n01440764)", "tench, Tinca tinca"),
                ImageFolder.readableNames(List.of("n01440764", "tench, Tinca tinca")));
    }
}
