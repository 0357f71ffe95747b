package org.fec.zoo.weights;

import com.sun.net.httpserver.HttpServer;
import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.zoo.PretrainedType;
import org.fec.zoo.FecModels;
import org.fec.zoo.FecSmall;
import org.fec.zoo.testutil.GoldenFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pretrained weights through a local HTTP server on 127.0.0.1 serving the golden checkpoint: a good download,
 * the cache, a connection dropped mid-file, wrong bytes, a corrupt cached file, Adler32-only configuration and
 * the error when nothing is configured.
 */
class PretrainedDownloadTest {

    private static final String URL_KEY = "fec.weights.fec_small.imagenet.url";
    private static final String SHA_KEY = "fec.weights.fec_small.imagenet.sha256";
    private static final String ADLER_KEY = "fec.weights.fec_small.imagenet.adler32";

    @TempDir
    Path cache;
    private HttpServer server;
    private byte[] checkpoint;
    private final AtomicInteger requests = new AtomicInteger();
    /** 0: serve the file; 2: serve wrong bytes. */
    private volatile int mode;

    @BeforeEach
    void start() throws IOException {
        checkpoint = Files.readAllBytes(GoldenFiles.file("fec_small_classifier", "fec_small.pth.tar"));
        DL4JResources.setBaseDirectory(cache.toFile());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/fec_small.pth.tar", exchange -> {
            int n = requests.incrementAndGet();
            byte[] body = checkpoint;
            if (mode == 2) {
                body = checkpoint.clone();
                body[body.length / 2] ^= 0x5a;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.setProperty(URL_KEY, "http://127.0.0.1:" + server.getAddress().getPort() + "/fec_small.pth.tar");
        System.setProperty(SHA_KEY, WeightDownloader.sha256(GoldenFiles.file("fec_small_classifier",
                "fec_small.pth.tar")));
    }

    @AfterEach
    void stop() {
        server.stop(0);
        System.clearProperty(URL_KEY);
        System.clearProperty(SHA_KEY);
        System.clearProperty(ADLER_KEY);
        DL4JResources.resetBaseDirectoryLocation();
    }

    private static INDArray logits(ComputationGraph g) {
        Nd4j.getRandom().setSeed(1);
        return g.feedForward(Nd4j.rand(DataType.FLOAT, 1, 3, 224, 224), false).get("head");
    }

    @Test
    void downloadsVerifiesCachesAndLoads() throws Exception {
        ComputationGraph g = FecSmall.builder().build().initPretrained(PretrainedType.IMAGENET);
        ComputationGraph local = FecModels.load("fec_small",
                List.of(GoldenFiles.file("fec_small_classifier", "fec_small.pth.tar")), null, DataType.FLOAT, true)
                .graph();
        assertEquals(logits(local), logits(g));
        Path cached = cache.resolve("models").resolve("fec_small").resolve("fec_small.pth.tar");
        assertTrue(Files.isRegularFile(cached));
        FecSmall.builder().build().initPretrained(PretrainedType.IMAGENET);
        assertEquals(1, requests.get(), "the second call must use the cache");
        try (var files = Files.list(cached.getParent())) {
            assertEquals(1, files.count(), "no temporary files left");
        }
    }

    @Test
    void retriesAConnectionDroppedMidFile() throws Exception {
        // A raw socket server: the first connection announces the full length, sends half and closes.
        try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"))) {
            AtomicInteger connections = new AtomicInteger();
            Thread serverThread = new Thread(() -> {
                while (!raw.isClosed()) {
                    try (java.net.Socket s = raw.accept()) {
                        int n = connections.incrementAndGet();
                        java.io.BufferedReader r = new java.io.BufferedReader(
                                new java.io.InputStreamReader(s.getInputStream()));
                        String line;
                        while ((line = r.readLine()) != null && !line.isEmpty()) {
                            // skip the request headers
                        }
                        OutputStream out = s.getOutputStream();
                        out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + checkpoint.length
                                + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        out.write(checkpoint, 0, n == 1 ? checkpoint.length / 2 : checkpoint.length);
                        out.flush();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            serverThread.setDaemon(true);
            serverThread.start();
            System.setProperty(URL_KEY, "http://127.0.0.1:" + raw.getLocalPort() + "/fec_small.pth.tar");
            FecSmall.builder().build().initPretrained(PretrainedType.IMAGENET);
            assertEquals(2, connections.get());
        }
    }

    @Test
    void wrongBytesFailWithBothChecksumsAndLeaveNothing() throws Exception {
        mode = 2;
        IOException e = assertThrows(IOException.class,
                () -> FecSmall.builder().build().initPretrained(PretrainedType.IMAGENET));
        assertTrue(e.getMessage().contains("expected SHA-256 " + System.getProperty(SHA_KEY)), e.getMessage());
        assertTrue(e.getMessage().contains("got "), e.getMessage());
        Path dir = cache.resolve("models").resolve("fec_small");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void corruptCachedFileIsReplaced() throws Exception {
        Path dir = cache.resolve("models").resolve("fec_small");
        Files.createDirectories(dir);
        Files.write(dir.resolve("fec_small.pth.tar"), new byte[]{1, 2, 3});
        FecSmall.builder().build().initPretrained(PretrainedType.IMAGENET);
        assertEquals(1, requests.get());
        assertEquals(checkpoint.length, Files.size(dir.resolve("fec_small.pth.tar")));
    }

    @Test
    void adler32OnlyConfigurationIsAccepted() throws Exception {
        System.clearProperty(SHA_KEY);
        long adler = WeightDownloader.adler32(GoldenFiles.file("fec_small_classifier", "fec_small.pth.tar"));
        System.setProperty(ADLER_KEY, Long.toString(adler));
        assertEquals(adler, FecSmall.builder().build().pretrainedChecksum(PretrainedType.IMAGENET));
        FecSmall.builder().build().initPretrained(PretrainedType.IMAGENET);
        System.setProperty(ADLER_KEY, Long.toString(adler + 1));
        Files.delete(cache.resolve("models").resolve("fec_small").resolve("fec_small.pth.tar"));
        IOException e = assertThrows(IOException.class,
                () -> FecSmall.builder().build().initPretrained(PretrainedType.IMAGENET));
        assertTrue(e.getMessage().contains("expected Adler32 " + (adler + 1)), e.getMessage());
    }

    @Test
    void noSourceSaysHowToConfigureOrImport() {
        System.clearProperty(URL_KEY);
        assertFalse(FecSmall.builder().build().pretrainedAvailable(PretrainedType.IMAGENET));
        String msg = assertThrows(UnsupportedOperationException.class,
                () -> FecSmall.builder().build().initPretrained(PretrainedType.IMAGENET)).getMessage();
        assertTrue(msg.contains(URL_KEY) && msg.contains("FEC_WEIGHTS_FEC_SMALL_IMAGENET_URL")
                && msg.contains("fec import --model fec_small"), msg);
    }
}
