package org.fec.zoo;

/** The reference's {@code fec_large} as a DL4J zoo model. */
public class FecLarge extends FecZooModel {

    protected FecLarge(Builder<?> b) {
        super("fec_large", b);
    }

    public static Builder<FecLarge> builder() {
        return new Builder<FecLarge>(FecLarge::new).defaultsOf("fec_large");
    }
}
