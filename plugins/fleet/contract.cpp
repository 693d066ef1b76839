#include "contract.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include <mosaic/error.hpp>
#include <mosaic/support/file.hpp>
#include <mosaic/support/json.hpp>
#include <mosaic/support/text.hpp>

#include "tmux.hpp"

namespace mosaic::fleet {

namespace fs = std::filesystem;

const std::vector<std::string>& contract_file_names() {
    static const std::vector<std::string> names{"AGENTS.md", "SOUL.md", "USER.md", "TOOLS.md"};
    return names;
}

std::string contract_overlay_name(const std::string& file_name) {
    return file_name.substr(0, file_name.size() - 3) + ".local.md";
}

namespace {

std::string peer_table(const Roster& roster, const Agent& self) {
    std::string out = "| agent | class | runtime |\n|---|---|---|\n";
    std::size_t peers = 0;
    for (const auto& a : roster.agents) {
        if (a.name == self.name) continue;
        ++peers;
        out += "| " + a.name + " | " + a.agent_class + (a.agent_class == "orchestrator" ? " (orchestrator)" : "") +
               " | " + a.runtime + " |\n";
    }
    return peers ? out : "You have no peers: you are the only agent of the roster.\n";
}

// The text with one line break at its end, so that what follows starts a paragraph.
std::string paragraph(const std::string& text) { return support::trim_end(text) + "\n"; }

}  // namespace

std::string fleet_comms_block(const Roster& roster, const Agent& self, const std::string& host) {
    std::string tmux = roster.socket_name ? "tmux -L " + *roster.socket_name : std::string("tmux");
    std::string out = "## Fleet-Comms\n\n";
    out += "You are agent `" + self.name + "` (class " + self.agent_class + ", runtime " + self.runtime +
           ") on host `" + host + "`, one agent of a Mosaic fleet.\n\n";
    out += "Send a peer a message: `mosaic agent send PEER --source-label " + self.name +
           " --message \"TEXT\" --verify`. It arrives in the peer's pane as `[" + host + ":" + self.name + " -> " +
           host + ":PEER] TEXT`; messages to you arrive the same way, the sender first. Read a peer's screen: "
           "`mosaic agent tail PEER`, or `" + tmux + " capture-pane -p -t =PEER`.\n\n";
    out += "Peers:\n\n" + peer_table(roster, self);
    return out;
}

std::string compose_contract(const ContractInput& in) {
    std::vector<std::string> parts;
    for (const auto& name : contract_file_names())
        for (const auto& file : {name, contract_overlay_name(name)})
            if (auto text = support::read_file(in.mosaic_home / file); text && !text->empty())
                parts.push_back(paragraph(*text));
    if (in.roster && in.agent)
        if (const Agent* self = in.roster->find(*in.agent)) parts.push_back(fleet_comms_block(*in.roster, *self, in.host));
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "\n") + p;
    return out;
}

std::string toml_string(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out + "\"";
}

namespace {

std::string opencode_config_with(const std::optional<std::string>& current, const fs::path& file) {
    nlohmann::json config = nlohmann::json::object();
    if (current && !current->empty()) {
        auto parsed = support::try_parse_json<nlohmann::json>(*current);
        if (!parsed || !parsed->is_object())
            throw Error(exit_usage, "OPENCODE_CONFIG_CONTENT is not a JSON object; fix or unset it, or pass --no-contract");
        config = std::move(*parsed);
    }
    auto& instructions = config["instructions"];
    if (!instructions.is_array()) instructions = nlohmann::json::array();
    instructions.push_back(file.string());
    return config.dump();
}

}  // namespace

ContractDelivery contract_delivery(const std::string& runtime, const std::string& contract, const fs::path& file,
                                   const std::optional<std::string>& opencode_config_content) {
    ContractDelivery d;
    if (contract.empty()) return d;
    if (contract.size() > max_contract_bytes)
        throw Error(exit_usage, "the contract is " + std::to_string(contract.size()) + " bytes, more than " +
                                    std::to_string(max_contract_bytes) +
                                    "; shorten the mosaic home's AGENTS.md, SOUL.md, USER.md, TOOLS.md or their "
                                    ".local.md overlays, or pass --no-contract");
    if (runtime == "claude" || runtime == "pi") {
        d.args = {"--append-system-prompt", contract};
    } else if (runtime == "codex") {
        d.args = {"-c", "developer_instructions=" + toml_string(contract)};
    } else if (runtime == "opencode") {
        d.file.emplace(file, contract);
        d.env["OPENCODE_CONFIG_CONTENT"] = opencode_config_with(opencode_config_content, file);
    }
    return d;
}

}  // namespace mosaic::fleet
