package org.fec.zoo;

/** The reference's {@code fec_base} as a DL4J zoo model. */
public class FecBase extends FecZooModel {

    protected FecBase(Builder<?> b) {
        super("fec_base", b);
    }

    public static Builder<FecBase> builder() {
        return new Builder<FecBase>(FecBase::new).defaultsOf("fec_base");
    }
}
