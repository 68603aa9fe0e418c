// Replays inputs through a harness without libFuzzer: `fuzz_<name>_replay PATH...`, each PATH
// a file or a folder of them (read recursively, in name order). CTest runs it on the harness's
// corpus, so every input that ever found something runs again in every build.

#include "fuzzharness.h"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

/// The input being replayed, for the abort handler (an abort is how a check, or a sanitizer
/// with abort_on_error, ends the process).
char s_current[4096] = "";

void sayWhichInput(int signal)
{
    const char prefix[] = "fuzz replay: the input was ";
    (void)!::write(STDERR_FILENO, prefix, sizeof prefix - 1);
    (void)!::write(STDERR_FILENO, s_current, std::strlen(s_current));
    (void)!::write(STDERR_FILENO, "\n", 1);
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

std::vector<std::filesystem::path> inputsUnder(const std::filesystem::path &path)
{
    std::vector<std::filesystem::path> inputs;
    if (std::filesystem::is_directory(path)) {
        for (const auto &entry : std::filesystem::recursive_directory_iterator(path)) {
            if (entry.is_regular_file())
                inputs.push_back(entry.path());
        }
        std::sort(inputs.begin(), inputs.end());
    } else {
        inputs.push_back(path);
    }
    return inputs;
}

} // namespace

int main(int argc, char **argv)
{
    std::vector<std::filesystem::path> inputs;
    for (int i = 1; i < argc; ++i) {
        const std::vector<std::filesystem::path> found = inputsUnder(argv[i]);
        inputs.insert(inputs.end(), found.begin(), found.end());
    }
    // An empty or missing corpus would pass without testing anything.
    if (inputs.empty()) {
        std::fprintf(stderr, "fuzz replay: no inputs found (usage: %s FILE-OR-FOLDER...)\n", argv[0]);
        return 1;
    }
    std::signal(SIGABRT, sayWhichInput);
    LLVMFuzzerInitialize(&argc, &argv);
    for (const std::filesystem::path &input : inputs) {
        std::ifstream file(input, std::ios::binary);
        if (!file) {
            std::fprintf(stderr, "fuzz replay: cannot read %s\n", input.c_str());
            return 1;
        }
        const std::string bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
        std::snprintf(s_current, sizeof s_current, "%s", input.c_str());
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
    }
    std::printf("fuzz replay: %zu inputs ran through %s without a failure\n", inputs.size(), argv[0]);
    return 0;
}
