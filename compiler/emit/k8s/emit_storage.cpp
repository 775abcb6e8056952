// StorageClass, VolumeAttributesClass and PersistentVolumeClaim objects.
#include "compiler/emit/k8s/feature_objects.h"

namespace rig::emit {

void emitStorageObjects(const model::Program &program, std::vector<FeatureObject> &out) {
  (void)program;
  (void)out;
}

} // namespace rig::emit
