// contract.hpp - the Mosaic contract: the instructions an agent starts with
// (`mosaic compose-contract RUNTIME`), and how `mosaic yolo` hands them to each runtime.
//
// The contract is composed from the mosaic home's AGENTS.md, SOUL.md, USER.md and TOOLS.md,
// in that order, each followed by its overlay (AGENTS.local.md, ...: the user's own additions,
// which mosaic never writes), then, when MOSAIC_AGENT_NAME names a roster agent, a
// Fleet-Comms block: who the agent is, how to reach its peers, the peer table (without
// itself, the orchestrators flagged) and the tmux socket (`-L` only when the roster names one).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "roster.hpp"

namespace mosaic::fleet {

// AGENTS.md, SOUL.md, USER.md, TOOLS.md
const std::vector<std::string>& contract_file_names();
// "AGENTS.md" -> "AGENTS.local.md"
std::string contract_overlay_name(const std::string& file_name);

struct ContractInput {
    std::string runtime;
    std::filesystem::path mosaic_home;
    std::optional<Roster> roster;      // when there is one
    std::optional<std::string> agent;  // MOSAIC_AGENT_NAME
    std::string host;                  // this machine's name, as the message preamble has it
};

// The Fleet-Comms block of `self` (pure).
std::string fleet_comms_block(const Roster& roster, const Agent& self, const std::string& host);

// The contract: every file that exists (read as it is; one that cannot be read throws
// mosaic::Error naming it), then the Fleet-Comms block when `agent` is in the roster. Empty
// when there is nothing to say.
std::string compose_contract(const ContractInput& in);

// A contract longer than this is refused (exit 2): it travels as one argument, and Linux
// limits one argument to 128 KiB.
inline constexpr std::size_t max_contract_bytes = 100 * 1024;

// How `runtime` is given the contract, as each documents extra system instructions:
//   claude:   --append-system-prompt TEXT
//   codex:    -c developer_instructions="TEXT" (a TOML string)
//   opencode: OPENCODE_CONFIG_CONTENT={"instructions": [FILE]}, merged into what the
//             variable already holds; FILE is `file` with the text written to it
//   pi:       --append-system-prompt TEXT
struct ContractDelivery {
    std::vector<std::string> args;                             // after the runtime's yolo flags
    std::map<std::string, std::string> env;                    // set for the runtime
    std::optional<std::pair<std::filesystem::path, std::string>> file;  // to write first
};
// Throws mosaic::Error(exit_usage) for a contract over max_contract_bytes, or an
// OPENCODE_CONFIG_CONTENT that is not a JSON object (named).
ContractDelivery contract_delivery(const std::string& runtime, const std::string& contract,
                                   const std::filesystem::path& file,
                                   const std::optional<std::string>& opencode_config_content);

// A TOML basic string holding `s` ("..." with \", \\, \n, \t and \uXXXX escapes).
std::string toml_string(const std::string& s);

}  // namespace mosaic::fleet
