package org.fec.zoo;

/** The reference's {@code fec_base_det} as a DL4J zoo model. */
public class FecBaseDet extends FecZooModel {

    protected FecBaseDet(Builder<?> b) {
        super("fec_base_det", b);
    }

    public static Builder<FecBaseDet> builder() {
        return new Builder<FecBaseDet>(FecBaseDet::new).defaultsOf("fec_base_det");
    }
}
