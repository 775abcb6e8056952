#include "compiler/check/early_check.h"

#include "compiler/base/scratch.h"
#include "compiler/base/text_search.h"
#include "compiler/check/checker.h"
#include "compiler/k8s/names.h"
#include "llvm/ADT/DenseMap.h"

#include <array>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#endif
#endif

namespace rig {

using llvm::dyn_cast;

// One per parsing thread: a checker of its own, whose workload list is
// that thread's share of the program's, built in place.
struct EarlyWorkloadCheck::ThreadState {
  Diagnostics diags;
  sema::Checker checker;
  ThreadState(const SourceManager &sm, const CheckOptions &opts, k8s::Version target) : checker(sm, diags, opts) {
    diags.setLimit(SIZE_MAX); // check() replays them into the real list, which applies the limit
    checker.program_.target = target;
  }
};

// One part of the file's text: its workloads in order, with what each
// reported, and where the workloads it made are in the list of the thread
// that parsed it: [begin, end).
struct EarlyWorkloadCheck::PartState {
  std::vector<sema::Prechecked> items;
  size_t thread = 0, begin = 0, end = 0;
};

struct EarlyWorkloadCheck::FileState {
  FileId id;
  // The namespace of the file's workloads, when the file sets one the
  // plain way (plainFileNamespace); unset when it sets none.
  std::optional<std::string> ns;
  // Where in the file's text the word `namespace` of that line starts,
  // the one place the word may be (isPlainText); null when ns is unset.
  const char *nsWord = nullptr;
  std::vector<std::unique_ptr<ThreadState>> threads;
  std::vector<PartState> parts;
  // A file checked whole (checkWholeFile): its workloads, in order.
  std::optional<std::vector<model::Workload>> whole;
};

EarlyWorkloadCheck::EarlyWorkloadCheck(const SourceManager &sm, const CheckOptions &opts)
    : sm_(sm), opts_(opts), target_(opts.target ? *opts.target : k8s::kDefaultVersion),
      targetKnown_(opts.target.has_value()) {}

EarlyWorkloadCheck::~EarlyWorkloadCheck() = default;

// Which bytes make up words: letters, digits, '_'.
static constexpr std::array<bool, 256> kWordByte = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  return t;
}();

// The words that make a file more than plain (see the header), for the
// word of text starting at `at`; `namespace` is one everywhere but at
// `nsWord`, the file's plain namespace line.
// (Most words looked at are not refused, `image` or `limits`: each refused
// word is compared where it would stand, with no scan to the word's end.)
static bool isRefusedWord(const unsigned char *at, const unsigned char *end, bool targetFixed, const char *nsWord) {
  size_t room = static_cast<size_t>(end - at);
  // `word` is at `at`, and the word ends there.
  auto is = [&](const char *word, size_t n) {
    return room >= n && std::memcmp(at, word, n) == 0 && (room == n || !kWordByte[at[n]]);
  };
  switch (at[0]) {
  case 'i': return is("if", 2) || is("import", 6);
  case 'l': return is("let", 3);
  case 'f': return is("for", 3);
  case 't': return is("template", 8) || (!targetFixed && is("target", 6));
  case 'n': return reinterpret_cast<const char *>(at) != nsWord && is("namespace", 9);
  default: return false;
  }
}

// Whether a word starts at p: a word byte after a byte that is not one.
static bool startsWord(const unsigned char *begin, const unsigned char *p) {
  return kWordByte[*p] && (p == begin || !kWordByte[p[-1]]);
}

#if defined(__x86_64__) && defined(__GNUC__)
// The SSE2 scan below, 32 bytes at a time, for cores with AVX2 (asked at
// run time: the binary itself targets any x86-64). Advances p while it has
// 32 bytes to look at (p[-1] must be readable); true at a refused word.
[[gnu::target("avx2")]] static bool refusedWordAvx2(const unsigned char *&p, const unsigned char *end, bool targetFixed,
                                                    const char *nsWord) {
  for (; p + 32 <= end; p += 32) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p));
    __m256i before = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p - 1));
    __m256i first = _mm256_or_si256(
        _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('i')), _mm256_cmpeq_epi8(v, _mm256_set1_epi8('l'))),
        _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('f')), _mm256_cmpeq_epi8(v, _mm256_set1_epi8('t'))),
                        _mm256_cmpeq_epi8(v, _mm256_set1_epi8('n'))));
    // Word bytes before each byte, as in kWordByte (signed compares: bytes
    // from 0x80 up are negative, never in a range).
    __m256i lower = _mm256_and_si256(_mm256_cmpgt_epi8(before, _mm256_set1_epi8('a' - 1)),
                                     _mm256_cmpgt_epi8(_mm256_set1_epi8('z' + 1), before));
    __m256i upper = _mm256_and_si256(_mm256_cmpgt_epi8(before, _mm256_set1_epi8('A' - 1)),
                                     _mm256_cmpgt_epi8(_mm256_set1_epi8('Z' + 1), before));
    __m256i digit = _mm256_and_si256(_mm256_cmpgt_epi8(before, _mm256_set1_epi8('0' - 1)),
                                     _mm256_cmpgt_epi8(_mm256_set1_epi8('9' + 1), before));
    __m256i word = _mm256_or_si256(_mm256_or_si256(lower, upper),
                                   _mm256_or_si256(digit, _mm256_cmpeq_epi8(before, _mm256_set1_epi8('_'))));
    unsigned mask = static_cast<unsigned>(_mm256_movemask_epi8(_mm256_andnot_si256(word, first)));
    for (; mask; mask &= mask - 1)
      if (isRefusedWord(p + __builtin_ctz(mask), end, targetFixed, nsWord)) return true;
  }
  return false;
}

// From glibc's CPU feature table, filled in by the loader before main:
// libgcc's __builtin_cpu_supports would pull in its own probe, a constructor
// that runs a dozen `cpuid`s at every start, and each one is a trap to the
// hypervisor on a virtual machine (about 12 µs apiece on the CI machines).
#if __has_include(<sys/platform/x86.h>)
static const bool kHasAvx2 = CPU_FEATURE_ACTIVE(AVX2);
#else
static const bool kHasAvx2 = [] {
  __builtin_cpu_init(); // this runs as a static initialiser, maybe before libgcc's own
  return __builtin_cpu_supports("avx2") != 0;
}();
#endif
#endif

bool EarlyWorkloadCheck::acceptsText(llvm::StringRef text) const {
  // The file's one `namespace` line, checked in beginFile.
  return isPlainText(text, targetKnown_, parsing_ ? parsing_->nsWord : nullptr);
}

bool EarlyWorkloadCheck::isPlainText(llvm::StringRef text, bool targetFixed, const char *nsWord) {
  // This runs over the whole input of a large build, so it looks closely
  // only at word starts whose first letter is one of the refused words'
  // (i, l, f, t, n): 32 bytes at a time with AVX2, else 16 with SSE2.
  const unsigned char *begin = text.bytes_begin(), *end = text.bytes_end(), *p = begin;
  auto firstLetter = [](unsigned char c) { return c == 'i' || c == 'l' || c == 'f' || c == 't' || c == 'n'; };
#if defined(__SSE2__)
  if (end - begin > 17) {
    // Bytes are compared as signed: everything from 0x80 up is negative,
    // so never a word byte, as in kWordByte.
    auto wordBytes = [](__m128i v) {
      auto in = [&](char lo, char hi) {
        return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lo - 1))),
                             _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(hi + 1))));
      };
      return _mm_or_si128(_mm_or_si128(in('a', 'z'), in('A', 'Z')),
                          _mm_or_si128(in('0', '9'), _mm_cmpeq_epi8(v, _mm_set1_epi8('_'))));
    };
    if (firstLetter(*p) && isRefusedWord(p, end, targetFixed, nsWord)) return false;
    ++p;
#if defined(__x86_64__) && defined(__GNUC__)
    if (kHasAvx2 && refusedWordAvx2(p, end, targetFixed, nsWord)) return false;
#endif
    for (; p + 16 <= end; p += 16) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
      __m128i before = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p - 1));
      __m128i first = _mm_or_si128(
          _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('i')), _mm_cmpeq_epi8(v, _mm_set1_epi8('l'))),
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('f')), _mm_cmpeq_epi8(v, _mm_set1_epi8('t'))),
                       _mm_cmpeq_epi8(v, _mm_set1_epi8('n'))));
      unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_andnot_si128(wordBytes(before), first)));
      for (; mask; mask &= mask - 1)
        if (isRefusedWord(p + __builtin_ctz(mask), end, targetFixed, nsWord)) return false;
    }
  }
#endif
  for (; p < end; ++p)
    if (firstLetter(*p) && startsWord(begin, p) && isRefusedWord(p, end, targetFixed, nsWord)) return false;
  return true;
}

// Whether the `size` bytes of `text` at `at` are a whole word (no word
// byte on either side).
static bool wholeWordAt(llvm::StringRef text, size_t at, size_t size) {
  auto wordByte = [&](size_t i) { return kWordByte[static_cast<unsigned char>(text[i])]; };
  return (at == 0 || !wordByte(at - 1)) && (at + size >= text.size() || !wordByte(at + size));
}
static bool namespaceWordAt(llvm::StringRef text, size_t at) { return wholeWordAt(text, at, 9); }

// Whether the line of `text` that starts at `at` comes after nothing that
// could make it other than a line of its own: it starts a line that the
// line before does not continue (`\` at its end), and no block, block
// comment or text block opens before it.
static bool startsPlainLine(llvm::StringRef text, size_t at) {
  if (at == 0) return true;
  if (text[at - 1] != '\n') return false;
  llvm::StringRef before = text.take_front(at - 1);
  if (before.endswith("\r")) before = before.drop_back();
  if (before.endswith("\\")) return false;
  return !before.contains('{') && !before.contains("/*") && !before.contains("\"\"\"");
}

// The quoted text ending the line that starts at `from`, after at least
// one space or tab: `"…"` with nothing else after it but spaces and tabs,
// and nothing in it that a string would cook (escapes, interpolation,
// control or non-ASCII bytes), so that the text is its value.
static std::optional<llvm::StringRef> plainQuotedRest(llvm::StringRef text, size_t from) {
  llvm::StringRef line = text.drop_front(from).take_until([](char c) { return c == '\n'; }).rtrim(" \t\r");
  if (line.empty() || (line.front() != ' ' && line.front() != '\t')) return std::nullopt;
  line = line.ltrim(" \t");
  if (line.size() < 3 || line.front() != '"' || line.back() != '"') return std::nullopt;
  llvm::StringRef value = line.drop_front().drop_back();
  for (char c : value)
    if (c == '"' || c == '\\' || c == '$' || static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return std::nullopt;
  return value;
}

// The namespace a file sets for all its workloads, when it does so in the
// one plain way this check can be sure of without the syntax tree: a single
// `namespace "name"` line (a string without escapes or interpolation, so
// its text is its value), before anything that opens a block, comment or
// text block. Sets `word` to where that line's `namespace` starts. nullopt
// when the file names no namespace that way; the word anywhere else (a
// second namespace, one after a workload, the identifier or
// `namespace = "…"` forms, the word in a comment or string) makes
// isPlainText refuse the text that holds it, and the file takes the usual
// path. Only the text before the first `{` is looked at, since the line
// must come before it: the rest is for isPlainText, which scans every
// part's text anyway (a search of the whole file here took 0.06 ms of a
// 7 ms build of 1,000 workloads, while only one thread ran).
static std::optional<std::string> plainFileNamespace(llvm::StringRef text, const char *&word) {
  word = nullptr;
  llvm::StringRef head = text.take_until([](char c) { return c == '{'; });
  size_t at = findInText(head, "namespace");
  while (at != llvm::StringRef::npos && !namespaceWordAt(text, at)) at = findInText(head, "namespace", at + 1);
  if (at == llvm::StringRef::npos) return std::nullopt;
  for (size_t again = findInText(head, "namespace", at + 9); again != llvm::StringRef::npos; again = findInText(head, "namespace", again + 1))
    if (namespaceWordAt(text, again)) return std::nullopt;
  if (!startsPlainLine(text, at)) return std::nullopt;
  std::optional<llvm::StringRef> name = plainQuotedRest(text, at + 9);
  // An invalid name is reported by check(), which then leaves the workloads
  // in the default namespace: that is for the usual path to do.
  if (!name || !k8s::validateDns1123Label(*name).empty()) return std::nullopt;
  word = text.data() + at;
  return name->str();
}

bool EarlyWorkloadCheck::readTarget(llvm::ArrayRef<FileId> files) {
  if (targetKnown_) return false;
  std::optional<k8s::Version> found;
  for (FileId id : files) {
    llvm::StringRef text = sm_.text(id);
    for (size_t at = findInText(text, "target"); at != llvm::StringRef::npos; at = findInText(text, "target", at + 1)) {
      if (!wholeWordAt(text, at, 6)) continue;
      if (found || !startsPlainLine(text, at)) return false; // a second `target`, or one not on a line of its own
      size_t next = at + 6;
      llvm::StringRef rest = text.drop_front(next);
      size_t blank = rest.find_first_not_of(" \t");
      if (blank == 0 || blank == llvm::StringRef::npos || !rest.drop_front(blank).startswith("kubernetes")) return false;
      next += blank + 10;
      std::optional<llvm::StringRef> version = plainQuotedRest(text, next);
      std::optional<k8s::Version> v = version ? k8s::parseVersion(*version) : std::nullopt;
      if (!v || !k8s::isSupported(*v)) return false; // check() reports it
      found = v;
    }
  }
  if (!found) return false;
  target_ = *found;
  targetKnown_ = true;
  targetRead_ = true;
  return true;
}

void EarlyWorkloadCheck::beginFile(FileId file, size_t parts, size_t threads, size_t bytes) {
  parsing_ = std::make_unique<FileState>();
  parsing_->id = file;
  parsing_->ns = plainFileNamespace(sm_.text(file), parsing_->nsWord);
  parsing_->parts.resize(parts);
  // Room for the workloads up front, for workloads of a typical size (a few
  // hundred bytes of text): a list that grows moves what it holds. Thread
  // 0's list becomes the program's, so it has room for the whole file; the
  // others for a fair share, growing if they take more parts.
  constexpr size_t kBytesPerWorkload = 400;
  for (size_t t = 0; t < threads; ++t) {
    auto ts = std::make_unique<ThreadState>(sm_, opts_, target_);
    ts->checker.program_.workloads.reserve((t == 0 ? bytes : bytes / threads) / kBytesPerWorkload + 8);
    parsing_->threads.push_back(std::move(ts));
  }
}

void EarlyWorkloadCheck::beginPart(size_t thread, size_t part) {
  PartState &p = parsing_->parts[part];
  p.thread = thread;
  p.begin = p.end = parsing_->threads[thread]->checker.program_.workloads.size();
}

void EarlyWorkloadCheck::item(size_t thread, size_t part, ast::Item &item) {
  checkItem(*parsing_, *parsing_->threads[thread], parsing_->parts[part], item);
}

// A workload's: checkItem drops it.
bool EarlyWorkloadCheck::dropsBody(const ast::Declaration &header) const {
  return sema::workloadKind(header.keyword.name).has_value();
}

void EarlyWorkloadCheck::checkItem(FileState &file, ThreadState &ts, PartState &part, ast::Item &item) {
  auto *d = dyn_cast<ast::Declaration>(&item);
  if (!d) return;
  std::optional<model::WorkloadKind> kind = sema::workloadKind(d->keyword.name);
  if (!kind) return; // keep in step with dropsBody
  static const std::string kDefaultNamespace;
  std::vector<model::Workload> &made = ts.checker.program_.workloads;
  size_t before = made.size();
  const std::string &ns = file.ns ? *file.ns : kDefaultNamespace;
  ts.checker.checkWorkload(*d, *kind, ns);
  sema::Prechecked &p = part.items.emplace_back();
  p.decl = d;
  p.ns = ns;
  p.made = made.size() != before;
  p.diags = std::move(ts.diags.all());
  ts.diags.all().clear();
  // Everything check() will read of it is now in the model; the loop in
  // check() only matches the declaration itself. Built in scratch memory
  // (dropsBody), it is let go of whole: the parser reuses that memory.
  if (scratch::owns(d->body.get())) (void)d->body.release();
  if (scratch::owns(d->value.get())) (void)d->value.release();
  d->body.reset();
  d->value.reset();
}

void EarlyWorkloadCheck::endPart(size_t thread, size_t part) {
  parsing_->parts[part].end = parsing_->threads[thread]->checker.program_.workloads.size();
}

void EarlyWorkloadCheck::beginWholeFiles(size_t threads) {
  while (wholeThreads_.size() < threads) wholeThreads_.push_back(std::make_unique<ThreadState>(sm_, opts_, target_));
}

bool EarlyWorkloadCheck::checkWholeFile(size_t thread, ast::File &file) {
  // A file of one part, checked by the thread's own checker (one per
  // thread: a checker per file was slower than not checking early at all);
  // its workloads then move to the file's own list.
  llvm::StringRef text = sm_.text(file.id);
  auto state = std::make_unique<FileState>();
  state->id = file.id;
  state->ns = plainFileNamespace(text, state->nsWord);
  if (!isPlainText(text, targetKnown_, state->nsWord)) return false;
  ThreadState &ts = *wholeThreads_[thread];
  std::vector<model::Workload> &made = ts.checker.program_.workloads;
  size_t first = made.size();
  PartState &part = state->parts.emplace_back();
  for (ast::ItemPtr &it : file.items) checkItem(*state, ts, part, *it);
  state->whole.emplace(std::make_move_iterator(made.begin() + static_cast<std::ptrdiff_t>(first)),
                       std::make_move_iterator(made.end()));
  made.resize(first);
  std::lock_guard<std::mutex> lock(doneMutex_);
  done_.push_back(std::move(state));
  return true;
}

// Puts a file's workloads in file order in thread 0's list, which then
// holds them all. The threads took parts in turn as each got free, so a
// thread's list is its parts' workloads in part order, with the other
// threads' parts missing in between. Filling the final places from the
// back, every workload moves at most once: a thread 0 workload's place is
// never before where it is (only parts before it can come in ahead of
// it), and whatever sat at a place being filled has already moved on.
std::vector<model::Workload> EarlyWorkloadCheck::inFileOrder(FileState &file) {
  auto &threads = file.threads;
  const std::vector<PartState> &parts = file.parts;
  std::vector<model::Workload> &all = threads[0]->checker.program_.workloads;
  size_t total = 0;
  for (const auto &p : parts) total += p.end - p.begin;
  all.resize(total);
  size_t place = total;
  for (size_t k = parts.size(); k-- > 0;) {
    const auto &p = parts[k];
    size_t n = p.end - p.begin;
    place -= n;
    if (p.thread != 0) {
      std::vector<model::Workload> &from = threads[p.thread]->checker.program_.workloads;
      for (size_t i = 0; i < n; ++i) all[place + i] = std::move(from[p.begin + i]);
    } else if (place != p.begin) {
      for (size_t i = n; i-- > 0;) all[place + i] = std::move(all[p.begin + i]);
    }
  }
  return std::move(all);
}

void EarlyWorkloadCheck::endFile(FileId, bool kept) {
  if (kept) done_.push_back(std::move(parsing_));
  parsing_.reset();
}

std::vector<FileId> EarlyWorkloadCheck::files() const {
  std::vector<FileId> out;
  for (const auto &f : done_) out.push_back(f->id);
  return out;
}

void EarlyWorkloadCheck::clear() { done_.clear(); }

void EarlyWorkloadCheck::take(llvm::ArrayRef<const ast::File *> files, sema::PrecheckedWorkloads &out) {
  // done_ is in the order files were finished (small ones on several
  // threads at once); check() meets them in `files` order.
  llvm::DenseMap<uint32_t, size_t> at;
  for (size_t i = 0; i < done_.size(); ++i)
    if (done_[i]) at[done_[i]->id.value] = i;
  for (const ast::File *f : files) {
    auto found = at.find(f->id.value);
    if (found == at.end()) continue;
    std::unique_ptr<FileState> &state = done_[found->second];
    if (!state) continue;
    for (PartState &part : state->parts)
      for (sema::Prechecked &p : part.items) out.items.push_back(std::move(p));
    out.parts.push_back(state->whole ? std::move(*state->whole) : inFileOrder(*state));
    state.reset();
  }
}

} // namespace rig
