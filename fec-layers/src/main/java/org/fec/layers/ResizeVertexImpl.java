package org.fec.layers;

import java.util.HashMap;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The runtime of {@link ResizeVertex}: interpolation matrices are built once per size pair and data type. */
public class ResizeVertexImpl extends BaseGraphVertex {

    private final ResizeVertex conf;
    /** Detached interpolation matrices (null entry = identity), keyed by "in>out:dtype". */
    private final Map<String, INDArray[]> matrices = new HashMap<>();
    private INDArray heightMatrix;
    private INDArray widthMatrix;
    private long[] referenceShape;

    public ResizeVertexImpl(ComputationGraph graph, String name, int index, ResizeVertex conf, DataType dataType) {
        super(graph, name, index, null, null, dataType);
        this.conf = conf;
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException("Cannot do forward pass of '" + vertexName + "': inputs not set");
        }
        INDArray x = inputs[0];
        if (x.rank() != 4) {
            throw new IllegalArgumentException("Resize vertex '" + vertexName + "' expects NCHW input, got shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        int outH;
        int outW;
        if (conf.getForm() == ResizeVertex.Form.SCALED) {
            outH = (int) Math.floor(x.size(2) * conf.getScaleFactor());
            outW = (int) Math.floor(x.size(3) * conf.getScaleFactor());
            referenceShape = null;
        } else {
            INDArray ref = inputs[1];
            outH = (int) ref.size(2);
            outW = (int) ref.size(3);
            referenceShape = ref.shape();
            if (conf.getForm() == ResizeVertex.Form.ADDED_TO
                    && (ref.size(0) != x.size(0) || ref.size(1) != x.size(1))) {
                throw new IllegalArgumentException("Resize-and-add vertex '" + vertexName + "': input "
                        + java.util.Arrays.toString(x.shape()) + " cannot be added to "
                        + java.util.Arrays.toString(ref.shape()));
            }
        }
        heightMatrix = matrix((int) x.size(2), outH, x.dataType());
        widthMatrix = matrix((int) x.size(3), outW, x.dataType());
        INDArray y = Interpolation.apply(x, heightMatrix, widthMatrix);
        if (conf.getForm() == ResizeVertex.Form.ADDED_TO) {
            y.addi(inputs[1]);
        }
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, y);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("Cannot do backward pass of '" + vertexName + "': errors not set");
        }
        INDArray dx = Interpolation.applyBackward(epsilon, heightMatrix, widthMatrix);
        INDArray[] out = new INDArray[conf.minVertexInputs()];
        out[0] = workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, dx);
        if (conf.getForm() == ResizeVertex.Form.ADDED_TO) {
            out[1] = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon);
        } else if (conf.getForm() == ResizeVertex.Form.LIKE) {
            // Only the reference's size is used.
            out[1] = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), referenceShape);
        }
        return new Pair<>(null, out);
    }

    private INDArray matrix(int in, int out, DataType dataType) {
        String key = in + ">" + out + ":" + dataType;
        return matrices.computeIfAbsent(key, k -> {
            try (var ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                return new INDArray[]{Interpolation.matrix(Interpolation.weights(conf.getMode(), in, out), dataType)};
            }
        })[0];
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalStateException("Resize vertex has no parameters");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                           int minibatchSize) {
        return new Pair<>(null, currentMaskState);
    }

    @Override
    public String toString() {
        return "ResizeVertex(" + vertexName + ", " + conf.getMode() + ", " + conf.getForm() + ")";
    }
}
