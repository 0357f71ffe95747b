package org.fec.zoo;

/** The reference's {@code fec_small_seg} as a DL4J zoo model. */
public class FecSmallSeg extends FecZooModel {

    protected FecSmallSeg(Builder<?> b) {
        super("fec_small_seg", b);
    }

    public static Builder<FecSmallSeg> builder() {
        return new Builder<FecSmallSeg>(FecSmallSeg::new).defaultsOf("fec_small_seg");
    }
}
