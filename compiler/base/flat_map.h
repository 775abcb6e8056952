// FlatMap<K, V>: a map kept as a sorted vector of pairs. The model holds
// many tiny maps (a container's requests and limits, a workload's labels);
// as std::map each entry is a separate 80–100 byte tree node, here it is
// one element of one array. Same iteration order as std::map (sorted by
// key) and the subset of its interface the compiler uses.
//
// Unlike std::map, inserting may move elements: do not keep references or
// iterators across an insertion.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "llvm/ADT/StringRef.h"

namespace rig {

template <class K, class V> class FlatMap {
public:
  using key_type = K;
  using mapped_type = V;
  using value_type = std::pair<K, V>;
  using iterator = typename std::vector<value_type>::iterator;
  using const_iterator = typename std::vector<value_type>::const_iterator;

  FlatMap() = default;
  FlatMap(std::initializer_list<value_type> init) {
    for (const value_type &v : init) emplace(v.first, v.second);
  }

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  void clear() { items_.clear(); }

  template <class Q> iterator find(const Q &key) {
    iterator it = lowerBound(key);
    return it != items_.end() && !less(key, it->first) ? it : items_.end();
  }
  template <class Q> const_iterator find(const Q &key) const {
    const_iterator it = lowerBound(key);
    return it != items_.end() && !less(key, it->first) ? it : items_.end();
  }
  template <class Q> size_t count(const Q &key) const { return find(key) != end() ? 1 : 0; }
  template <class Q> bool contains(const Q &key) const { return find(key) != end(); }

  template <class Q> V &at(const Q &key) {
    iterator it = find(key);
    if (it == items_.end()) throw std::out_of_range("FlatMap::at");
    return it->second;
  }
  template <class Q> const V &at(const Q &key) const {
    const_iterator it = find(key);
    if (it == items_.end()) throw std::out_of_range("FlatMap::at");
    return it->second;
  }

  V &operator[](const K &key) { return emplace(key, V()).first->second; }

  // Inserts when the key is absent; like std::map, never overwrites.
  template <class KK, class VV> std::pair<iterator, bool> emplace(KK &&key, VV &&value) {
    // Keys mostly come in order (`cpu` then `memory`, a sorted source):
    // one compare with the last key, and the pair made in place at the end.
    if (items_.empty() || less(items_.back().first, key)) {
      // The model's maps mostly hold two entries (cpu and memory, or two
      // labels): room for two at once saves a regrowth for most of them.
      if (items_.empty()) items_.reserve(2);
      items_.emplace_back(std::piecewise_construct, std::forward_as_tuple(std::forward<KK>(key)),
                          std::forward_as_tuple(std::forward<VV>(value)));
      return {items_.end() - 1, true};
    }
    iterator it = lowerBound(key);
    if (it != items_.end() && !less(key, it->first)) return {it, false};
    it = items_.emplace(it, K(std::forward<KK>(key)), V(std::forward<VV>(value)));
    return {it, true};
  }
  std::pair<iterator, bool> insert(value_type v) { return emplace(std::move(v.first), std::move(v.second)); }
  template <class VV> std::pair<iterator, bool> insert_or_assign(const K &key, VV &&value) {
    auto [it, added] = emplace(key, V());
    it->second = std::forward<VV>(value);
    return {it, added};
  }
  template <class Q> size_t erase(const Q &key) {
    iterator it = find(key);
    if (it == items_.end()) return 0;
    items_.erase(it);
    return 1;
  }
  iterator erase(const_iterator it) { return items_.erase(it); }
  iterator erase(iterator it) { return items_.erase(it); }

  bool operator==(const FlatMap &o) const { return items_ == o.items_; }
  bool operator!=(const FlatMap &o) const { return items_ != o.items_; }

private:
  // String keys compare as StringRefs: a literal's length is known where
  // it is written, and no std::string is built for a lookup by literal
  // (`requests.find("cpu")`, on the checker's hot path).
  template <class A, class B> static bool less(const A &a, const B &b) {
    if constexpr (std::is_same_v<K, std::string> && std::is_convertible_v<const A &, llvm::StringRef> &&
                  std::is_convertible_v<const B &, llvm::StringRef>)
      return llvm::StringRef(a) < llvm::StringRef(b);
    else
      return a < b;
  }
  template <class Q> iterator lowerBound(const Q &key) {
    return std::lower_bound(items_.begin(), items_.end(), key, [](const value_type &e, const Q &k) { return less(e.first, k); });
  }
  template <class Q> const_iterator lowerBound(const Q &key) const {
    return std::lower_bound(items_.begin(), items_.end(), key, [](const value_type &e, const Q &k) { return less(e.first, k); });
  }

  std::vector<value_type> items_;
};

} // namespace rig
