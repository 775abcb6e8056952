// Boxed<T>: an optional value kept on the heap. For rarely set, large
// members of model structs (probes, lifecycle hooks): an absent one costs a
// pointer instead of the whole value, which keeps a Container — and with it
// a build of thousands of workloads — a fraction of the size. Copies are
// deep, so model structs stay plain values.
#pragma once

#include <memory>
#include <utility>

namespace rig::model {

// A unique_ptr whose copies copy the pointee: what Boxed and Lazy hold.
template <class T> class DeepPtr : public std::unique_ptr<T> {
public:
  using std::unique_ptr<T>::unique_ptr;
  DeepPtr() = default;
  DeepPtr(std::unique_ptr<T> p) : std::unique_ptr<T>(std::move(p)) {}
  DeepPtr(const DeepPtr &o) : std::unique_ptr<T>(o ? std::make_unique<T>(*o) : nullptr) {}
  DeepPtr(DeepPtr &&) noexcept = default;
  DeepPtr &operator=(const DeepPtr &o) {
    if (this != &o) std::unique_ptr<T>::operator=(o ? std::make_unique<T>(*o) : nullptr);
    return *this;
  }
  DeepPtr &operator=(DeepPtr &&) noexcept = default;
};

template <class T> class Boxed {
public:
  Boxed() = default;
  Boxed(T value) : p_(std::make_unique<T>(std::move(value))) {}
  Boxed &operator=(T value) {
    p_ = std::make_unique<T>(std::move(value));
    return *this;
  }

  bool has_value() const { return p_ != nullptr; }
  explicit operator bool() const { return p_ != nullptr; }
  T &operator*() { return *p_; }
  const T &operator*() const { return *p_; }
  T *operator->() { return p_.get(); }
  const T *operator->() const { return p_.get(); }
  void reset() { p_.reset(); }

private:
  DeepPtr<T> p_;
};

// Lazy<T>: a value that reads as a default T until it is first written,
// and only then takes heap memory. For large members most objects leave
// at their defaults (a Deployment's job spec, the security context of most
// containers): an untouched one costs a pointer, which keeps a build of
// thousands of workloads megabytes smaller. Reads (`->`, `*`) never
// allocate; writes go through mut(). Copies are deep.
template <class T> class Lazy {
public:
  const T &operator*() const { return p_ ? *p_ : defaultValue(); }
  const T *operator->() const { return &**this; }
  T &mut() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }

private:
  static const T &defaultValue() {
    static const T value{};
    return value;
  }
  DeepPtr<T> p_;
};

} // namespace rig::model
