// Fuzz target: the parser of `systemctl --user show --property=...` output
// (plugins/fleet/systemctl.hpp: parse_systemctl_show, unit_state_from, query_units), which
// `fleet status` and `fleet ps` read for every unit.
//
// Checks: no crash or exception on any output; every block is non-empty, every key non-empty
// without '=' and every key and value without a newline; rendering the blocks back and parsing
// again gives the same blocks; query_units() answers for exactly the units asked (blocks
// matched by Id), with a non-negative MainPID and never an empty state.
#include <string>

#include <mosaic/support/process.hpp>

#include "fuzz_support.hpp"
#include "systemctl.hpp"

using namespace mosaic::fleet;

namespace {

std::string render(const std::vector<std::map<std::string, std::string>>& blocks) {
    std::string out;
    for (const auto& b : blocks) {
        if (!out.empty()) out += "\n";
        for (const auto& [k, v] : b) out += k + "=" + v + "\n";
    }
    return out;
}

class CannedRunner : public mosaic::support::CommandRunner {
public:
    explicit CannedRunner(std::string out) : out_(std::move(out)) {}
    mosaic::support::ProcessResult run(const mosaic::support::Command&) override { return {0, out_, "", false}; }

private:
    std::string out_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = mosaic::fuzz::as_string(data, size);
    auto blocks = parse_systemctl_show(text);
    for (const auto& b : blocks) {
        FUZZ_CHECK(!b.empty(), "empty block");
        for (const auto& [k, v] : b) {
            FUZZ_CHECK(!k.empty() && k.find('=') == std::string::npos && k.find('\n') == std::string::npos,
                       "bad key '" + k + "'");
            FUZZ_CHECK(v.find('\n') == std::string::npos, "value spans lines");
        }
    }
    // A value ending in '\r' (from "\r\r\n") cannot be rendered back: the parser drops one '\r'
    // per line, as systemd never ends a value with one.
    bool renderable = true;
    for (const auto& b : blocks)
        for (const auto& [k, v] : b) renderable = renderable && (v.empty() || v.back() != '\r');
    if (renderable) FUZZ_CHECK(parse_systemctl_show(render(blocks)) == blocks, "render/parse round trip");

    // Asked: the holder, two agents, and whatever Ids the output names (at most a few).
    std::vector<std::string> units{holder_unit, agent_unit("planner"), agent_unit("rev.1")};
    for (const auto& b : blocks)
        if (auto id = b.find("Id"); id != b.end() && units.size() < 8) units.push_back(id->second);
    CannedRunner runner(text);
    auto q = query_units(units, runner);
    FUZZ_CHECK(!q.error, "a successful systemctl reported an error");
    for (const auto& u : units) {
        auto it = q.units.find(u);
        FUZZ_CHECK(it != q.units.end(), "no state for unit " + u);
        const UnitState& s = it->second;
        FUZZ_CHECK(s.unit == u && s.main_pid >= 0, "bad state for unit " + u);
        FUZZ_CHECK(!s.load_state.empty() && !s.active_state.empty() && !s.sub_state.empty() &&
                       !s.unit_file_state.empty(),
                   "empty state for unit " + u);
        (void)s.enabled();
    }
    FUZZ_CHECK(q.units.size() <= units.size(), "states for units not asked");
    return 0;
}
