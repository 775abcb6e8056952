// Scratch memory: what a thread allocates while a scratch::Scope is open
// comes from a region of that thread's own, which reset() hands out again
// from its start, and freeing it does nothing.
//
// Why: `rig build` checks each top-level workload of a large file on the
// parsing thread as soon as it is parsed, and then drops its body
// (check/early_check.h). Destroying a body node by node (about 80 blocks
// per workload) was about 4% of a 1,000-workload build's instructions;
// dropped from scratch memory it costs nothing, and the next body is built
// in the same memory.
//
// The allocator of the one-shot commands provides it (tools/rig/
// batch_allocator.cpp installs itself); without it — the language server,
// the library's tests, sanitizer builds — available() is false, a Scope
// changes nothing and everything is freed as usual.
//
// The contract, for whoever opens a Scope:
// - Everything allocated on the thread while the scope is open is scratch:
//   it must belong to one structure that is dropped whole (its owner
//   released, not destroyed: a destructor may run but nothing may be read
//   after reset()). A container that lives longer and may grow inside the
//   scope must grow under a Scope(false).
// - reset() is called by the thread that opened the scope, once nothing
//   allocated under it is in use.
#pragma once

namespace rig::scratch {

// The allocator's side, installed once before any thread uses scratch
// memory.
struct Provider {
  bool (*setActive)(bool on);    // scratch on or off for this thread; returns the previous state
  bool (*owns)(const void *p);   // p is scratch memory (of any thread)
  void (*reset)();               // this thread's scratch is handed out again from its start
};
void install(const Provider *provider);
// The provider installed, or null (tests switch scratch off and on again).
const Provider *installed();

// Whether scratch memory is there at all.
bool available();

// Opens (on = true) or, inside one, suspends (on = false) scratch
// allocation on this thread until the scope ends.
class Scope {
public:
  explicit Scope(bool on);
  ~Scope();
  Scope(const Scope &) = delete;
  Scope &operator=(const Scope &) = delete;

private:
  const Provider *provider_; // the one that was installed when the scope opened
  bool previous_ = false;
};

// Whether `p` is scratch memory; false when scratch is not available.
bool owns(const void *p);

// Hands this thread's scratch memory out again from its start.
void reset();

} // namespace rig::scratch
