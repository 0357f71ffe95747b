package org.fec.zoo;

/** The reference's {@code fec_base_seg} as a DL4J zoo model. */
public class FecBaseSeg extends FecZooModel {

    protected FecBaseSeg(Builder<?> b) {
        super("fec_base_seg", b);
    }

    public static Builder<FecBaseSeg> builder() {
        return new Builder<FecBaseSeg>(FecBaseSeg::new).defaultsOf("fec_base_seg");
    }
}
