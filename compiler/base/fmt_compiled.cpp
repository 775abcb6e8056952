// fmt's compiled part, built into rig rather than taken from libfmt.so.
//
// Why: every shared library a binary needs is mapped, and its symbols are
// looked up, at every start. For `rig build` on a small project that start
// is most of the run (`rig version` went from 3.3 to 1.8 ms once
// libstdc++, yaml-cpp, tinfo and fmt were linked in). Debian's libfmt-dev
// ships the headers and the shared library only, and rig calls one
// compiled function of fmt (vformat), so this file compiles fmt's own
// implementation header once, from the Debian headers, with the explicit
// instantiations that format.h declares `extern` for char.
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {
template FMT_API auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto decimal_point_impl(locale_ref) -> char;
} // namespace detail
FMT_END_NAMESPACE
