// The verify worker: runs the solver phase (failure rules, GPU placement —
// everything in compiler/verify) on a background thread so typing never
// waits for Z3. The message thread hands it a finished check-phase
// Compilation (shared, read-only on both sides) and collects the findings
// later; nothing else is shared, and the two sides meet only under the
// worker's mutex.
//
// A newer version of a document obsoletes its job: a queued one is
// replaced, a running one is interrupted (verify::Interrupt) and its
// result dropped. Results carry the version they were computed for; the
// server publishes them only if the document is still at that version.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "compiler/driver/driver.h"
#include "compiler/verify/solver.h"

namespace rig::lsp {

class VerifyWorker {
public:
  struct Job {
    std::string uri;
    int64_t version = 0;
    std::shared_ptr<const Compilation> compilation; // stopped after Check
    CompileOptions opts;                             // its `verify` budget
  };
  struct Result {
    std::string uri;
    int64_t version = 0;
    // The one verified, not kept alive by the result: a finished result
    // waiting to be taken must not double the memory of a large document
    // when the server recompiles it meanwhile.
    std::weak_ptr<const Compilation> compilation;
    std::vector<Diagnostic> diags;                  // the solver's findings, sorted
  };

  // `ready` runs on the worker thread after each result is queued, so an
  // event loop can wake up and take() it. It must not call back in.
  explicit VerifyWorker(std::function<void()> ready = {});
  // Interrupts the running job, drops the queue and joins the thread.
  ~VerifyWorker();
  VerifyWorker(const VerifyWorker &) = delete;
  VerifyWorker &operator=(const VerifyWorker &) = delete;

  // Queues a job; it replaces a queued or running job for the same URI.
  void submit(Job job);
  // Forgets the URI's queued job and interrupts its running one (an edit
  // or a close made them stale).
  void cancel(const std::string &uri);
  // The results finished since the last call, in completion order.
  std::vector<Result> take();
  // Blocks until nothing is queued or running (tests and the golden
  // session runner use it to make the order of replies deterministic).
  void waitIdle();

private:
  void loop();

  std::function<void()> ready_;
  std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<Job> queue_;
  std::string runningUri_;                     // "" when idle
  std::shared_ptr<verify::Interrupt> running_; // the running job's interrupt
  std::vector<Result> done_;
  bool stop_ = false;
  std::thread thread_; // last: started once the members above exist
};

} // namespace rig::lsp
