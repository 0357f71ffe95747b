package org.fec.zoo;

/** The reference's {@code fec_large_det} as a DL4J zoo model. */
public class FecLargeDet extends FecZooModel {

    protected FecLargeDet(Builder<?> b) {
        super("fec_large_det", b);
    }

    public static Builder<FecLargeDet> builder() {
        return new Builder<FecLargeDet>(FecLargeDet::new).defaultsOf("fec_large_det");
    }
}
