package org.fec.zoo;

import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

/**
 * Turns the authors' PyTorch checkpoints into DL4J model zips that carry the zoo entry name and its preprocessing
 * configuration (stored as the zip object {@value #METADATA_KEY}).
 */
public final class FecImport {

    public static final String METADATA_KEY = "fec";

    private FecImport() {
    }

    /**
     * Imports {@code checkpoints} into model {@code name} and writes a DL4J model zip to {@code output}
     * (written to a temporary file beside it, then renamed, so a failure never leaves a partial file).
     */
    public static FecModels.Loaded importCheckpoint(String name, List<Path> checkpoints, Integer numClasses,
                                                    boolean strict, Path output) throws IOException {
        FecModels.Loaded loaded = FecModels.load(name, checkpoints, numClasses, DataType.FLOAT, strict);
        Path dir = output.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Map<String, String> meta = new LinkedHashMap<>(Preprocessing.of(name).asMap());
        meta.put("model", name);
        meta.put("source", checkpoints.toString());
        org.fec.zoo.io.AtomicFiles.write(output, tmp -> {
            ModelSerializer.writeModel(loaded.graph(), tmp.toFile(), true);
            ModelSerializer.addObjectToFile(tmp.toFile(), METADATA_KEY, new java.util.HashMap<>(meta));
        });
        return loaded;
    }

    /** The FEC metadata of a model zip, or null when it has none. */
    public static Map<String, String> metadata(Path zip) {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            if (z.getEntry("objects/" + METADATA_KEY) == null) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return ModelSerializer.getObjectFromFile(zip.toFile(), METADATA_KEY);
    }
}
