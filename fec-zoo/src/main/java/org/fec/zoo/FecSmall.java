package org.fec.zoo;

/** The reference's {@code fec_small} as a DL4J zoo model. */
public class FecSmall extends FecZooModel {

    protected FecSmall(Builder<?> b) {
        super("fec_small", b);
    }

    public static Builder<FecSmall> builder() {
        return new Builder<FecSmall>(FecSmall::new).defaultsOf("fec_small");
    }
}
