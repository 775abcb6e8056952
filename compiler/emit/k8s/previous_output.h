// What a previous build wrote, read back for rules about immutable fields
// (a claim's storage class). Lives in emit/k8s because reading YAML is
// yaml-cpp's job, and yaml-cpp stays private to this layer.
#pragma once

#include <string>
#include <vector>

#include "compiler/model/model.h"

namespace rig::emit {

// Every PersistentVolumeClaim in the manifests (*.yaml, *.json) under `dir`,
// in path order. Returns false with `error` set when `dir` cannot be read
// or a manifest does not parse. `read`, when set, gets the path of every
// manifest looked at (what a depfile lists).
bool readPreviousClaims(const std::string &dir, std::vector<model::PreviousClaim> &out, std::string &error,
                        std::vector<std::string> *read = nullptr);

} // namespace rig::emit
