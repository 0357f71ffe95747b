package org.fec.zoo;

import org.fec.zoo.testutil.GoldenFiles;
import org.fec.zoo.testutil.ReadmeSnippets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compiles and runs every Java snippet of README.md's "Using the zoo" section. */
class ReadmeSnippetsTest {

    private static final String IMPORTS = String.join("\n",
            "import org.fec.zoo.*;",
            "import org.deeplearning4j.nn.graph.ComputationGraph;",
            "import org.deeplearning4j.zoo.PretrainedType;",
            "import org.nd4j.linalg.api.buffer.DataType;",
            "import org.nd4j.linalg.api.ndarray.INDArray;",
            "import org.nd4j.linalg.dataset.DataSet;",
            "import org.nd4j.linalg.factory.Nd4j;",
            "import org.nd4j.linalg.learning.config.Adam;",
            "import java.nio.file.*;",
            "import java.util.*;");

    @Test
    void everySnippetCompilesAndRuns(@TempDir Path dir) throws Exception {
        List<String> snippets = ReadmeSnippets.javaBlocks("## Using the zoo");
        assertTrue(snippets.size() >= 5, "expected the README's snippets, found " + snippets.size());
        System.setProperty("fec.example.checkpoint",
                GoldenFiles.file("fec_small_classifier", "fec_small.pth.tar").toString());
        try {
            ReadmeSnippets.compileAndRun(snippets, IMPORTS, dir, getClass().getClassLoader());
        } finally {
            System.clearProperty("fec.example.checkpoint");
        }
    }
}
