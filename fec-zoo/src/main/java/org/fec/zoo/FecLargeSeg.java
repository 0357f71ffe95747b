package org.fec.zoo;

/** The reference's {@code fec_large_seg} as a DL4J zoo model. */
public class FecLargeSeg extends FecZooModel {

    protected FecLargeSeg(Builder<?> b) {
        super("fec_large_seg", b);
    }

    public static Builder<FecLargeSeg> builder() {
        return new Builder<FecLargeSeg>(FecLargeSeg::new).defaultsOf("fec_large_seg");
    }
}
