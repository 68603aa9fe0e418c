#pragma once

/// The libFuzzer entry points every harness here defines, and a check that holds in every build.
///
/// A harness is built twice (CMakeLists.txt): with libFuzzer in the fuzz preset, where
/// libFuzzer's main calls these, and as a plain executable with replaymain.cpp, which calls
/// them once per corpus file so that `make test` replays the corpus without clang.

#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

/// Once, before the first input; may leave argc and argv alone.
extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv);
/// One input; returns 0 (libFuzzer reserves other values).
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size);

namespace taskscope::fuzz {

/// Aborts with @p what when @p holds is false: libFuzzer keeps the input as a crash, and a
/// replay under CTest fails. Not assert(): the fuzz preset and release builds define NDEBUG.
inline void check(bool holds, const char *what, const QString &detail = {})
{
    if (holds)
        return;
    std::fprintf(stderr, "fuzz check failed: %s\n  %s\n", what, detail.toUtf8().constData());
    std::abort();
}

} // namespace taskscope::fuzz
