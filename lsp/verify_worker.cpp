#include "lsp/verify_worker.h"

#include <algorithm>

namespace rig::lsp {

VerifyWorker::VerifyWorker(std::function<void()> ready) : ready_(std::move(ready)), thread_([this] { loop(); }) {}

VerifyWorker::~VerifyWorker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    queue_.clear();
    if (running_) running_->trigger();
  }
  wake_.notify_all();
  thread_.join();
}

void VerifyWorker::submit(Job job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.erase(std::remove_if(queue_.begin(), queue_.end(), [&](const Job &j) { return j.uri == job.uri; }),
                 queue_.end());
    if (running_ && runningUri_ == job.uri) running_->trigger();
    queue_.push_back(std::move(job));
  }
  wake_.notify_all();
}

void VerifyWorker::cancel(const std::string &uri) {
  std::lock_guard<std::mutex> lock(mutex_);
  queue_.erase(std::remove_if(queue_.begin(), queue_.end(), [&](const Job &j) { return j.uri == uri; }), queue_.end());
  if (running_ && runningUri_ == uri) running_->trigger();
  if (queue_.empty() && !running_) idle_.notify_all();
}

std::vector<VerifyWorker::Result> VerifyWorker::take() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::move(done_);
}

void VerifyWorker::waitIdle() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_.wait(lock, [&] { return queue_.empty() && !running_; });
}

void VerifyWorker::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    Job job = std::move(queue_.front());
    queue_.pop_front();
    // Each job has its own Interrupt and each Solver its own Z3 context:
    // nothing of Z3 outlives or escapes the job.
    auto interrupt = std::make_shared<verify::Interrupt>();
    running_ = interrupt;
    runningUri_ = job.uri;
    lock.unlock();

    Result r{job.uri, job.version, job.compilation, {}};
    Diagnostics diags;
    job.opts.verify.interrupt = interrupt.get();
    try {
      verifyCompilation(*job.compilation, diags, job.opts);
    } catch (...) {
      // Z3 may throw while being interrupted; an interrupted run's result
      // is dropped below anyway.
      interrupt->trigger();
    }
    r.diags = std::move(diags.all());
    bool obsolete = interrupt->triggered();
    // Release what an obsolete run holds here, not under the lock.
    job = Job{};
    if (obsolete) r = Result{};

    lock.lock();
    running_.reset();
    runningUri_.clear();
    if (!obsolete) done_.push_back(std::move(r));
    if (!obsolete && ready_) {
      lock.unlock();
      ready_();
      lock.lock();
    }
    idle_.notify_all(); // waiters re-check: nothing queued, nothing running
  }
}

} // namespace rig::lsp
