package org.fec.layers;

import java.util.Objects;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A differentiable resize of NCHW activations, as PyTorch's {@code F.interpolate} with {@code align_corners=False}
 * (bilinear) or legacy {@code nearest}, in one of three forms:
 * <ul>
 *   <li>{@link #scaled}: one input, output size {@code floor(side * factor)} (mmseg's {@code Upsample}, which turns
 *       its scale factor into a size);</li>
 *   <li>{@link #like}: inputs {@code [x, reference]}, x resized to the reference's height and width (the reference
 *       gets no gradient);</li>
 *   <li>{@link #addedTo}: inputs {@code [x, base]}, output {@code base + resize(x to base's size)} (the FPN top-down
 *       path and the FPN head's sum).</li>
 * </ul>
 */
public class ResizeVertex extends GraphVertex {

    /** How the output size is chosen and combined. */
    public enum Form {
        SCALED, LIKE, ADDED_TO
    }

    private Interpolation.Mode mode;
    private Form form;
    private double scaleFactor;

    /** For JSON. */
    public ResizeVertex(@JsonProperty("mode") Interpolation.Mode mode, @JsonProperty("form") Form form,
                        @JsonProperty("scaleFactor") double scaleFactor) {
        this.mode = mode;
        this.form = form;
        this.scaleFactor = scaleFactor;
        if (form == Form.SCALED && !(scaleFactor > 0)) {
            throw new IllegalArgumentException("A scaled resize needs a positive scale factor, got " + scaleFactor);
        }
    }

    /** Resizes its one input by {@code factor} (output side {@code floor(side * factor)}). */
    public static ResizeVertex scaled(Interpolation.Mode mode, double factor) {
        return new ResizeVertex(mode, Form.SCALED, factor);
    }

    /** Resizes input 0 to the height and width of input 1. */
    public static ResizeVertex like(Interpolation.Mode mode) {
        return new ResizeVertex(mode, Form.LIKE, 0);
    }

    /** Adds input 0, resized to the height and width of input 1, to input 1. */
    public static ResizeVertex addedTo(Interpolation.Mode mode) {
        return new ResizeVertex(mode, Form.ADDED_TO, 0);
    }

    public Interpolation.Mode getMode() {
        return mode;
    }

    public Form getForm() {
        return form;
    }

    public double getScaleFactor() {
        return scaleFactor;
    }

    @Override
    public ResizeVertex clone() {
        return new ResizeVertex(mode, form, scaleFactor);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResizeVertex r && r.mode == mode && r.form == form && r.scaleFactor == scaleFactor;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, form, scaleFactor);
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return form == Form.SCALED ? 1 : 2;
    }

    @Override
    public int maxVertexInputs() {
        return minVertexInputs();
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new ResizeVertexImpl(graph, name, idx, this, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputs) throws InvalidInputTypeException {
        if (inputs.length != minVertexInputs()) {
            throw new InvalidInputTypeException("Resize (" + form + ") expects " + minVertexInputs()
                    + " input(s), got " + inputs.length);
        }
        InputType.InputTypeConvolutional x = convolutional(inputs[0]);
        if (form == Form.SCALED) {
            return InputType.convolutional((long) Math.floor(x.getHeight() * scaleFactor),
                    (long) Math.floor(x.getWidth() * scaleFactor), x.getChannels());
        }
        InputType.InputTypeConvolutional ref = convolutional(inputs[1]);
        if (form == Form.ADDED_TO && ref.getChannels() != x.getChannels()) {
            throw new InvalidInputTypeException("Resize-and-add needs equal channel counts, got " + x.getChannels()
                    + " and " + ref.getChannels());
        }
        return InputType.convolutional(ref.getHeight(), ref.getWidth(), x.getChannels());
    }

    private static InputType.InputTypeConvolutional convolutional(InputType t) {
        if (!(t instanceof InputType.InputTypeConvolutional c)) {
            throw new InvalidInputTypeException("Resize expects convolutional (NCHW) inputs, got " + t);
        }
        return c;
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        return new LayerMemoryReport.Builder(null, ResizeVertex.class, inputTypes[0], out)
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }
}
