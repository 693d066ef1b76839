// Fuzz target: the plugin manifest reader, manifest::load() (<name>.plugin.json text ->
// Manifest), which every start-up runs on every plugin directory entry.
//
// Checks: load() either returns a Manifest or throws std::runtime_error (the documented
// error; nlohmann's own exceptions must not escape); a parse error's "line L column C" lies
// inside the text; an accepted manifest survives to_json() -> from_json() unchanged and the
// manifest index's encode_record() -> parse_record() -> decode_value() unchanged; and the
// numbers it read are the numbers in the document (no silent truncation to 32 bits).
#include <cinttypes>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "manifest.hpp"
#include "manifest_index.hpp"

using mosaic::manifest::Manifest;

namespace {

void check_numbers(const std::string& text, const Manifest& m) {
    auto j = nlohmann::json::parse(text);  // load() accepted it, so it parses
    uint64_t schema = j.at("schema").get<uint64_t>();
    FUZZ_CHECK(schema == static_cast<uint64_t>(mosaic::manifest::schema_version) ||
                   schema == static_cast<uint64_t>(mosaic::manifest::schema_version_without_tree),
               "accepted a manifest whose schema is " + j.at("schema").dump());
    bool trees = false;
    for (const auto& c : m.commands) trees = trees || !c.tree.empty();
    FUZZ_CHECK(!trees || schema == static_cast<uint64_t>(mosaic::manifest::schema_version),
               "accepted a command tree in a manifest of schema " + j.at("schema").dump());
    FUZZ_CHECK(j.at("abi").at("major").get<uint64_t>() == m.abi_major,
               "abi.major " + j.at("abi").at("major").dump() + " read as " + std::to_string(m.abi_major));
    FUZZ_CHECK(j.at("abi").at("minor").get<uint64_t>() == m.abi_minor,
               "abi.minor " + j.at("abi").at("minor").dump() + " read as " + std::to_string(m.abi_minor));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = mosaic::fuzz::as_string(data, size);
    const auto path = mosaic::fuzz::scratch_dir() / "fuzz.plugin.json";
    mosaic::fuzz::write_bytes(path, text);

    Manifest m;
    try {
        m = mosaic::manifest::load(path);
    } catch (const nlohmann::json::exception& e) {
        FUZZ_CHECK(false, std::string("nlohmann exception escaped manifest::load: ") + e.what());
    } catch (const std::runtime_error& e) {
        std::string what = e.what();
        FUZZ_CHECK(!what.empty(), "empty error message");
        // "not valid JSON at line L column C": L must be a line of the text.
        unsigned long line = 0, column = 0;
        if (std::sscanf(what.c_str(), "not valid JSON at line %lu column %lu", &line, &column) == 2) {
            unsigned long lines = 1;
            for (char c : text) lines += c == '\n';
            FUZZ_CHECK(line >= 1 && line <= lines && column >= 1, "bad position in '" + what + "'");
        }
        return 0;
    }

    check_numbers(text, m);
    FUZZ_CHECK(mosaic::manifest::from_json(mosaic::manifest::to_json(m)) == m, "to_json/from_json round trip");

    using mosaic::host::ManifestIndex;
    if (m.commands.size() > 10000 || m.services.size() > 10000) return 0;  // the index's own bound
    std::string record = ManifestIndex::encode_record("fuzz.plugin.json", {1, size, 2}, m);
    FUZZ_CHECK(record.find('\n') == std::string::npos, "an index record spans lines");
    auto parsed = ManifestIndex::parse_record(record);
    FUZZ_CHECK(parsed.has_value(), "index record of a valid manifest does not parse");
    auto value = ManifestIndex::decode_value(parsed->value);
    FUZZ_CHECK(value.has_value() && std::holds_alternative<Manifest>(*value) && std::get<Manifest>(*value) == m,
               "index record does not decode to the manifest");
    return 0;
}
