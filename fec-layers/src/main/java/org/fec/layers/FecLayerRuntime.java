package org.fec.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.DL4JSameDiffMemoryMgr;
import org.deeplearning4j.nn.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.common.primitives.Pair;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runtime of an {@link FecLayer}: builds one SameDiff graph per input shape (kept in a small LRU cache) and
 * back-propagates through {@code loss = sum(output * epsilon)}, which yields exact gradients (the stock DL4J
 * SameDiff layer's external-errors path doubles them in 1.0.0-M2.1).
 */
public class FecLayerRuntime extends SameDiffLayer {

    private static final String EPSILON_KEY = "epsilon";
    private static final String DROP_KEY = "drop_path_";
    /** Distinct input shapes kept compiled; typically one for training and one for the last partial batch. */
    private static final int MAX_CACHED_SHAPES = 4;

    /** One compiled graph for one input shape. */
    private static final class ShapeGraph {
        final SameDiff sd;
        final String outputName;
        final int dropBranches;

        ShapeGraph(SameDiff sd, String outputName, int dropBranches) {
            this.sd = sd;
            this.outputName = outputName;
            this.dropBranches = dropBranches;
        }
    }

    /** How a layer computes: hand-written eager ND4J kernels (fast) or its SameDiff definition (autodiff). */
    public enum Engine { NATIVE, SAMEDIFF }

    private static volatile Engine defaultEngine =
            Engine.valueOf(System.getProperty("fec.engine", "native").toUpperCase(java.util.Locale.ROOT));

    /** Selects the engine of every FEC layer (system property {@code fec.engine}: native or samediff). */
    public static void setDefaultEngine(Engine engine) {
        defaultEngine = engine;
    }

    public static Engine getDefaultEngine() {
        return defaultEngine;
    }

    /** The native pass of the last training forward, kept for the backward pass. */
    private Kernel trainingPass;
    private INDArray trainingPassInput;

    private final Map<List<Long>, ShapeGraph> graphs = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Long>, ShapeGraph> eldest) {
            return size() > MAX_CACHED_SHAPES;
        }
    };
    /** Stochastic-depth masks of the last training forward pass, reused by the backward pass. */
    private INDArray[] dropMasks;

    public FecLayerRuntime(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private FecLayer fecConf() {
        return (FecLayer) layerConf();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray in = inputInNetworkType();
        fecConf().checkInputShape(in.shape());
        if (usesNativeEngine()) {
            return activateNative(in, training, workspaceMgr);
        }
        ShapeGraph g = graphFor(in.shape());

        Map<String, INDArray> ph = new HashMap<>();
        ph.put(INPUT_KEY, in);
        dropMasks = drawDropMasks(g, in.size(0), training);
        putDropMasks(ph, g);

        String wsWorking = workspaceMgr.getWorkspaceName(ArrayType.FF_WORKING_MEM);
        String wsOutput = workspaceMgr.getWorkspaceName(ArrayType.ACTIVATIONS);
        boolean outScopedOut = workspaceMgr.isScopedOut(ArrayType.ACTIVATIONS);
        InferenceSession is = g.sd.getSessions().get(Thread.currentThread().getId());
        if (is == null) {
            is = SameDiff.getInferenceFactory().create(g.sd);
            g.sd.getSessions().put(Thread.currentThread().getId(), is);
        }
        is.setMmgr(new DL4JSameDiffMemoryMgr(wsWorking, wsOutput,
                workspaceMgr.getConfiguration(ArrayType.FF_WORKING_MEM),
                workspaceMgr.getConfiguration(ArrayType.ACTIVATIONS)));

        INDArray result = g.sd.output(ph, g.outputName).get(g.outputName);
        if (!outScopedOut && (!result.isAttached()
                || !result.data().getParentWorkspace().getId().equals(wsOutput))) {
            result = workspaceMgr.dup(ArrayType.ACTIVATIONS, result);
        } else if (outScopedOut && result.isAttached()) {
            result = result.detach();
        }
        g.sd.clearPlaceholders(true);
        g.sd.clearOpInputs();
        return result;
    }

    private boolean usesNativeEngine() {
        return defaultEngine == Engine.NATIVE && fecConf().hasNativeEngine();
    }

    /**
     * Native forward pass. Its arrays live in DL4J's workspaces, which are reused from one iteration to the next
     * (fresh off-heap memory costs a page fault per 4 KiB on first touch, which otherwise dominates): in training
     * the activations workspace, which stays open until the backward pass has used them; in inference the layer's
     * working memory, with the output copied to the activations workspace.
     */
    private INDArray activateNative(INDArray in, boolean training, LayerWorkspaceMgr workspaceMgr) {
        Kernel pass = fecConf().newKernel(in.shape(), dataType);
        if (training) {
            try (MemoryWorkspace ws = workspaceMgr.notifyScopeBorrowed(ArrayType.ACTIVATIONS)) {
                INDArray out = pass.forward(in, paramTable, nativeDropMasks(in.size(0), true));
                trainingPass = pass;
                trainingPassInput = input;
                return out;
            }
        }
        trainingPass = null;
        trainingPassInput = null;
        dropMasks = null;                                    // inference: no stochastic depth
        INDArray out = pass.infer(in, paramTable);
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, out);
    }

    private INDArray[] nativeDropMasks(long batch, boolean training) {
        FecLayer conf = fecConf();
        if (!training || conf.dropPathRate() <= 0) {
            dropMasks = null;
            return new INDArray[0];
        }
        INDArray[] masks = new INDArray[conf.numDropPathBranches()];
        for (int i = 0; i < masks.length; i++) {
            masks[i] = keepMask(batch);
        }
        dropMasks = masks;
        return masks;
    }

    private Pair<Gradient, INDArray> backpropNative(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        Kernel pass = trainingPass;
        if (pass == null || trainingPassInput != input) {
            // No training forward pass for this input (e.g. a gradient asked for after inference): redo it.
            pass = fecConf().newKernel(input.shape(), dataType);
            pass.forward(inputInNetworkType(), paramTable, dropMasks == null ? new INDArray[0] : dropMasks);
        }
        INDArray eps = epsilon.dataType() == dataType ? epsilon : epsilon.castTo(dataType);
        INDArray dLdIn = workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, pass.backward(eps, paramTable, gradTable));
        trainingPass = null;
        trainingPassInput = null;
        Gradient gradient = new DefaultGradient();
        for (String p : paramTable.keySet()) {
            gradient.gradientForVariable().put(p, gradTable.get(p));
        }
        return new Pair<>(gradient, dLdIn);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (usesNativeEngine()) {
            return backpropNative(epsilon, workspaceMgr);
        }
        INDArray in = inputInNetworkType();
        ShapeGraph g = graphFor(in.shape());
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (!g.sd.hasGradientFunction()) {
                g.sd.createGradFunction(INPUT_KEY);
            }
        }
        SameDiff gradFn = g.sd.getFunction("grad");
        Map<Long, InferenceSession> sessions = gradFn.getSessions();
        sessions.computeIfAbsent(Thread.currentThread().getId(), k -> SameDiff.getInferenceFactory().create(gradFn));
        sessions.get(Thread.currentThread().getId()).setMmgr(new DL4JSameDiffMemoryMgr(
                workspaceMgr.getWorkspaceName(ArrayType.BP_WORKING_MEM),
                workspaceMgr.getWorkspaceName(ArrayType.ACTIVATION_GRAD),
                workspaceMgr.getConfiguration(ArrayType.BP_WORKING_MEM),
                workspaceMgr.getConfiguration(ArrayType.ACTIVATION_GRAD)));

        Map<String, INDArray> ph = new HashMap<>();
        ph.put(INPUT_KEY, in);
        ph.put(EPSILON_KEY, epsilon.dataType() == dataType ? epsilon : epsilon.castTo(dataType));
        if (dropMasks == null || (g.dropBranches > 0 && dropMasks[0].size(0) != in.size(0))) {
            dropMasks = drawDropMasks(g, in.size(0), false);
        }
        putDropMasks(ph, g);

        List<String> wanted = new ArrayList<>(paramTable.size() + 1);
        wanted.add(INPUT_KEY);
        wanted.addAll(paramTable.keySet());
        Map<String, INDArray> grads = g.sd.calculateGradients(ph, wanted);

        Gradient gradient = new DefaultGradient();
        for (String p : paramTable.keySet()) {
            INDArray view = gradTable.get(p);
            INDArray sdGrad = grads.get(p);
            if (sdGrad == null) {
                // The parameter influences the output only through a hard argmax (e.g. ClusterPool's conv_f).
                view.assign(0);
            } else {
                view.assign(sdGrad);
            }
            gradient.gradientForVariable().put(p, view);
        }
        INDArray dLdIn = grads.get(INPUT_KEY);
        g.sd.clearPlaceholders(true);
        g.sd.clearOpInputs();
        return new Pair<>(gradient, workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, dLdIn));
    }

    /**
     * Runs this layer on {@code input} (inference mode, outside any workspace) and returns the value of one named
     * intermediate variable, e.g. {@link FecOps#ASSIGNMENT} (the hard assignments of a clustering layer).
     */
    public INDArray probe(INDArray input, String variable) {
        INDArray in = input.dataType() == dataType ? input : input.castTo(dataType);
        fecConf().checkInputShape(in.shape());
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            ShapeGraph g = graphFor(in.shape());
            if (!g.sd.hasVariable(variable)) {
                throw new IllegalArgumentException("Layer " + layerId() + " has no variable '" + variable + "'");
            }
            Map<String, INDArray> ph = new HashMap<>();
            ph.put(INPUT_KEY, in);
            INDArray[] saved = dropMasks;
            dropMasks = drawDropMasks(g, in.size(0), false);
            putDropMasks(ph, g);
            dropMasks = saved;
            InferenceSession is = g.sd.getSessions().get(Thread.currentThread().getId());
            if (is != null) {
                is.setMmgr(new org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr());
            }
            INDArray out = g.sd.output(ph, variable).get(variable).dup();
            g.sd.clearPlaceholders(true);
            g.sd.clearOpInputs();
            return out;
        }
    }

    private INDArray inputInNetworkType() {
        return input.dataType() == dataType ? input : input.castTo(dataType);
    }

    private INDArray[] drawDropMasks(ShapeGraph g, long batch, boolean training) {
        INDArray[] masks = new INDArray[g.dropBranches];
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (int i = 0; i < masks.length; i++) {
                masks[i] = training ? keepMask(batch) : Nd4j.ones(dataType, batch, 1);
            }
        }
        return masks;
    }

    /** Keeps each sample's branch with probability 1 - rate and rescales it, as timm's DropPath does. */
    private INDArray keepMask(long batch) {
        double rate = fecConf().dropPathRate();
        return Nd4j.rand(dataType, batch, 1).gt(rate).castTo(dataType).divi(1.0 - rate);
    }

    private void putDropMasks(Map<String, INDArray> ph, ShapeGraph g) {
        for (int i = 0; i < g.dropBranches; i++) {
            ph.put(DROP_KEY + i, dropMasks[i]);
        }
    }

    private ShapeGraph graphFor(long[] inputShape) {
        List<Long> key = new ArrayList<>(inputShape.length);
        for (long d : inputShape) {
            key.add(d);
        }
        ShapeGraph g = graphs.get(key);
        if (g == null) {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                g = build(inputShape);
            }
            graphs.put(key, g);
        }
        return g;
    }

    private ShapeGraph build(long[] inputShape) {
        FecLayer conf = fecConf();
        SameDiff sd = SameDiff.create();
        // Single-thread holders let the graph use DL4J's parameter views directly.
        sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
        SDVariable in = sd.placeHolder(INPUT_KEY, dataType, inputShape.clone());
        Map<String, SDVariable> params = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : conf.getLayerParams().getParamShapes().entrySet()) {
            params.put(e.getKey(), sd.var(e.getKey(), dataType, e.getValue()));
        }
        int branches = conf.dropPathRate() > 0 ? conf.numDropPathBranches() : 0;
        SDVariable[] drops = new SDVariable[branches];
        for (int i = 0; i < branches; i++) {
            drops[i] = sd.placeHolder(DROP_KEY + i, dataType, inputShape[0], 1);
        }
        SDVariable out = conf.define(sd, in, params, inputShape.clone(), drops);
        for (Map.Entry<String, INDArray> e : paramTable.entrySet()) {
            sd.associateArrayWithVariable(e.getValue(), sd.getVariable(e.getKey()));
        }
        SDVariable eps = sd.placeHolder(EPSILON_KEY, dataType, unknownShape(4));
        SDVariable loss = out.mul(eps).sum();
        sd.setLossVariables(loss);
        return new ShapeGraph(sd, out.name(), branches);
    }

    private static long[] unknownShape(int rank) {
        long[] s = new long[rank];
        Arrays.fill(s, -1);
        return s;
    }

    @Override
    public void setParam(String key, INDArray val) {
        INDArray current = paramTable.get(key);
        if (current == null) {
            throw new IllegalArgumentException("Unknown parameter '" + key + "' of layer " + layerId()
                    + "; known: " + paramTable.keySet());
        }
        if (!Arrays.equals(current.shape(), val.shape())) {
            throw new IllegalArgumentException("Parameter '" + key + "' of layer " + layerId() + " has shape "
                    + Arrays.toString(current.shape()) + ", cannot set an array of shape " + Arrays.toString(val.shape()));
        }
        current.assign(val);
    }

    @Override
    protected void doInit() {
        throw new UnsupportedOperationException("FecLayerRuntime builds its graphs per input shape");
    }
}
