// What loads AppArmor profiles on nodes: a ConfigMap and a DaemonSet.
#include "compiler/emit/k8s/feature_objects.h"

namespace rig::emit {

void emitAppArmorObjects(const model::Program &program, std::vector<FeatureObject> &out) {
  (void)program;
  (void)out;
}

} // namespace rig::emit
