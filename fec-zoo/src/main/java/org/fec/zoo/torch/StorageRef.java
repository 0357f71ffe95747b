package org.fec.zoo.torch;

/**
 * A storage named by a pickle persistent id {@code ('storage', torch.XStorage, key, location, numel)}.
 * Only a reference: the bytes live in the zip entry {@code <prefix>/data/<key>}.
 *
 * @param storageClass the torch class name, e.g. {@code FloatStorage}
 * @param dtype        null when the class is not one we can decode (reported when a tensor uses it)
 */
record StorageRef(String storageClass, TorchDType dtype, String key, String location, long numel) {
}
