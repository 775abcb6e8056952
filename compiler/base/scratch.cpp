#include "compiler/base/scratch.h"

#include <atomic>

namespace rig::scratch {

namespace {
std::atomic<const Provider *> installedProvider{nullptr};
}

void install(const Provider *provider) { installedProvider.store(provider, std::memory_order_release); }

const Provider *installed() { return installedProvider.load(std::memory_order_acquire); }

bool available() { return installedProvider.load(std::memory_order_acquire) != nullptr; }

Scope::Scope(bool on) : provider_(installedProvider.load(std::memory_order_acquire)) {
  if (provider_) previous_ = provider_->setActive(on);
}

Scope::~Scope() {
  if (provider_) provider_->setActive(previous_);
}

bool owns(const void *ptr) {
  const Provider *p = installedProvider.load(std::memory_order_acquire);
  return p && p->owns(ptr);
}

void reset() {
  if (const Provider *p = installedProvider.load(std::memory_order_acquire)) p->reset();
}

} // namespace rig::scratch
