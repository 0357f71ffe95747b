package org.fec.zoo;

/** The reference's {@code fec_small_det} as a DL4J zoo model. */
public class FecSmallDet extends FecZooModel {

    protected FecSmallDet(Builder<?> b) {
        super("fec_small_det", b);
    }

    public static Builder<FecSmallDet> builder() {
        return new Builder<FecSmallDet>(FecSmallDet::new).defaultsOf("fec_small_det");
    }
}
