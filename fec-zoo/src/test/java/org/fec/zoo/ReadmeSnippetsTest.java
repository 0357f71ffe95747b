package org.fec.zoo;

import org.fec.zoo.testutil.GoldenFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    static List<String> snippets() throws Exception {
        Path readme = Path.of(System.getProperty("user.dir")).resolve("../README.md").normalize();
        String text = Files.readString(readme);
        int start = text.indexOf("## Using the zoo");
        int end = text.indexOf("\n## ", start + 1);
        assertTrue(start >= 0, "README.md has no 'Using the zoo' section");
        String section = text.substring(start, end < 0 ? text.length() : end);
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void everySnippetCompilesAndRuns(@TempDir Path dir) throws Exception {
        List<String> snippets = snippets();
        assertTrue(snippets.size() >= 5, "expected the README's snippets, found " + snippets.size());
        List<String> files = new ArrayList<>();
        for (int i = 0; i < snippets.size(); i++) {
            Path src = dir.resolve("Snippet" + i + ".java");
            Files.writeString(src, IMPORTS + "\npublic class Snippet" + i + " {\n public static void run() throws "
                    + "Exception {\n" + snippets.get(i) + "\n }\n}\n");
            files.add(src.toString());
        }
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> args = new ArrayList<>(List.of("-d", dir.toString(), "-cp", classPath, "-proc:none"));
        args.addAll(files);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = javac.run(null, null, err, args.toArray(new String[0]));
        assertEquals(0, code, "README snippets do not compile:\n" + err.toString(StandardCharsets.UTF_8));

        System.setProperty("fec.example.checkpoint",
                GoldenFiles.file("fec_small_classifier", "fec_small.pth.tar").toString());
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()},
                getClass().getClassLoader())) {
            for (int i = 0; i < snippets.size(); i++) {
                loader.loadClass("Snippet" + i).getMethod("run").invoke(null);
            }
        } finally {
            System.clearProperty("fec.example.checkpoint");
        }
    }
}
