// Fuzz target: the host's manifest index (host/manifest_index.hpp), the cache file read on
// every start-up from ~/.cache/mosaic/plugin-index/. Each line of the input is one record for
// ManifestIndex::parse_record() + decode_value(); the whole input is also installed as the
// records of an index file and read by the ManifestIndex constructor.
//
// Checks: no crash or exception on any text (the index is "a pure accelerator": corrupt means
// ignored); a record that parses has a non-empty file name without '\' and a non-empty value;
// a value that decodes re-encodes to a record that parses and decodes to the same value (the
// file is rewritten from decoded views, so encode/decode must be inverse).
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "fuzz_support.hpp"
#include "manifest_index.hpp"

using mosaic::host::ManifestIndex;
using mosaic::host::ManifestKey;
using mosaic::host::ManifestOrError;

namespace {

void check_line(std::string_view line) {
    auto rec = ManifestIndex::parse_record(line);
    if (!rec) return;
    FUZZ_CHECK(!rec->file.empty() && rec->file.find('\\') == std::string_view::npos, "bad file name accepted");
    FUZZ_CHECK(!rec->value.empty(), "empty value accepted");
    auto value = ManifestIndex::decode_value(rec->value);
    if (!value) return;
    std::string again = ManifestIndex::encode_record(std::string(rec->file), rec->key, *value);
    FUZZ_CHECK(again.find('\n') == std::string::npos, "re-encoded record spans lines");
    auto rec2 = ManifestIndex::parse_record(again);
    FUZZ_CHECK(rec2.has_value(), "re-encoded record does not parse: " + again);
    FUZZ_CHECK(rec2->file == rec->file && rec2->key == rec->key, "file or key changed in the round trip");
    auto value2 = ManifestIndex::decode_value(rec2->value);
    FUZZ_CHECK(value2.has_value() && *value2 == *value, "re-encoded value decodes differently");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = mosaic::fuzz::as_string(data, size);
    std::string_view rest = text;
    while (true) {
        auto nl = rest.find('\n');
        check_line(rest.substr(0, nl));
        if (nl == std::string_view::npos) break;
        rest.remove_prefix(nl + 1);
    }

    // The same text as the records of an index file for an (empty) plugin directory.
    static const auto index_dir = mosaic::fuzz::scratch_dir() / "index";
    static const auto plugin_dir = (mosaic::fuzz::scratch_dir() / "plugins").string();
    static bool made = [] {
        std::filesystem::create_directories(index_dir);
        std::filesystem::create_directories(plugin_dir);
        return true;
    }();
    (void)made;
    ManifestIndex probe(index_dir.string(), plugin_dir);
    mosaic::fuzz::write_bytes(probe.file(), "mosaic-plugin-index\t3\n" + plugin_dir + "\n" + text);
    ManifestIndex index(index_dir.string(), plugin_dir);
    auto missing = index.get("missing.plugin.json");
    FUZZ_CHECK(std::holds_alternative<std::string>(missing), "a missing manifest was found");
    FUZZ_CHECK(index.hits() == 0 && index.misses() == 1, "hit/miss counts");
    return 0;
}
