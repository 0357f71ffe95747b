package org.fec.zoo.torch;

import java.io.IOException;

/** A checkpoint file is missing, malformed, unsafe or not in a supported torch.save layout. */
public class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
