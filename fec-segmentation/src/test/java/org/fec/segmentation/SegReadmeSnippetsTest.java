package org.fec.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.fec.zoo.testutil.GoldenFiles;
import org.fec.zoo.testutil.ReadmeSnippets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java blocks of the README's segmentation section compile and run. */
class SegReadmeSnippetsTest {

    private static final String IMPORTS = String.join("\n",
            "import org.fec.segmentation.*;",
            "import org.fec.zoo.FecGraphs;",
            "import org.deeplearning4j.nn.graph.ComputationGraph;",
            "import org.nd4j.linalg.api.buffer.DataType;",
            "import org.nd4j.linalg.api.ndarray.INDArray;",
            "import org.nd4j.linalg.dataset.MultiDataSet;",
            "import org.nd4j.linalg.factory.Nd4j;",
            "import org.nd4j.linalg.learning.config.Adam;",
            "import java.nio.file.*;",
            "import java.util.*;");

    @Test
    void segmentationSnippetsCompileAndRun(@TempDir Path dir) throws Exception {
        List<String> snippets = ReadmeSnippets.javaBlocks("### Semantic segmentation (ADE20K)");
        assertEquals(2, snippets.size(), "the README's segmentation snippets");
        System.setProperty("fec.example.checkpoint",
                GoldenFiles.file("fec_small_classifier", "fec_small.pth.tar").toString());
        try {
            ReadmeSnippets.compileAndRun(snippets, IMPORTS, dir, getClass().getClassLoader());
        } finally {
            System.clearProperty("fec.example.checkpoint");
        }
    }
}
