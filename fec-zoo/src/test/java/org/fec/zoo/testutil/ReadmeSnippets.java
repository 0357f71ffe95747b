package org.fec.zoo.testutil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles and runs the {@code java} code blocks of a README section, so that the documentation stays true. */
public final class ReadmeSnippets {

    private ReadmeSnippets() {
    }

    /** The java blocks of the section starting with {@code heading} (up to the next heading of any level). */
    public static List<String> javaBlocks(String heading) throws Exception {
        Path readme = Path.of(System.getProperty("user.dir")).resolve("../README.md").normalize();
        String text = Files.readString(readme);
        int start = text.indexOf(heading);
        assertTrue(start >= 0, "README.md has no '" + heading + "' section");
        int end = text.indexOf("\n#", start + heading.length());
        String section = text.substring(start, end < 0 ? text.length() : end);
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Compiles each snippet as the body of a static method (after {@code imports}) and runs them in order. */
    public static void compileAndRun(List<String> snippets, String imports, Path dir, ClassLoader parent)
            throws Exception {
        List<String> files = new ArrayList<>();
        for (int i = 0; i < snippets.size(); i++) {
            Path src = dir.resolve("Snippet" + i + ".java");
            Files.writeString(src, imports + "\npublic class Snippet" + i + " {\n public static void run() throws "
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
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()}, parent)) {
            for (int i = 0; i < snippets.size(); i++) {
                loader.loadClass("Snippet" + i).getMethod("run").invoke(null);
            }
        }
    }
}
